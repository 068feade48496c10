import type { Connection } from "../../src/ui/connect-snippets.ts";
import type { Field } from "../../src/ui/schema-fields.ts";
import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { CopyBlock, CopyField } from "../components/copy.tsx";
import { ProfileList, ProfilePicker, SaveProfile, type ProfileChoice } from "../components/profile-panel.tsx";
import { SchemaFields } from "../components/schema-form.tsx";
import { ServerShell, type ServerShellProps } from "../components/server-shell.tsx";

/** ConnectSnippetsProps are the derived connection and any problems with the config typed so far. */
export interface ConnectSnippetsProps {
  connection: Connection;
  problems: string[];
  /** missing are required settings not filled in yet (said gently while typing). */
  missing: string[];
}

/** ConnectSnippets is the part of the Connect tab the form refreshes: URLs, entries and deep links. */
export function ConnectSnippets(p: ConnectSnippetsProps): JSX.Element {
  const c = p.connection;
  return (
    <>
      {p.problems.length ? (
        <div class="alert error" role="alert">
          <p>The configuration is not valid yet; connections with it will be refused:</p>
          <ul>
            {p.problems.map((m) => (
              <li safe>{m}</li>
            ))}
          </ul>
        </div>
      ) : p.missing.length ? (
        <p class="alert info" role="status" safe>
          {`Still to fill in: ${p.missing.join(", ")}.`}
        </p>
      ) : (
        ""
      )}
      <CopyField id="conn-http" label="Streamable HTTP URL (send the key as Authorization: Bearer)" value={c.httpUrl} />
      <CopyField id="conn-ws" label="WebSocket URL (subprotocol mcp)" value={c.wsUrl} />
      <p class="deeplinks">
        <a class="button" href={c.deepLinks.vscode}>
          Add to VS Code
        </a>
        <a class="button" href={c.deepLinks.cursor}>
          Add to Cursor
        </a>
      </p>
      <div class="snippets-grid">
        {c.snippets.map((s) => (
          <CopyBlock id={`snip-${s.id}`} title={s.title} note={s.where} text={s.text} />
        ))}
      </div>
    </>
  );
}

/** ServerConnectProps are the config form's fields and state, and the snippets for it. */
export interface ServerConnectProps extends ConnectSnippetsProps {
  data: ServerPage;
  fields: Field[];
  echo: Record<string, string>;
  errors: Record<string, string>;
  layout: ServerShellProps["layout"];
  /** profiles are the signed-in viewer's saved profiles for this server (secrets masked). */
  profiles: ProfileChoice[];
  selectedProfile: string;
  /** csrfToken is set for a signed-in browser: only then can profiles be saved here. */
  csrfToken: string | undefined;
}

/** ServerConnectPage is the config form from the version's configSchema and copy-ready client entries. */
export function ServerConnectPage(p: ServerConnectProps): JSX.Element {
  const base = `/${p.data.server.qualifiedName}/connect`;
  return (
    <ServerShell data={p.data} tab="connect" layout={p.layout}>
      {!p.data.ready ? (
        <div class="alert info" role="status">
          This server is not running on this Hearth yet: these entries will work once an owner deploys it.
        </div>
      ) : (
        ""
      )}
      <div class="columns connect">
        <form id="connect-form" class="stack panel" method="post" action={base} novalidate hx-post={`${base}/snippets`} hx-trigger="input delay:400ms, change, submit" hx-target="#snippets" hx-sync="this:replace" hx-indicator="#connect-busy">
          <h2>Configuration</h2>
          {p.csrfToken ? <input type="hidden" name="_csrf" value={p.csrfToken} /> : ""}
          <ProfilePicker profiles={p.profiles} selected={p.selectedProfile} />
          {p.fields.length ? (
            <SchemaFields fields={p.fields} echo={p.echo} errors={p.errors} />
          ) : (
            <p class="muted">This server takes no configuration.</p>
          )}
          <div class="field">
            <label for="f-apikey">Hearth API key</label>
            <input id="f-apikey" name="apiKey" type="password" autocomplete="off" spellcheck="false" placeholder="paste a key to include it" aria-describedby="f-apikey-hint" />
            <p class="hint" id="f-apikey-hint">
              Make a connect-only key on <a href="/account">your account page</a>. Keys and secrets you type go into the snippets only; Hearth stores them only in a profile you save.
            </p>
          </div>
          {p.csrfToken && p.fields.length ? <SaveProfile base={base} /> : ""}
          <p class="form-actions">
            <button type="submit" class="primary">
              Update snippets
            </button>
            <span id="connect-busy" class="htmx-indicator spinner" role="status" aria-label="Updating"></span>
          </p>
        </form>
        <section id="snippets" class="stack" aria-live="polite" aria-label="Connection snippets">
          <ConnectSnippets connection={p.connection} problems={p.problems} missing={p.missing} />
        </section>
      </div>
      {p.csrfToken && p.fields.length ? <ProfileList base={base} profiles={p.profiles} csrfToken={p.csrfToken} /> : ""}
    </ServerShell>
  );
}
