import type { SetupToken } from "../accounts/setup-token.ts";
import type { OpenSessions } from "../relay/open-sessions.ts";
import type { UsageCounter } from "../bridge/usage.ts";
import type { Config } from "../config/config.ts";
import type { DbHandle } from "../db/client.ts";
import type { Deployer } from "../deploy/deployer.ts";
import type { PlanSession } from "../deploy/session-planner.ts";
import type { LogStore } from "../logs/log-store.ts";
import type { Keyring } from "../secrets/keyring.ts";
import type { LogRing } from "../supervisor/log-ring.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";

/** AppContext is everything route plugins need, built once by `serve` (or by a test) and passed down. */
export interface AppContext {
  config: Config;
  dbh: DbHandle;
  setup: SetupToken;
  version: string;
  startedAt: number;
  /** supervisor runs hosted servers; absent in tests and commands that host nothing. */
  supervisor?: Supervisor;
  /** planSession turns a deployment and a validated config into a child's launch plan; set with the supervisor. */
  planSession?: PlanSession;
  /** deployer installs and probes servers (with the supervisor). */
  deployer?: Deployer;
  /** logs are the per-server log rings, by qualified name. */
  logs?: Map<string, LogRing>;
  /** logStore keeps those lines on disk (logs.db), bounded, across restarts. */
  logStore?: LogStore;
  /** secrets seal and open stored secrets (profiles, test configs); commands that store none omit it. */
  secrets?: Keyring;
  /** usage counts sessions and tool calls of hosted servers (the Streamable HTTP bridge reports here). */
  usage?: UsageCounter;
  /** sessions are the bridges' open client sessions, ended with a notice when Hearth stops. */
  sessions?: OpenSessions;
}
