import type { NetworkPolicy, ResourceLimits, SandboxMode } from "./sandbox.ts";

/** LaunchPlan is one child to start for a server: the exact argv/env (no shell) and what it may see. */
export interface LaunchPlan {
  serverKey: string;
  argv: string[];
  env: Record<string, string>;
  packageDir: string;
  network: NetworkPolicy;
  maxSessions: number;
  /** sessionPolicy `shared` lets one child serve up to maxSessions sessions of the same plan (see shared-child.ts). */
  sessionPolicy?: "per-session" | "shared";
  /** sandbox overrides the instance's --sandbox for this server (absent: the instance's mode). */
  sandbox?: SandboxMode;
  limits?: ResourceLimits;
  /** browser shows the sandbox what a headless browser reads (preset browser; see sandbox.ts). */
  browser?: boolean;
  readOnlyPaths?: string[];
  /** redact are secret config values: replaced in the child's logged stderr, in case it prints them. */
  redact?: string[];
}
