import type { Command } from "./command.ts";

/** healthcheck asks a running Hearth on this host for /healthz: the image's HEALTHCHECK, with no curl or shell. */
export const healthcheckCommand: Command = {
  name: "healthcheck",
  summary: "exit 0 if the Hearth on --host/--port answers /healthz",
  usage: "hearth healthcheck [--port P]",
  flags: {},
  async run({ config }) {
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    const scheme = config.tlsCert ? "https" : "http";
    try {
      // Loopback to ourselves: the certificate may be for the public name, so don't verify it here.
      const r = await fetch(`${scheme}://${host.includes(":") ? `[${host}]` : host}:${config.port}/healthz`, {
        signal: AbortSignal.timeout(2500),
        tls: { rejectUnauthorized: false },
      });
      if (r.ok) return 0;
      console.error(`hearth healthcheck: /healthz answered ${r.status}`);
    } catch (e) {
      console.error(`hearth healthcheck: ${(e as Error).message}`);
    }
    return 1;
  },
};
