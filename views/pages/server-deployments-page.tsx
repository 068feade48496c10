import type { Deployment } from "../../src/deploy/deployments.ts";
import type { DeployProgress } from "../../src/ui/deploy-progress.ts";
import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { ServerShell, type ServerShellProps } from "../components/server-shell.tsx";
import { isoDate } from "../format.ts";
import { DeploymentSettingsPanel, type DeploymentSettingsPanelProps } from "../components/deployment-settings-panel.tsx";
import { TestConfigPanel, type TestConfigPanelProps } from "../components/test-config-panel.tsx";
import { DeployHistoryPanel, LastDeployFacts, type DeployHistoryPanelProps } from "../components/deploy-history-panel.tsx";
import { plural } from "../../src/shared/plural.ts";

/** DeployProgressView is the progress bar and what the deploy is doing (an SSE message's content). */
export function DeployProgressView(p: { progress: DeployProgress; base: string }): JSX.Element {
  const g = p.progress;
  return (
    <div class={`deploy-progress ${g.state}`} data-state={g.state}>
      <label for="deploy-bar" safe>
        {g.state === "running" ? `${g.label}…` : g.label}
      </label>
      <progress id="deploy-bar" max="100" value={String(g.percent)} safe>
        {`${g.percent}%`}
      </progress>
      {g.message ? (
        <p class={g.state === "failed" ? "field-error pre-line" : "muted pre-line"} safe>
          {g.message}
        </p>
      ) : (
        ""
      )}
      {g.state === "ready" ? (
        <p>
          <a href={`${p.base}/tools`}>See its tools</a> · <a href={`${p.base}/playground`}>Try it in the playground</a> · <a href={`${p.base}/deployments`}>Refresh this page</a>
        </p>
      ) : (
        ""
      )}
    </div>
  );
}

/** DeployStatusProps say whether a deploy runs (then the region follows it live) and its progress. */
export interface DeployStatusProps {
  base: string;
  progress?: DeployProgress;
  follow: boolean;
  error?: string;
}

/** DeployStatus is the region the Deploy button replaces; while a deploy runs it follows /deployments/progress over SSE. */
export function DeployStatus(p: DeployStatusProps): JSX.Element {
  const attrs = p.follow ? { "hx-sse:connect": `${p.base}/deployments/progress`, "hx-sse:close": "done" } : {};
  return (
    <section id="deploy-status" class="deploy-status" aria-live="polite" aria-label="Deploy progress" {...attrs}>
      {p.error ? (
        <div class="alert error" role="alert">
          <p class="pre-line" safe>
            {p.error}
          </p>
        </div>
      ) : (
        ""
      )}
      {p.progress ? <DeployProgressView progress={p.progress} base={p.base} /> : ""}
    </section>
  );
}

const STATE_TEXT: Record<Deployment["state"], string> = { installing: "Deploying", ready: "Running", failed: "Failed", stopped: "Stopped" };

/** DeployStatePanel is the deployment's state; the end of a deploy swaps it in again (out of band). */
export function DeployStatePanel(p: { data: ServerPage; activeSessions: number; oob?: boolean }): JSX.Element {
  const d = p.data.deployment;
  const base = `/${p.data.server.qualifiedName}`;
  const deployed = d ? p.data.versions.find((v) => v.id === d.versionId) : undefined;
  return (
    <section class="panel" id="deploy-state" {...(p.oob ? { "hx-swap-oob": "true" } : {})}>
      <h2>State</h2>
      <dl class="facts">
        <dt>State</dt>
        <dd>{d ? STATE_TEXT[d.state] : "Not deployed"}</dd>
        {deployed ? (
          <>
            <dt>Version</dt>
            <dd>
              <code safe>{deployed.version}</code>
            </dd>
          </>
        ) : (
          ""
        )}
        {d?.error ? (
          <>
            <dt>Last error</dt>
            <dd class="pre-line" safe>
              {d.error}
            </dd>
          </>
        ) : (
          ""
        )}
        {d?.state === "ready" ? <LastDeployFacts last={d.lastDeploy} servingVersionId={d.versionId} /> : ""}
        <dt>Active sessions</dt>
        <dd id="active-sessions" safe>
          {String(p.activeSessions)}
        </dd>
        {d ? (
          <>
            <dt>Limits</dt>
            <dd safe>{`${plural(d.settings.maxSessions, "session")}, idle ${d.settings.idleTimeoutSec} s, max age ${d.settings.maxAgeSec} s, ${d.settings.poolSize} warm`}</dd>
            <dt>Network</dt>
            <dd>{d.settings.network}</dd>
            <dt>Updated</dt>
            <dd>
              <time datetime={isoDate(d.updatedAt)} safe>{isoDate(d.updatedAt).replace("T", " ").slice(0, 19)}</time>
            </dd>
          </>
        ) : (
          ""
        )}
      </dl>
      <p>
        <a href={`${base}/logs`}>Logs →</a>
      </p>
    </section>
  );
}

