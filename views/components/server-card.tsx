import type { SearchHit } from "../../src/registry/search.ts";
import { plural } from "../../src/shared/plural.ts";
import { count, displayName, imageUrl, initial } from "../format.ts";

/** ServerIcon is a server's icon, or its initial when it has none (or only an unsafe URL: https and data: images only). */
export function ServerIcon(p: { name: string; iconUrl: string | null; size?: "large" }): JSX.Element {
  const src = imageUrl(p.iconUrl);
  return (
    <span class={p.size === "large" ? "icon large" : "icon"} aria-hidden="true">
      {src ? <img src={src} alt="" loading="lazy" {...{ referrerpolicy: "no-referrer" }} /> : <span safe>{initial(p.name)}</span>}
    </span>
  );
}

/** ServerCard is one search result: icon, name, description, and what it offers. */
export function ServerCard(p: { hit: SearchHit }): JSX.Element {
  const h = p.hit;
  const name = displayName(h);
  const toolsUnknown = h.toolsNote !== null && !h.toolCount;
  return (
    <li>
      <a class="card" href={`/${h.qualifiedName}`}>
        <ServerIcon name={name} iconUrl={h.iconUrl} />
        <span class="card-body">
          <span class="card-title" safe>
            {name}
          </span>
          <span class="card-name" safe>
            {h.qualifiedName}
          </span>
          <span class="card-desc" safe>
            {h.description.length > 240 ? `${h.description.slice(0, 239)}…` : h.description}
          </span>
          {toolsUnknown ? <span class="card-note" safe>{`Tools not listed: ${h.toolsNote}`}</span> : ""}
        </span>
        <span class="badges">
          {h.deployed ? <span class="badge ok">Deployed</span> : ""}
          {h.verified ? <span class="badge info">Verified</span> : ""}
          {h.visibility === "private" ? <span class="badge warn">Private</span> : ""}
          <span class="badge" title={toolsUnknown ? (h.toolsNote ?? "") : "tools listed"} safe>
            {toolsUnknown || h.toolCount === null ? "tools: ?" : plural(h.toolCount, "tool", "tools")}
          </span>
          <span class="badge" title="sessions and tool calls" safe>
            {uses(h.useCount)}
          </span>
        </span>
      </a>
    </li>
  );
}

/** uses is a use count for a badge, in the singular for one. */
export function uses(n: number): string {
  return `${count(n)} ${n === 1 ? "use" : "uses"}`;
}
