import { SetupToken } from "../../src/accounts/setup-token.ts";
import { loadConfig } from "../../src/config/config.ts";
import { openMemoryDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createApp } from "../../src/http/app.ts";
import type { AppContext } from "../../src/http/context.ts";
import { generateKey } from "../../src/secrets/key-material.ts";
import { Keyring } from "../../src/secrets/keyring.ts";
import { configureLogging } from "../../src/shared/log.ts";

// Request logs would drown test output; tests that check logging capture them explicitly.
configureLogging({ level: "error" });

/** testContext builds an AppContext over a private in-memory database, migrated. */
export function testContext(flags: Record<string, string> = {}): AppContext {
  const dbh = openMemoryDatabase();
  migrate(dbh.sqlite);
  const config = loadConfig({ flags: { port: "0", data: "/nonexistent-test-data", ...flags }, env: {} });
  return { config, dbh, setup: new SetupToken(), version: "test", startedAt: Date.now(), secrets: new Keyring([generateKey()]) };
}

/** testApp returns the composed app and its context; call close() when done. */
export function testApp(flags: Record<string, string> = {}) {
  const ctx = testContext(flags);
  const app = createApp(ctx);
  return { ctx, app, request: (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init)), close: () => ctx.dbh.close() };
}
