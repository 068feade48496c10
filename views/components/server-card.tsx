import type { SearchHit } from "../../src/registry/search.ts";
import { count, httpUrl, initial, plural } from "../format.ts";

/** ServerIcon is a server's icon, or its initial when it has none (or only an unsafe URL). */
export function ServerIcon(p: { name: string; iconUrl: string | null; size?: "large" }): JSX.Element {
  const src = httpUrl(p.iconUrl);
  return (
    <span class={p.size === "large" ? "icon large" : "icon"} aria-hidden="true">
      {src ? <img src={src} alt="" loading="lazy" {...{ referrerpolicy: "no-referrer" }} /> : <span safe>{initial(p.name)}</span>}
    </span>
  );
}

/** ServerCard is one search result: icon, name, description, and what it offers. */
export function ServerCard(p: { hit: SearchHit }): JSX.Element {
  const h = p.hit;
  return (
    <li>
      <a class="card" href={`/${h.qualifiedName}`}>
        <ServerIcon name={h.qualifiedName} iconUrl={h.iconUrl} />
        <span class="card-body">
          <span class="card-title" safe>
            {h.title ?? h.qualifiedName}
          </span>
          {h.title ? (
            <span class="card-name" safe>
              {h.qualifiedName}
            </span>
          ) : (
            ""
          )}
          <span class="card-desc" safe>
            {h.description.length > 240 ? `${h.description.slice(0, 239)}…` : h.description}
          </span>
        </span>
        <span class="badges">
          {h.deployed ? <span class="badge ok">Deployed</span> : ""}
          {h.verified ? <span class="badge info">Verified</span> : ""}
          {h.visibility === "private" ? <span class="badge warn">Private</span> : ""}
          <span class="badge" title="tools listed" safe>
            {h.toolCount === null ? "tools: ?" : plural(h.toolCount, "tool", "tools")}
          </span>
          <span class="badge" title="sessions and tool calls" safe>
            {`${count(h.useCount)} uses`}
          </span>
        </span>
      </a>
    </li>
  );
}
