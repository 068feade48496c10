import type { LogLine as Line } from "../../src/supervisor/log-ring.ts";
import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { ServerShell, type ServerShellProps } from "../components/server-shell.tsx";
import { clock, isoDate } from "../format.ts";

/** LogLine is one log entry as a list item (also an SSE message's content). */
export function LogLine(p: { line: Line }): JSX.Element {
  const l = p.line;
  return (
    <li class={`log-line ${l.stream}`}>
      <time datetime={isoDate(l.at)} safe>{clock(l.at)}</time>
      <span class="log-stream">{l.stream === "stderr" ? "err" : "hearth"}</span>
      <span class="log-session" title="the session's child this line came from" safe>
        {l.session ?? "—"}
      </span>
      <span class="log-text" safe>
        {l.text}
      </span>
    </li>
  );
}

/** LogFilter is what the logs page shows: text to look for and which stream. */
export interface LogFilter {
  q: string;
  stream: "" | "stderr" | "hearth";
}

/** ServerLogsProps are the recent lines and the filter; `live` says a tail can follow. */
export interface ServerLogsProps {
  data: ServerPage;
  layout: ServerShellProps["layout"];
  lines: Line[];
  filter: LogFilter;
  live: boolean;
}

/** ServerLogsPage is a server's stderr and lifecycle log, followed live over SSE, with a filter and pause. */
export function ServerLogsPage(p: ServerLogsProps): JSX.Element {
  const base = `/${p.data.server.qualifiedName}/logs`;
  // The live tail is filtered by stream only: the text filter runs in the page (app.js), so
  // changing it never misses lines the server would have held back.
  const attrs = p.live ? { "hx-sse:connect": `${base}/stream${p.filter.stream ? `?stream=${p.filter.stream}` : ""}`, "hx-swap": "beforeend" } : {};
  return (
    <ServerShell data={p.data} tab="logs" layout={p.layout}>
      <form class="log-controls" method="get" action={base} role="search">
        <span class="field-inline">
          <label for="log-q">Filter</label>
          <input id="log-q" name="q" type="search" value={p.filter.q} placeholder="text in the line" autocomplete="off" data-log-filter="#log-lines" />
        </span>
        <span class="field-inline">
          <label for="log-stream">Stream</label>
          <select id="log-stream" name="stream">
            <option value="" selected={p.filter.stream === ""}>
              All
            </option>
            <option value="stderr" selected={p.filter.stream === "stderr"}>
              Server stderr
            </option>
            <option value="hearth" selected={p.filter.stream === "hearth"}>
              Hearth events
            </option>
          </select>
        </span>
        <button type="submit">Apply</button>
        <button type="button" class="log-pause" data-log-pause="#log-lines" aria-pressed="false" hidden>
          Pause
        </button>
        <span class="muted log-status" id="log-status" role="status">
          {p.live ? "Following live." : "Not following: this Hearth is not hosting servers."}
        </span>
      </form>
      <ol id="log-lines" class="log" aria-label="Log lines" data-max-lines="2000" {...attrs}>
        {p.lines.map((l) => (
          <LogLine line={l} />
        ))}
      </ol>
      {p.lines.length === 0 ? (
        <p class="muted log-empty">No log lines yet. Lines appear here as the server writes them.</p>
      ) : (
        ""
      )}
    </ServerShell>
  );
}
