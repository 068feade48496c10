import type { Principal } from "../accounts/principal.ts";
import { auditRequest } from "../http/audit-request.ts";
import type { AppContext } from "../http/context.ts";
import type { DeployRun } from "./deployer.ts";

/**
 * auditDeployRun records how a deploy or rollback ended, once it has (`server.deploy` /
 * `server.rollback`, ok or fail): the version, and for a failed redeploy the version that kept serving.
 */
export function auditDeployRun(ctx: AppContext, request: Request, principal: Principal, kind: "deploy" | "rollback", target: string, run: DeployRun): void {
  void run.done.then((end) => {
    const kept = end.phase === "failed" && end.serving ? `; ${end.serving} kept serving` : "";
    const detail = `${"version" in end ? end.version : "?"}: ${(end.message ?? "").split("\n")[0]}${kept}`;
    auditRequest(ctx, request, principal, { action: `server.${kind}`, outcome: end.phase === "failed" ? "fail" : "ok", target, detail });
  });
}
