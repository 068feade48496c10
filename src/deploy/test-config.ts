import { eq } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { serverTestConfigs } from "../db/schema.ts";
import { validateConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import type { Keyring } from "../secrets/keyring.ts";
import { SEALED_COLUMNS } from "../secrets/sealed-columns.ts";
import { AppError } from "../shared/app-error.ts";

const context = SEALED_COLUMNS.find((c) => c.table === "server_test_configs")!.context;

/** TestConfig is the config an owner stored for the tool-list probe, decrypted. */
export interface TestConfig {
  config: Record<string, unknown>;
  updatedAt: number;
}

/** getTestConfig returns a server's stored probe config, if any. */
export function getTestConfig(dbh: DbHandle, keyring: Keyring, serverId: number): TestConfig | undefined {
  const row = dbh.db.select().from(serverTestConfigs).where(eq(serverTestConfigs.serverId, serverId)).get();
  return row ? { config: keyring.openJson<Record<string, unknown>>(row.config, context(serverId)), updatedAt: row.updatedAt } : undefined;
}

/**
 * setTestConfig merges settings into a server's probe config (each given top-level setting
 * replaces the stored one, `null` removes it, a blank secret keeps it) and stores it encrypted;
 * the result must satisfy the schema, or nothing changes.
 */
export function setTestConfig(dbh: DbHandle, keyring: Keyring, serverId: number, schema: JsonSchemaObject, change: Record<string, unknown>, userId: number): TestConfig {
  const config = { ...getTestConfig(dbh, keyring, serverId)?.config };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete config[k];
    else Object.defineProperty(config, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  const r = validateConfig(schema, config);
  if (!r.ok) {
    throw new AppError("invalid", "the test config does not match this server's configuration schema", {
      details: r.errors.map((e) => ({ pointer: `/config${e.pointer}`, message: `${e.param || "config"} ${e.reason}` })),
    });
  }
  const sealed = keyring.sealJson(config, context(serverId));
  const updatedAt = Date.now();
  dbh.db
    .insert(serverTestConfigs)
    .values({ serverId, config: sealed, updatedBy: userId, updatedAt })
    .onConflictDoUpdate({ target: serverTestConfigs.serverId, set: { config: sealed, updatedBy: userId, updatedAt } })
    .run();
  return { config, updatedAt };
}

/** clearTestConfig removes a server's probe config (the probe then runs with none). */
export function clearTestConfig(dbh: DbHandle, serverId: number): void {
  dbh.db.delete(serverTestConfigs).where(eq(serverTestConfigs.serverId, serverId)).run();
}
