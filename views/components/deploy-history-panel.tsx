import type { DeployAttempt } from "../../src/db/schema.ts";
import type { DeployedVersion } from "../../src/deploy/deployed-versions.ts";
import { isoDate } from "../format.ts";

const when = (at: number) => (
  <time datetime={isoDate(at)} safe>
    {isoDate(at).replace("T", " ").slice(0, 19)}
  </time>
);

/**
 * LastDeployFacts are a serving deployment's lines about its latest deploy or rollback, when that is
 * not simply what serves: one running beside the serving version, or one that failed (with its error).
 */
export function LastDeployFacts(p: { last: DeployAttempt | null | undefined; servingVersionId: number }): JSX.Element {
  const a = p.last;
  if (!a || a.state === "ready") return <></>;
  const what = `${a.kind === "rollback" ? "Rollback to" : "Deploy of"} ${a.version}`;
  const outcome = a.state === "installing" ? "in progress; the version above serves until it is ready" : "failed; the version above kept serving";
  return (
    <>
      <dt>Last deploy</dt>
      <dd id="last-deploy" data-state={a.state}>
        <span class={a.state === "failed" ? "field-error" : ""} safe>{`${what} ${outcome}`}</span> ({when(a.at)})
        {a.error ? (
          <p class="pre-line" safe>
            {a.error}
          </p>
        ) : (
          ""
        )}
      </dd>
    </>
  );
}

/** DeployHistoryPanelProps are the versions that served here, and what a rollback form needs. */
export interface DeployHistoryPanelProps {
  base: string;
  csrfToken: string;
  versions: DeployedVersion[];
  /** running says a deploy is under way, so rolling back waits. */
  running: boolean;
  oob?: boolean;
}

/** DeployHistoryPanel lists the versions that served this server, each earlier one with a Roll back button. */
export function DeployHistoryPanel(p: DeployHistoryPanelProps): JSX.Element {
  const action = `${p.base}/deployments/rollback`;
  return (
    <section class="panel stack" id="deploy-history" aria-labelledby="deploy-history-title" {...(p.oob ? { "hx-swap-oob": "true" } : {})}>
      <h2 id="deploy-history-title">Deployed versions</h2>
      {p.versions.length === 0 ? (
        <p class="muted">No version has served here yet.</p>
      ) : (
        <>
          <p class="hint">A rollback installs and probes the earlier version beside the serving one, and switches only if it starts; open sessions finish on the version they started on.</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Last went live</th>
                <th scope="col"></th>
              </tr>
            </thead>
            <tbody>
              {p.versions.map((v) => (
                <tr>
                  <td>
                    <code safe>{v.version}</code>
                  </td>
                  <td>{when(v.deployedAt)}</td>
                  <td>
                    {v.serving ? (
                      <span class="muted">serving</span>
                    ) : (
                      <form method="post" action={action} hx-post={action} hx-target="#deploy-status" hx-swap="outerHTML" hx-disable="find button">
                        <input type="hidden" name="_csrf" value={p.csrfToken} />
                        <input type="hidden" name="version" value={v.version} />
                        <button type="submit" disabled={p.running} safe>{`Roll back to ${v.version}`}</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
