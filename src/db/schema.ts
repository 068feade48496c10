import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { InstalledPackage } from "../installer/installed-package.ts";

// Times are Unix milliseconds: cheap to compare, sort and serialise, with no timezone surprises.
const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

/** users are people who sign in; role "admin" manages the whole instance. */
export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "user"] }).notNull().default("user"),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** apiKeys authenticate programs; only a SHA-256 of the key is stored, with a visible prefix to find it. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull().unique(),
    hash: text("hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    namespace: text("namespace"),
    expiresAt: integer("expires_at"),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    createdAt: integer("created_at").notNull().default(now),
    // The key that made this one through the API (null when made on /account or by the CLI):
    // revoking a key revokes what it made, so a leaked key's copies die with it.
    parentKeyId: integer("parent_key_id").references((): AnySQLiteColumn => apiKeys.id, { onDelete: "set null" }),
  },
  (t) => [index("api_keys_user_idx").on(t.userId), index("api_keys_parent_idx").on(t.parentKeyId)],
);

/** webSessions are browser sign-ins; the cookie holds a random token, the table only its SHA-256. */
export const webSessions = sqliteTable(
  "web_sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("web_sessions_user_idx").on(t.userId)],
);

/** settings hold instance-wide values changed at run time (JSON values by key). */
export const settings = sqliteTable(
  "settings",
  {
    key: text("key").notNull(),
    value: text("value", { mode: "json" }).notNull(),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("settings_key_idx").on(t.key)],
);

/** TEAM_ROLES are what a team member may do in the team's namespace, most powerful first. */
export const TEAM_ROLES = ["owner", "publisher", "member"] as const;

/** teams group users; a team owns the namespace of the same name. */
export const teams = sqliteTable("teams", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  createdAt: integer("created_at").notNull().default(now),
});

/** teamMembers give users a role in a team: owners manage members, publishers publish and deploy, members read. */
export const teamMembers = sqliteTable(
  "team_members",
  {
    teamId: integer("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: TEAM_ROLES }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("team_members_team_user_idx").on(t.teamId, t.userId), index("team_members_user_idx").on(t.userId)],
);

/**
 * namespaces own servers: a user's own (kind "user", ownerUserId acts as its owner) or a team's
 * (kind "team", teamId; roles come from team_members). Reserved words can't be namespaces.
 */
export const namespaces = sqliteTable("namespaces", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: ["user", "team"] }).notNull(),
  ownerUserId: integer("owner_user_id").references(() => users.id, { onDelete: "set null" }),
  teamId: integer("team_id").references(() => teams.id, { onDelete: "set null" }),
  createdAt: integer("created_at").notNull().default(now),
});

/** servers are catalog entries (`namespace/name`); their versions say how they run. */
export const servers = sqliteTable(
  "servers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    namespaceId: integer("namespace_id")
      .notNull()
      .references(() => namespaces.id, { onDelete: "cascade" }),
    qualifiedName: text("qualified_name").notNull().unique(),
    title: text("title"),
    description: text("description").notNull(),
    homepage: text("homepage"),
    repository: text("repository"),
    iconUrl: text("icon_url"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    visibility: text("visibility", { enum: ["public", "private"] }).notNull().default("public"),
    verified: integer("verified", { mode: "boolean" }).notNull().default(false),
    deployed: integer("deployed", { mode: "boolean" }).notNull().default(false),
    useCount: integer("use_count").notNull().default(0),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("servers_namespace_idx").on(t.namespaceId), index("servers_updated_idx").on(t.updatedAt)],
);

