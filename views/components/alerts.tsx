import { CopyField } from "./copy.tsx";

/** ErrorList shows a refused form's messages as one alert, escaped; nothing when there are none. */
export function ErrorList(p: { errors?: string[] }): JSX.Element {
  return p.errors?.length ? (
    <div class="alert error" role="alert">
      <ul>
        {p.errors.map((e) => (
          <li safe>{e}</li>
        ))}
      </ul>
    </div>
  ) : (
    ""
  );
}

/** ShownOnce shows a just-made secret (a key, a link) with a copy field: it can't be shown again. */
export function ShownOnce(p: { id: string; label: string; value: string; message: string }): JSX.Element {
  return (
    <div class="alert info" role="status">
      <p safe>{p.message}</p>
      <CopyField id={p.id} label={p.label} value={p.value} />
    </div>
  );
}
