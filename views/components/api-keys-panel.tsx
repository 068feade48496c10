import type { ApiKeyInfo } from "../../src/accounts/api-keys.ts";
import { ErrorList, ShownOnce } from "./alerts.tsx";

/** ApiKeysPanelProps are the user's keys, a just-created key (shown once), and a refused form's errors. */
export interface ApiKeysPanelProps {
  keys: ApiKeyInfo[];
  csrfToken: string;
  /** isAdmin offers the admin scope. */
  isAdmin: boolean;
  created?: { key: string; name: string };
  errors?: string[];
  form?: { name: string; scopes: string[]; namespace: string; expiresDays: string };
  now: number;
}

function when(ms: number | null): string {
  return ms === null ? "never" : new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function state(k: ApiKeyInfo, now: number): string {
  if (k.revokedAt !== null) return `revoked ${when(k.revokedAt)}`;
  return k.expiresAt !== null && k.expiresAt <= now ? "expired" : "active";
}

function KeyRow(p: { k: ApiKeyInfo; csrfToken: string; now: number }): JSX.Element {
  const k = p.k;
  const live = state(k, p.now) === "active";
  return (
    <tr id={`key-${k.id}`}>
      <td>
        <span safe>{k.name}</span>
        {k.parentPrefix !== null ? (
          <>
            <br />
            <small class="muted">
              made by key <code safe>{`hth_${k.parentPrefix}_…`}</code>
            </small>
          </>
        ) : (
          ""
        )}
      </td>
      <td>
        <code safe>{`hth_${k.prefix}_…`}</code>
      </td>
      <td safe>{k.scopes.join(", ")}</td>
      <td safe>{k.namespace ?? "any"}</td>
      <td safe>{when(k.expiresAt)}</td>
      <td safe>{k.lastUsedAt === null ? "not yet" : when(k.lastUsedAt)}</td>
      <td safe>{state(k, p.now)}</td>
      <td>
        {live ? (
          <form method="post" action={`/account/keys/${k.id}/revoke`} hx-post={`/account/keys/${k.id}/revoke`} hx-target="#api-keys" hx-swap="outerHTML" class="inline">
            <input type="hidden" name="_csrf" value={p.csrfToken} />
            <button type="submit" class="small">
              Revoke
            </button>
          </form>
        ) : (
          ""
        )}
      </td>
    </tr>
  );
}

const SCOPE_HELP: Record<string, string> = { read: "read private servers", connect: "open MCP sessions", publish: "publish and deploy", admin: "everything an admin may do" };

/** ApiKeysPanel lists the user's keys and creates new ones; htmx swaps the whole panel. */
export function ApiKeysPanel(p: ApiKeysPanelProps): JSX.Element {
  const f = p.form ?? { name: "", scopes: ["read", "connect"], namespace: "", expiresDays: "" };
  const scopes = p.isAdmin ? ["read", "connect", "publish", "admin"] : ["read", "connect", "publish"];
  return (
    <section id="api-keys" class="panel">
      <h2>API keys</h2>
      {p.created ? <ShownOnce id="new-api-key" label="API key" value={p.created.key} message={`Your new key "${p.created.name}". Copy it now: it is shown only this once.`} /> : ""}
      <ErrorList errors={p.errors} />
      {p.keys.length ? (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Namespace</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>State</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {p.keys.map((k) => (
              <KeyRow k={k} csrfToken={p.csrfToken} now={p.now} />
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No keys yet.</p>
      )}
      <form method="post" action="/account/keys" hx-post="/account/keys" hx-target="#api-keys" hx-swap="outerHTML" class="stack">
        <h3>New key</h3>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <label for="key-name">Name</label>
        <input id="key-name" name="name" required maxlength="100" value={f.name} placeholder="laptop, CI, …" />
        <fieldset>
          <legend>Scopes</legend>
          {scopes.map((s) => (
            <label class="field-inline">
              <input type="checkbox" name="scopes" value={s} checked={f.scopes.includes(s)} /> <span safe>{`${s} — ${SCOPE_HELP[s]}`}</span>
            </label>
          ))}
        </fieldset>
        <label for="key-namespace">Only this namespace (optional)</label>
        <input id="key-namespace" name="namespace" maxlength="100" value={f.namespace} />
        <label for="key-expires">Expires after (days, empty for never)</label>
        <input id="key-expires" name="expiresDays" inputmode="numeric" value={f.expiresDays} />
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
    </section>
  );
}
