import type { NormalisedManifest, RunSpec } from "../../src/registry/manifest.ts";
import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { CopyField } from "../components/copy.tsx";
import { ServerShell, type ServerShellProps } from "../components/server-shell.tsx";
import { plural } from "../../src/shared/plural.ts";
import { httpUrl, isoDate, shortDate } from "../format.ts";

/** ServerOverviewProps add the host's sandbox mode to the server's data. */
export interface ServerOverviewProps {
  data: ServerPage;
  sandbox: string;
  layout: ServerShellProps["layout"];
}

function runText(r: RunSpec): string {
  switch (r.kind) {
    case "npm":
      return `npm package ${r.package}${r.version ? `@${r.version}` : ""}, run on Hearth's embedded runtime`;
    case "tarball":
      return `npm-style tarball from ${r.url}`;
    case "mcpb":
      return r.entry ? `MCP bundle (${r.entry.serverType}, ${r.entry.entryPoint})` : "MCP bundle (.mcpb)";
    case "command":
      return `command ${r.command}${r.requires ? ` (needs ${r.requires} on the host)` : ""}`;
    case "smithery-function":
      return "smithery.yaml commandFunction (publisher code, evaluated in a sandbox)";
  }
}

function HowItRuns(p: { data: ServerPage; sandbox: string }): JSX.Element {
  const v = p.data.current;
  if (!v) return <p class="muted">No version is published.</p>;
  const m = v.manifest as Partial<NormalisedManifest>;
  const settings = p.data.deployment?.settings;
  const sandbox = p.sandbox === "none" ? "no sandbox (this instance runs servers unsandboxed)" : p.sandbox === "bwrap" ? "bubblewrap sandbox" : "bubblewrap sandbox when the host has it";
  return (
    <dl class="facts">
      <dt>Runs</dt>
      <dd safe>{m.runs ? runText(m.runs) : (v.notDeployableReason ?? "nothing Hearth can run")}</dd>
      <dt>Deployable here</dt>
      <dd safe>{v.deployable ? "yes" : `no: ${v.notDeployableReason ?? "no runnable package"}`}</dd>
      <dt>Sandbox</dt>
      <dd>{sandbox}</dd>
      <dt>Network</dt>
      <dd>{settings ? (settings.network === "none" ? "none (no network access)" : "host network") : "host network (default)"}</dd>
      {settings ? (
        <>
          <dt>Sessions</dt>
          <dd safe>{`one process per session, at most ${settings.maxSessions}; idle timeout ${settings.idleTimeoutSec} s, max age ${settings.maxAgeSec} s`}</dd>
        </>
      ) : (
        ""
      )}
      {m.remotes && m.remotes.length > 0 ? (
        <>
          <dt>Remote endpoints</dt>
          <dd>
            <ul class="plain">
              {m.remotes.map((r) => (
                <li>
                  <code safe>{`${r.type} ${r.url}`}</code>
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : (
        ""
      )}
    </dl>
  );
}

/** ServerOverviewPage is a server's front page: what it is, where it comes from, how it runs. */
export function ServerOverviewPage(p: ServerOverviewProps): JSX.Element {
  const { data } = p;
  const s = data.server;
  const repo = httpUrl(s.repository);
  const homepage = httpUrl(s.homepage);
  const snap = data.snapshot;
  return (
    <ServerShell data={data} tab="overview" layout={p.layout}>
      <div class="columns">
        <div class="stack-lg">
          <section>
            <h2 class="visually-hidden">About</h2>
            <p class="description" safe>
              {s.description || "No description."}
            </p>
            {s.tags.length ? (
              <p class="badges">
                {s.tags.map((t) => (
                  <a class="badge" href={`/?q=${encodeURIComponent(`tag:${t}`)}`} safe>
                    {`#${t}`}
                  </a>
                ))}
              </p>
            ) : (
              ""
            )}
          </section>
          <section>
            <h2>Tools</h2>
            <p>
              {!snap ? (
                "Tools are listed once the server is deployed here."
              ) : snap.needsConfig ? (
                "This server needs configuration to list its tools."
              ) : snap.error ? (
                "Listing its tools failed; see the Tools tab."
              ) : (
                <a href={`/${s.qualifiedName}/tools`} safe>
                  {`${plural(snap.tools.length, "tool", "tools")}, ${plural(snap.prompts.length, "prompt", "prompts")}, ${plural(snap.resources.length, "resource", "resources")}`}
                </a>
              )}
            </p>
          </section>
          <section>
            <h2>How it runs</h2>
            <HowItRuns data={data} sandbox={p.sandbox} />
          </section>
          <section>
            <h2>Versions</h2>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Published</th>
                  <th scope="col">From</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {[...data.versions].reverse().map((v) => (
                  <tr>
                    <td>
                      <code safe>{v.version}</code> {v.isLatest ? <span class="badge">latest</span> : ""}{" "}
                      {data.deployment?.versionId === v.id ? <span class="badge ok">deployed</span> : ""}
                    </td>
                    <td>
                      <time datetime={isoDate(v.publishedAt)} safe>{shortDate(v.publishedAt)}</time>
                    </td>
                    <td>{v.source}</td>
                    <td>{v.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
        <aside class="stack-lg side">
          <section class="panel">
            <h2>Connect</h2>
            <CopyField id="ov-http" label="Streamable HTTP" value={data.urls.http} />
            <CopyField id="ov-ws" label="WebSocket" value={data.urls.ws} />
            <p>
              <a href={`/${s.qualifiedName}/connect`}>Configure and get client snippets →</a>
            </p>
            {!data.ready ? <p class="hint">Not running here yet: connections fail until an owner deploys it.</p> : ""}
          </section>
          <section class="panel">
            <h2>Links</h2>
            <ul class="plain">
              {homepage ? (
                <li>
                  <a href={homepage} rel="noopener noreferrer nofollow">
                    Homepage
                  </a>
                </li>
              ) : (
                ""
              )}
              {repo ? (
                <li>
                  <a href={repo} rel="noopener noreferrer nofollow">
                    Source repository
                  </a>
                </li>
              ) : (
                ""
              )}
              <li>
                <a href={`/api/v1/servers/${s.qualifiedName}`}>Server details (JSON)</a>
              </li>
            </ul>
          </section>
        </aside>
      </div>
    </ServerShell>
  );
}
