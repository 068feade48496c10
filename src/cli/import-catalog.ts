import { openInstance } from "../db/instance.ts";
import { importCatalog, MAX_CATALOG_BYTES } from "../registry/catalog-import.ts";
import { actingUser } from "./acting-user.ts";
import { defineCommand } from "./command.ts";
import { textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

/** importCatalog seeds the registry from a JSON array of server.json documents, in one transaction. */
export const importCatalogCommand = defineCommand({
  name: "import-catalog",
  summary: "load a JSON array of server.json documents (another registry's export)",
  usage: "hearth import-catalog FILE [--as EMAIL] [--data DIR]",
  flags: { as: textFlag("the user that owns imported namespaces", { defaultText: "the first admin", accepts: "an email" }) },
  async run({ config, flags, positionals }) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError("give exactly one catalog FILE");
    const f = Bun.file(file);
    if (!(await f.exists())) throw new UsageError(`${file} does not exist`);
    if (f.size > MAX_CATALOG_BYTES) throw new UsageError(`${file} is larger than ${MAX_CATALOG_BYTES} bytes`);
    const text = await f.text();
    const { dbh } = openInstance(config.dataDir);
    try {
      const report = importCatalog(dbh, actingUser(dbh.db, flags.as), text);
      for (const r of report.rejected) console.error(`rejected #${r.index} ${r.name ?? "(no name)"}: ${r.reason}`);
      console.log(`accepted ${report.accepted}, rejected ${report.rejected.length}`);
      return report.accepted === 0 && report.rejected.length > 0 ? 1 : 0;
    } finally {
      dbh.close();
    }
  },
});