/** ServerDeploymentsProps are the deployment's state, the versions that can be deployed, and a running deploy. */
export interface ServerDeploymentsProps {
  data: ServerPage;
  layout: ServerShellProps["layout"];
  csrfToken: string;
  hosting: boolean;
  activeSessions: number;
  status: DeployStatusProps;
  /** testConfig is the probe's config form, for servers that take config. */
  testConfig?: Omit<TestConfigPanelProps, "base" | "csrfToken">;
  /** settings are the effective deployment settings and their form. */
  settings: Omit<DeploymentSettingsPanelProps, "base" | "csrfToken">;
  /** history lists the versions that served here, with rollback buttons. */
  history: Omit<DeployHistoryPanelProps, "base" | "csrfToken">;
}

/** ServerDeploymentsPage lets owners deploy a version with a live progress bar, and shows how it runs. */
export function ServerDeploymentsPage(p: ServerDeploymentsProps): JSX.Element {
  const d = p.data.deployment;
  const base = `/${p.data.server.qualifiedName}`;
  const choices = [...p.data.versions].reverse();
  return (
    <ServerShell data={p.data} tab="deployments" layout={p.layout} head={p.status.follow ? <noscript><meta http-equiv="refresh" content="3" /></noscript> : undefined}>
      <div class="columns">
        <section class="panel stack">
          <h2>Deploy</h2>
          {!p.hosting ? (
            <p class="alert info">This Hearth is not hosting servers (it was started without a supervisor).</p>
          ) : (
            <form method="post" action={`${base}/deployments`} hx-post={`${base}/deployments`} hx-target="#deploy-status" hx-swap="outerHTML" hx-disable="find button" class="stack">
              <input type="hidden" name="_csrf" value={p.csrfToken} />
              <label for="deploy-version">Version</label>
              <select id="deploy-version" name="version" aria-describedby="deploy-version-hint">
                {choices.map((v) => (
                  <option value={v.version} disabled={!v.deployable} selected={v.isLatest} safe>
                    {`${v.version}${v.isLatest ? " (latest)" : ""}${d?.versionId === v.id ? " (deployed)" : ""}${v.deployable ? "" : ` — can't run here: ${v.notDeployableReason ?? "no runnable package"}`}`}
                  </option>
                ))}
              </select>
              <p class="hint" id="deploy-version-hint">
                Hearth installs the package, starts it once to list its tools, then serves sessions from it.
              </p>
              <button type="submit" class="primary">
                Deploy
              </button>
            </form>
          )}
          <DeployStatus {...p.status} />
        </section>
        <DeployStatePanel data={p.data} activeSessions={p.activeSessions} />
      </div>
      {p.hosting ? <DeployHistoryPanel base={base} csrfToken={p.csrfToken} {...p.history} /> : ""}
      <DeploymentSettingsPanel base={base} csrfToken={p.csrfToken} {...p.settings} />
      {p.testConfig && p.testConfig.fields.length ? <TestConfigPanel base={base} csrfToken={p.csrfToken} {...p.testConfig} /> : ""}
    </ServerShell>
  );
}
