// Every migration drizzle-kit writes is listed here so `bun build --compile` embeds it in the binary
// (a compiled binary has no migrations folder to read). test/db/migrations.test.ts fails when a
// .sql file or a journal entry is missing from this list.
import m0000 from "./0000_foundation.sql" with { type: "text" };
import m0001 from "./0001_registry.sql" with { type: "text" };
import m0002 from "./0002_registry_search.sql" with { type: "text" };
import m0003 from "./0003_deployments.sql" with { type: "text" };
import m0004 from "./0004_usage.sql" with { type: "text" };
import m0005 from "./0005_teams.sql" with { type: "text" };
import m0006 from "./0006_accounts_protect.sql" with { type: "text" };
import m0007 from "./0007_secrets.sql" with { type: "text" };
import m0008 from "./0008_deploy_history.sql" with { type: "text" };
import m0009 from "./0009_api_key_parent.sql" with { type: "text" };

/** EmbeddedMigration is one SQL file drizzle-kit generated, by its journal tag. */
export interface EmbeddedMigration {
  tag: string;
  sql: string;
}

/** migrations are applied in this order; tags match migrations/meta/_journal.json. */
export const migrations: EmbeddedMigration[] = [
  { tag: "0000_foundation", sql: m0000 },
  { tag: "0001_registry", sql: m0001 },
  { tag: "0002_registry_search", sql: m0002 },
  { tag: "0003_deployments", sql: m0003 },
  { tag: "0004_usage", sql: m0004 },
  { tag: "0005_teams", sql: m0005 },
  { tag: "0006_accounts_protect", sql: m0006 },
  { tag: "0007_secrets", sql: m0007 },
  { tag: "0008_deploy_history", sql: m0008 },
  { tag: "0009_api_key_parent", sql: m0009 },
];
