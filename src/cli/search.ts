import { hubJson } from "../client/hub-api.ts";
import { defineCommand } from "./command.ts";
import { wholeNumberFlag } from "./flag.ts";
import { hubFlags, printJson } from "./client-flags.ts";
import { baseFor, hubOrAnonymous } from "./hub-target.ts";
import { withProgress } from "./progress.ts";

interface SearchPage {
  servers: { qualifiedName: string; displayName: string; description: string | null; isDeployed: boolean; toolCount: number | null; verified: boolean }[];
  pagination: { totalCount: number; totalCountExact?: boolean };
}

/** search finds servers on a Hearth, as the web UI's search box does. */
export const searchCommand = defineCommand({
  name: "search",
  summary: "search a Hearth's servers (words, owner:, tag:, is:deployed)",
  usage: "hearth search <words…> [--url U] [--limit N] [--json]",
  flags: { ...hubFlags, limit: wholeNumberFlag("how many to show (1-100)", 1, 100, 20) },
  async run({ flags, positionals, env, config }) {
    const hub = hubOrAnonymous(baseFor(flags, env, config), flags, env);
    const q = new URLSearchParams({ q: positionals.join(" "), pageSize: String(flags.limit) });
    const page = await withProgress(`searching ${hub.base}`, () => hubJson<SearchPage>(hub, `/api/v1/servers?${q}`));
    if (flags.json) {
      printJson(page, true);
      return 0;
    }
    if (!page.servers.length) {
      console.log(`no servers match ${JSON.stringify(positionals.join(" "))} on ${hub.base}`);
      return 0;
    }
    for (const s of page.servers) {
      const marks = [s.isDeployed ? "deployed" : "not deployed", s.toolCount !== null ? `${s.toolCount} ${s.toolCount === 1 ? "tool" : "tools"}` : undefined, s.verified ? "verified" : undefined].filter(Boolean);
      console.log(`${s.qualifiedName}  (${marks.join(", ")})`);
      if (s.description) console.log(`    ${s.description}`);
    }
    const total = `${page.pagination.totalCount}${page.pagination.totalCountExact === false ? "+" : ""}`;
    console.log(`\n${page.servers.length} of ${total}; connect with \`hearth install <name> --client …\` or try with \`hearth tools <name>\``);
    return 0;
  },
});
