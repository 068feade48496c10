import type { Field } from "../../src/ui/schema-fields.ts";
import { SchemaFields } from "./schema-form.tsx";

/** TestConfigPanelProps are the schema's fields and what is stored now (secrets already masked). */
export interface TestConfigPanelProps {
  base: string;
  csrfToken: string;
  fields: Field[];
  /** stored are [setting, shown value] pairs, or empty when no test config is stored. */
  stored: [string, string][];
}

/** TestConfigPanel lets owners store the config the tool-list probe starts the server with. */
export function TestConfigPanel(p: TestConfigPanelProps): JSX.Element {
  const action = `${p.base}/deployments/test-config`;
  return (
    <section class="panel stack" aria-labelledby="test-config-title">
      <h2 id="test-config-title">Test config</h2>
      <p class="hint">
        Deploys start the server once with this config to list its tools. It is stored encrypted; secrets are never shown again. Blank fields keep what is stored.
      </p>
      {p.stored.length ? (
        <dl class="settings">
          {p.stored.map(([k, v]) => (
            <>
              <dt safe>{k}</dt>
              <dd safe>{v}</dd>
            </>
          ))}
        </dl>
      ) : (
        <p class="muted">No test config stored: the probe runs with none.</p>
      )}
      <form method="post" action={action} class="stack" novalidate>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <SchemaFields fields={p.fields} />
        <p class="form-actions">
          <button type="submit" class="primary">
            Save test config
          </button>
          {p.stored.length ? (
            <button type="submit" formaction={`${action}/clear`}>
              Clear
            </button>
          ) : (
            ""
          )}
        </p>
      </form>
    </section>
  );
}
