import type { AuditOutcome } from "../audit/audit-log.ts";
import type { DeployRun } from "./deployer.ts";

/** DeployAuditEntry is the audit event a finished deploy or rollback makes, before a route adds who and from where. */
export type DeployAuditEntry = { action: string; outcome: AuditOutcome; target: string; detail: string };

/**
 * auditDeployRun records how a deploy or rollback ended, once it has (`server.deploy` /
 * `server.rollback`, ok or fail): the version, and for a failed redeploy the version that kept serving.
 * The route passes `record`, which knows the request; this file stays below the web layer.
 */
export function auditDeployRun(record: (e: DeployAuditEntry) => void, kind: "deploy" | "rollback", target: string, run: DeployRun): void {
  void run.done.then((end) => {
    const kept = end.phase === "failed" && end.serving ? `; ${end.serving} kept serving` : "";
    const detail = `${"version" in end ? end.version : "?"}: ${(end.message ?? "").split("\n")[0]}${kept}`;
    record({ action: `server.${kind}`, outcome: end.phase === "failed" ? "fail" : "ok", target, detail });
  });
}
