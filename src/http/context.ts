import type { SetupToken } from "../accounts/setup-token.ts";
import type { Config } from "../config/config.ts";
import type { DbHandle } from "../db/client.ts";
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
}
