/** CopyButton copies the text of the element with `target`'s id (app.js shows it; without JS it stays hidden). */
export function CopyButton(p: { target: string; label?: string }): JSX.Element {
  return (
    <button type="button" class="copy" data-copy={p.target} hidden safe>
      {p.label ?? "Copy"}
    </button>
  );
}

/** CopyField is a labelled, read-only value with a copy button (a URL, a command). */
export function CopyField(p: { id: string; label: string; value: string }): JSX.Element {
  return (
    <div class="copy-field">
      <label for={p.id} safe>
        {p.label}
      </label>
      <div class="copy-row">
        <input id={p.id} type="text" readonly value={p.value} spellcheck="false" />
        <CopyButton target={p.id} />
      </div>
    </div>
  );
}

/** CopyBlock is a titled snippet in a <pre> with a copy button. */
export function CopyBlock(p: { id: string; title: string; text: string; note?: string }): JSX.Element {
  return (
    <section class="snippet">
      <div class="snippet-head">
        <h3 safe>{p.title}</h3>
        <CopyButton target={p.id} />
      </div>
      {p.note ? (
        <p class="hint" safe>
          {p.note}
        </p>
      ) : (
        ""
      )}
      <pre id={p.id} tabindex="0">
        <code safe>{p.text}</code>
      </pre>
    </section>
  );
}
