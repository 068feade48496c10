import type { Children } from "@kitajs/html";
import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { displayName, httpUrl, npmPackageName } from "../format.ts";
import { Layout, type LayoutProps } from "../layout.tsx";
import { ServerIcon, uses } from "./server-card.tsx";

/** Tab names one server page section; each is a real URL. */
export type Tab = "overview" | "tools" | "connect" | "playground" | "usage" | "deployments" | "logs";

const LABELS: Record<Tab, string> = { overview: "Overview", tools: "Tools", connect: "Connect", playground: "Playground", usage: "Usage", deployments: "Deployments", logs: "Logs" };

/** tabsFor lists the tabs this viewer gets: the playground only for running servers, hosting tabs only for owners. */
export function tabsFor(data: ServerPage): Tab[] {
  const tabs: Tab[] = ["overview", "tools", "connect"];
  if (data.ready) tabs.push("playground");
  tabs.push("usage");
  if (data.canManage) tabs.push("deployments", "logs");
  return tabs;
}

/** tabHref is a tab's URL. */
export function tabHref(data: ServerPage, tab: Tab): string {
  return `/${data.server.qualifiedName}${tab === "overview" ? "" : `/${tab}`}`;
}

/** DeploymentBadge shows whether the server runs here. */
export function DeploymentBadge(p: { data: ServerPage }): JSX.Element {
  const d = p.data.deployment;
  if (!d) return <span class="badge">Not deployed</span>;
  if (d.state === "ready") return <span class="badge ok">Deployed</span>;
  if (d.state === "installing") return <span class="badge warn">Deploying…</span>;
  if (d.state === "failed") return <span class="badge err">Deploy failed</span>;
  return <span class="badge">Stopped</span>;
}

/** ServerShellProps are the page around one tab. */
export interface ServerShellProps {
  data: ServerPage;
  tab: Tab;
  layout: Pick<LayoutProps, "user" | "csrfToken" | "assets">;
  head?: Children;
  children?: Children;
}

/** ServerShell is a server page: its header, badges and tabs, with the tab's content below. */
export function ServerShell(p: ServerShellProps): JSX.Element {
  const s = p.data.server;
  const title = displayName({ ...s, npmName: npmPackageName(p.data.latest?.manifest) });
  const homepage = httpUrl(s.homepage);
  return (
    <Layout title={p.tab === "overview" ? title : `${LABELS[p.tab]} · ${title}`} {...p.layout} head={p.head}>
      <header class="server-head">
        <ServerIcon name={title} iconUrl={s.iconUrl} size="large" />
        <div class="server-head-text">
          <h1 safe>{title}</h1>
          <p class="server-name">
            <a href={`/${s.namespace}`} safe>
              {s.namespace}
            </a>
            <span aria-hidden="true">/</span>
            <span safe>{s.qualifiedName.slice(s.namespace.length + 1)}</span>
            {p.data.latest ? <span class="muted" safe>{` · v${p.data.latest.version}`}</span> : ""}
          </p>
          <p class="badges">
            <span id="deployment-badge">
              <DeploymentBadge data={p.data} />
            </span>
            {s.verified ? <span class="badge info">Verified</span> : ""}
            {s.visibility === "private" ? <span class="badge warn">Private</span> : <span class="badge">Public</span>}
            <span class="badge" safe>{uses(s.useCount)}</span>
            {homepage ? (
              <a class="badge link" href={homepage} rel="noopener noreferrer nofollow">
                Homepage ↗
              </a>
            ) : (
              ""
            )}
          </p>
        </div>
      </header>
      <nav class="tabs" aria-label="Server sections">
        {tabsFor(p.data).map((t) => (
          <a href={tabHref(p.data, t)} aria-current={t === p.tab ? "page" : undefined} safe>
            {LABELS[t]}
          </a>
        ))}
      </nav>
      <div class="tab-body">{p.children}</div>
    </Layout>
  );
}
