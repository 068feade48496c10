import { startHosted, type HostedInstance } from "../helpers/hosted.ts";

/** SERVER_NAME is the name the conformance fixture is published and deployed under. */
export const SERVER_NAME = "io.github.hearth/conformance";

/** BridgeTarget is a running Hearth hosting the conformance fixture, with the /mcp URL a keyless client can use. */
export interface BridgeTarget {
  hearth: HostedInstance;
  /** url is the Streamable HTTP endpoint with the admin key as ?api_key= (the suite sends no Authorization header). */
  url: string;
  close(): Promise<void>;
}

/**
 * startBridgeTarget starts a real Hearth on a loopback port 0 and deploys the fixture. The suite's
 * client never sends DELETE, so each of its ~35 sessions (a ~55 MB child each) stays open until
 * the idle timeout: the session limit is raised above that, and the idle timeout is short (no
 * scenario pauses for seconds between requests) so only a few are alive at once and leftovers
 * can be seen going.
 */
export async function startBridgeTarget(opts: { idleTimeoutSec?: number } = {}): Promise<BridgeTarget> {
  const hearth = await startHosted({ host: "127.0.0.1" });
  hearth.deployFixture(SERVER_NAME, "conformance-server.ts", {}, { maxSessions: 100, idleTimeoutSec: opts.idleTimeoutSec ?? 3 });
  return { hearth, url: hearth.httpUrl(SERVER_NAME, `api_key=${encodeURIComponent(hearth.key)}`), close: () => hearth.close() };
}

// Run alone it prints the URL and serves until SIGINT/SIGTERM, for running the suite by hand.
if (import.meta.main) {
  const t = await startBridgeTarget();
  console.log(t.url);
  const stop = () => void t.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
