import type { AuditEvent } from "../../src/audit/audit-log.ts";
import { AUDIT_ACTIONS, type AuditQuery } from "../../src/audit/audit-query.ts";
import { Layout, type LayoutProps } from "../layout.tsx";

/** AuditResultsProps are one page of events and the query that found them. */
export interface AuditResultsProps {
  query: AuditQuery;
  events: AuditEvent[];
  more: boolean;
}

function pageHref(q: AuditQuery, page: number): string {
  const p = new URLSearchParams();
  if (q.action) p.set("action", q.action);
  if (q.actor) p.set("actor", q.actor);
  if (q.outcome) p.set("outcome", q.outcome);
  if (page > 1) p.set("page", String(page));
  const s = p.toString();
  return `/admin/audit${s ? `?${s}` : ""}`;
}

function PageLink(p: { q: AuditQuery; page: number; label: string }): JSX.Element {
  const href = pageHref(p.q, p.page);
  return (
    <a class="button small" href={href} hx-get={href} hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true" safe>
      {p.label}
    </a>
  );
}

/** AuditResults is the table of events with paging links; htmx replaces it when filters change. */
export function AuditResults(p: AuditResultsProps): JSX.Element {
  return (
    <section id="audit-results" aria-live="polite">
      {p.events.length === 0 ? (
        <p class="muted">No events match.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Who</th>
              <th>What</th>
              <th>Target</th>
              <th>Outcome</th>
              <th>From</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {p.events.map((e) => (
              <tr>
                <td safe>{new Date(e.at).toISOString().replace("T", " ").slice(0, 19)}</td>
                <td safe>{e.actor}</td>
                <td safe>{e.action}</td>
                <td safe>{e.target ?? ""}</td>
                <td class={`outcome-${e.outcome}`} safe>{e.outcome}</td>
                <td safe>{e.ip ?? ""}</td>
                <td safe>{e.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="form-actions">
        {p.query.page > 1 ? <PageLink q={p.query} page={p.query.page - 1} label="Newer" /> : ""}
        {p.more ? <PageLink q={p.query} page={p.query.page + 1} label="Older" /> : ""}
      </p>
    </section>
  );
}

/** AuditPage is the admin's audit log: filters (plain GET form, or htmx swapping the results) and the events. */
export function AuditPage(p: AuditResultsProps & { layout: Pick<LayoutProps, "user" | "csrfToken" | "assets"> }): JSX.Element {
  const q = p.query;
  return (
    <Layout title="Audit log" {...p.layout}>
      <h1>Audit log</h1>
      <p class="muted">Sign-ins, keys, publishes and deploys: who, what, when and from where. Newest first.</p>
      <form class="field-row" method="get" action="/admin/audit" hx-get="/admin/audit" hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true">
        <div class="field">
          <label for="audit-action">Action (or a prefix like auth.)</label>
          <input id="audit-action" name="action" list="audit-actions" value={q.action} />
          <datalist id="audit-actions">
            {AUDIT_ACTIONS.map((a) => (
              <option value={a} />
            ))}
          </datalist>
        </div>
        <div class="field">
          <label for="audit-actor">Who (part of an email)</label>
          <input id="audit-actor" name="actor" value={q.actor} />
        </div>
        <div class="field">
          <label for="audit-outcome">Outcome</label>
          <select id="audit-outcome" name="outcome">
            {["", "ok", "fail", "denied"].map((o) => (
              <option value={o} selected={q.outcome === o} safe>
                {o || "any"}
              </option>
            ))}
          </select>
        </div>
        <div class="form-actions">
          <button type="submit">Filter</button>
        </div>
      </form>
      <AuditResults {...p} />
    </Layout>
  );
}
