/** SettingField is one deployment setting: what it is now (for the summary) and its form control. */
export interface SettingField {
  name: string;
  id: string;
  label: string;
  unit?: string;
  hint?: string;
  /** shown is the effective value as read ("300 s", "instance default (auto)"). */
  shown: string;
  isDefault: boolean;
  /** value is what the control holds: the current value, or what was typed when refused. */
  value: string;
  /** options are [value, label] choices; a number input otherwise. */
  options?: [string, string][];
  min?: number;
  max?: number;
  error?: string;
  /** notEnforced is why this host does not apply the limit (cgroup v2 not delegated), when it doesn't. */
  notEnforced?: string | undefined;
}

/** DeploymentSettingsPanelProps are the settings' fields and how the last submission went. */
export interface DeploymentSettingsPanelProps {
  base: string;
  csrfToken: string;
  /** deployed: settings exist (they are made by the first deploy, with the defaults). */
  deployed: boolean;
  fields: SettingField[];
  /** error is a refusal that names no single field. */
  error?: string;
  saved?: boolean;
  /** open keeps the form unfolded (after a refused submission). */
  open: boolean;
  /** oob makes a fragment replace the panel out of band. */
  oob?: boolean;
}

function Control(p: { f: SettingField }): JSX.Element {
  const f = p.f;
  const described = [f.hint ? `${f.id}-hint` : "", f.error ? `${f.id}-err` : ""].filter(Boolean).join(" ") || undefined;
  if (f.options) {
    return (
      <select id={f.id} name={f.name} aria-invalid={f.error ? "true" : undefined} aria-describedby={described}>
        {f.options.map(([v, label]) => (
          <option value={v} selected={v === f.value} safe>
            {label}
          </option>
        ))}
      </select>
    );
  }
  return <input id={f.id} name={f.name} type="number" inputmode="numeric" step="1" min={f.min === undefined ? undefined : String(f.min)} max={f.max === undefined ? undefined : String(f.max)} value={f.value} aria-invalid={f.error ? "true" : undefined} aria-describedby={described} />;
}

function Field(p: { f: SettingField }): JSX.Element {
  const f = p.f;
  return (
    <div class={f.error ? "field has-error" : "field"}>
      <label for={f.id}>
        <span safe>{f.label}</span>
        {f.unit ? <span class="muted" safe>{` (${f.unit})`}</span> : ""}
      </label>
      <Control f={f} />
      {f.hint ? (
        <p class="hint" id={`${f.id}-hint`} safe>
          {f.hint}
        </p>
      ) : (
        ""
      )}
      {f.error ? (
        <p class="field-error" id={`${f.id}-err`} safe>
          {f.error}
        </p>
      ) : (
        ""
      )}
    </div>
  );
}

/** DeploymentSettingsPanel shows a server's effective deployment settings and lets its managers change them. */
export function DeploymentSettingsPanel(p: DeploymentSettingsPanelProps): JSX.Element {
  const action = `${p.base}/deployments/settings`;
  return (
    <section class="panel stack deploy-settings" id="deploy-settings" aria-labelledby="deploy-settings-title" {...(p.oob ? { "hx-swap-oob": "true" } : {})}>
      <h2 id="deploy-settings-title">Settings</h2>
      <p class="hint">How Hearth runs this server's children. Changes apply to new sessions; the warm pool is restarted with them.</p>
      {p.saved ? (
        <p class="alert info" role="status">
          Settings saved.
        </p>
      ) : (
        ""
      )}
      <dl class="settings">
        {p.fields.map((f) => (
          <>
            <dt safe>{f.label}</dt>
            <dd data-setting={f.name}>
              <span safe>{f.shown}</span>
              {f.isDefault ? <span class="badge">default</span> : ""}
              {f.notEnforced ? (
                <span class="badge warn" title={f.notEnforced} safe>
                  {`not enforced on this host: ${f.notEnforced}`}
                </span>
              ) : (
                ""
              )}
            </dd>
          </>
        ))}
      </dl>
      {!p.deployed ? (
        <p class="muted">These defaults apply from the first deploy; change them once it is deployed.</p>
      ) : (
        <details open={p.open}>
          <summary>Change settings</summary>
          <form method="post" action={action} hx-post={action} hx-target="#deploy-settings" hx-swap="outerHTML" hx-disable="find button" class="stack">
            <input type="hidden" name="_csrf" value={p.csrfToken} />
            {p.error ? (
              <div class="alert error" role="alert">
                <p class="pre-line" safe>
                  {p.error}
                </p>
              </div>
            ) : (
              ""
            )}
            <div class="settings-fields">
              {p.fields.map((f) => (
                <Field f={f} />
              ))}
            </div>
            <p class="muted">Empty a number (or pick the sandbox's instance default) to put it back to its default.</p>
            <p class="form-actions">
              <button type="submit" class="primary">
                Save settings
              </button>
            </p>
          </form>
        </details>
      )}
    </section>
  );
}
