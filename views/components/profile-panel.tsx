/** ProfileChoice is one saved profile as the Connect tab lists it: secret settings already masked. */
export interface ProfileChoice {
  id: string;
  name: string;
  /** settings are [name, shown value] pairs; secrets arrive as "••• set", never their value. */
  settings: [string, string][];
}

/** ProfilePickerProps are the viewer's profiles for this server and the chosen one. */
export interface ProfilePickerProps {
  profiles: ProfileChoice[];
  selected: string;
}

/** ProfilePicker chooses a saved profile inside the Connect form; the snippets then use `profile=<id>`. */
export function ProfilePicker(p: ProfilePickerProps): JSX.Element {
  if (!p.profiles.length) return "";
  return (
    <div class="field">
      <label for="f-profile">Saved profile</label>
      <select id="f-profile" name="profile" aria-describedby="f-profile-hint">
        <option value="" selected={p.selected === ""}>
          None: use only what is typed below
        </option>
        {p.profiles.map((x) => (
          <option value={x.id} selected={p.selected === x.id} safe>
            {x.name}
          </option>
        ))}
      </select>
      <p class="hint" id="f-profile-hint">
        The snippets then carry <code>profile=…</code> instead of your secrets; settings typed below override the profile's.
      </p>
    </div>
  );
}

/** SaveProfileProps say where the save goes. */
export interface SaveProfileProps {
  base: string;
}

/** SaveProfile names the form's current values and saves them, encrypted, as a profile (a button of the Connect form). */
export function SaveProfile(p: SaveProfileProps): JSX.Element {
  const action = `${p.base}/profiles`;
  return (
    <fieldset class="profile-save stack">
      <legend>Save as a profile</legend>
      <label for="f-profile-name">Profile name</label>
      <input id="f-profile-name" name="profileName" maxlength="100" autocomplete="off" placeholder="e.g. work" aria-describedby="f-profile-name-hint" />
      <p class="hint" id="f-profile-name-hint">
        Hearth stores this configuration encrypted; secrets are never shown again, only used when you connect with the profile.
      </p>
      <button type="submit" formaction={action} hx-post={action} hx-target="#profile-status">
        Save profile
      </button>
      <div id="profile-status" aria-live="polite"></div>
    </fieldset>
  );
}

/** ProfileListProps are the viewer's profiles for this server and the CSRF token delete forms carry. */
export interface ProfileListProps {
  base: string;
  profiles: ProfileChoice[];
  csrfToken: string;
}

/** ProfileList shows the viewer's profiles: each setting (secrets only as "set") and a delete button. */
export function ProfileList(p: ProfileListProps): JSX.Element {
  return (
    <section class="panel stack" aria-label="Saved profiles">
      <h2>Your profiles</h2>
      {!p.profiles.length ? (
        <p class="muted">No saved profiles for this server yet. Fill in the form and save it as one.</p>
      ) : (
        <ul class="profiles">
          {p.profiles.map((x) => (
            <li>
              <strong safe>{x.name}</strong> <code safe>{x.id}</code>
              <dl class="settings">
                {x.settings.map(([k, v]) => (
                  <>
                    <dt safe>{k}</dt>
                    <dd safe>{v}</dd>
                  </>
                ))}
              </dl>
              <form class="inline" method="post" action={`${p.base}/profiles/${x.id}/delete`}>
                <input type="hidden" name="_csrf" value={p.csrfToken} />
                <button type="submit" class="link">
                  Delete<span class="visually-hidden" safe>{` profile ${x.name}`}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
