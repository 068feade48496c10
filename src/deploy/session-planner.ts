import type { VersionRow } from "../registry/catalog.ts";
import type { TypedConfig } from "../registry/config-schema.ts";
import type { LaunchPlan } from "../supervisor/launch-plan.ts";
import type { Deployment } from "./deployments.ts";

/** SessionTarget is what a session, the probe or a warm pool starts a child of: a ready deployment of one version. */
interface SessionTarget {
  serverKey: string;
  deployment: Deployment;
  version: VersionRow;
}

/**
 * PlanSession turns a target and a validated config into the exact child to start. Made by
 * src/launch/plan-session.ts#createPlanner; deploy names only this type, so it takes the planner
 * as a function and never imports src/launch (which builds on deploy's settings).
 */
export type PlanSession = (target: SessionTarget, config: TypedConfig) => Promise<LaunchPlan>;