/** serverVersions are immutable once published; exactly one per server has isLatest. */
export const serverVersions = sqliteTable(
  "server_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    serverId: integer("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    version: text("version").notNull(),
    source: text("source", { enum: ["server.json", "smithery.yaml", "mcpb"] }).notNull(),
    manifest: text("manifest", { mode: "json" }).notNull(),
    serverJson: text("server_json", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    runKind: text("run_kind"),
    deployable: integer("deployable", { mode: "boolean" }).notNull(),
    notDeployableReason: text("not_deployable_reason"),
    configSchema: text("config_schema", { mode: "json" }).$type<Record<string, unknown>>(),
    exampleConfig: text("example_config", { mode: "json" }).$type<Record<string, unknown>>(),
    artifactSha256: text("artifact_sha256"),
    status: text("status", { enum: ["active", "deprecated", "deleted"] }).notNull().default("active"),
    isLatest: integer("is_latest", { mode: "boolean" }).notNull().default(false),
    publishedAt: integer("published_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("server_versions_server_version_idx").on(t.serverId, t.version), index("server_versions_updated_idx").on(t.updatedAt)],
);

/** toolSnapshots record what a version listed without credentials (or why it couldn't). */
export const toolSnapshots = sqliteTable(
  "tool_snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    versionId: integer("version_id")
      .notNull()
      .references(() => serverVersions.id, { onDelete: "cascade" }),
    tools: text("tools", { mode: "json" }).$type<unknown[]>().notNull(),
    prompts: text("prompts", { mode: "json" }).$type<unknown[]>().notNull(),
    resources: text("resources", { mode: "json" }).$type<unknown[]>().notNull(),
    contentHash: text("content_hash").notNull(),
    needsConfig: integer("needs_config", { mode: "boolean" }).notNull().default(false),
    error: text("error"),
    takenAt: integer("taken_at").notNull().default(now),
  },
  (t) => [index("tool_snapshots_version_idx").on(t.versionId)],
);

/** DeploymentSettings are the operator's knobs for one hosted server (validated in src/deploy/settings.ts). */
export interface DeploymentSettings {
  maxSessions: number;
  idleTimeoutSec: number;
  maxAgeSec: number;
  network: "host" | "none";
  poolSize: number;
  /** sandbox overrides the instance's --sandbox for this server; absent means the instance's mode. */
  sandbox?: "auto" | "bwrap" | "none";
  sessionPolicy: "per-session" | "shared";
  /** preset "browser" shows the sandbox what a headless browser needs (src/supervisor/sandbox.ts); absent: none. */
  preset?: "browser";
  limits: DeploymentLimits;
}

/** DeploymentLimits cap each child of a server; MiB and seconds, turned into bytes for prlimit/cgroups. */
export interface DeploymentLimits {
  /** addressSpaceMiB is RLIMIT_AS (0: none); Bun reserves much virtual memory, so about a quarter of it is usable heap. */
  addressSpaceMiB?: number;
  /** memoryMiB is cgroup v2 memory.max: real memory, where cgroups are delegated. */
  memoryMiB?: number;
  openFiles?: number;
  /** processes is RLIMIT_NPROC: counted per uid across the host (not for root). */
  processes?: number;
  /** pids is cgroup v2 pids.max for one child and its descendants. */
  pids?: number;
  cpuSeconds?: number;
}

/**
 * DeployAttempt is a server's latest deploy or rollback: the one running, or how the last one ended.
 * It lives beside the serving version, so a redeploy that fails leaves the deployment as it was.
 */
export interface DeployAttempt {
  versionId: number;
  version: string;
  kind: "deploy" | "rollback";
  state: "installing" | "ready" | "failed";
  error: string | null;
  at: number;
}

/** deployments say which version of a server is hosted here, how to start it, and in what state. */
export const deployments = sqliteTable("deployments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  serverId: integer("server_id")
    .notNull()
    .unique()
    .references(() => servers.id, { onDelete: "cascade" }),
  versionId: integer("version_id")
    .notNull()
    .references(() => serverVersions.id, { onDelete: "cascade" }),
  state: text("state", { enum: ["installing", "ready", "failed", "stopped"] }).notNull(),
  error: text("error"),
  /** installed is the installer's InstalledPackage (folder, command prefix, env, host vars) once installed. */
  installed: text("installed", { mode: "json" }).$type<InstalledPackage>(),
  settings: text("settings", { mode: "json" }).$type<DeploymentSettings>().notNull(),
  /** lastDeploy is the latest deploy or rollback, which may differ from what serves (a failed redeploy). */
  lastDeploy: text("last_deploy", { mode: "json" }).$type<DeployAttempt>(),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** deployedVersions remember every version that went live on a server, so its owners can roll back to one. */
export const deployedVersions = sqliteTable(
  "deployed_versions",
  {
    serverId: integer("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    versionId: integer("version_id")
      .notNull()
      .references(() => serverVersions.id, { onDelete: "cascade" }),
    /** deployedAt is when it last went live. */
    deployedAt: integer("deployed_at").notNull().default(now),
  },
  (t) => [uniqueIndex("deployed_versions_server_version_idx").on(t.serverId, t.versionId)],
);

/** usageDaily aggregates each server's hosted traffic per UTC day: counts and latency, never content. */
export const usageDaily = sqliteTable(
  "usage_daily",
  {
    serverId: integer("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    sessions: integer("sessions").notNull().default(0),
    toolCalls: integer("tool_calls").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    latencyMsSum: integer("latency_ms_sum").notNull().default(0),
    latencyCount: integer("latency_count").notNull().default(0),
  },
  (t) => [uniqueIndex("usage_daily_server_day_idx").on(t.serverId, t.day)],
);

/** auditEvents record who did what, when, from where, to what, and how it ended (bounded by age and count). */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull().default(now),
    // No foreign key: the trail must outlive a deleted user, so the email is copied in as `actor`.
    actorUserId: integer("actor_user_id"),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    outcome: text("outcome", { enum: ["ok", "fail", "denied"] }).notNull(),
    ip: text("ip"),
    detail: text("detail"),
  },
  (t) => [index("audit_events_at_idx").on(t.at), index("audit_events_action_idx").on(t.action, t.at)],
);

/** invitations are admin-made one-time sign-up links; only a SHA-256 of the link's token is stored. */
export const invitations = sqliteTable(
  "invitations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    role: text("role", { enum: ["admin", "user"] }).notNull().default("user"),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("invitations_email_idx").on(t.email)],
);

/** profiles are a user's saved config for one server (connect with `profile=<id>`); config is an encrypted envelope. */
export const profiles = sqliteTable(
  "profiles",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    serverId: integer("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** config is the JSON config sealed by src/secrets/keyring.ts (never plain text). */
    config: text("config").notNull(),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  // One name per user and server; the index also serves "this user's profiles for this server".
  (t) => [uniqueIndex("profiles_user_server_name_idx").on(t.userId, t.serverId, t.name)],
);

/** serverTestConfigs hold the config an owner stored for the tool-list probe; config is an encrypted envelope. */
export const serverTestConfigs = sqliteTable("server_test_configs", {
  serverId: integer("server_id")
    .primaryKey()
    .references(() => servers.id, { onDelete: "cascade" }),
  config: text("config").notNull(),
  updatedBy: integer("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: integer("updated_at").notNull().default(now),
});
