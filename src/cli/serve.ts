import { SetupToken } from "../accounts/setup-token.ts";
import { startHosting } from "../bridge/hosting.ts";
import { adminExists } from "../accounts/users.ts";
import { pruneWebSessionsEvery } from "../accounts/web-sessions.ts";
import { withPort } from "../config/config.ts";
import { ensureDataDir } from "../db/data-dir.ts";
import { openInstance } from "../db/instance.ts";
import { createApp } from "../http/app.ts";
import type { AppContext } from "../http/context.ts";
import { checkPortFree, startServer } from "../http/server.ts";
import { openKeyring } from "../secrets/open-keyring.ts";
import { logger } from "../shared/log.ts";
import { VERSION } from "../version.ts";
import { gracefulStop } from "./graceful-stop.ts";
import { relative } from "node:path";
import { selfLauncher } from "../client/client-entries.ts";
import type { Command } from "./command.ts";

const log = logger("serve");

// The command that runs this Hearth as it runs now: `bun src/main.ts` from a checkout, else the binary.
function selfCommand(): string {
  const l = selfLauncher();
  if (!l.args.length) return l.command;
  const script = l.args.at(-1)!; // after the launcher's own flags: the path of src/main.ts
  const main = relative(process.cwd(), script);
  return `bun ${main.startsWith("..") ? script : main}`;
}

/** serve runs Hearth: database, HTTP, and (as later parts land) supervisor and bridge. */
export const serveCommand: Command = {
  name: "serve",
  summary: "run the Hearth server",
  usage: "hearth serve [--host H] [--port P] [--data DIR] [...]",
  flags: {},
  async run({ config, configFlagsGiven }) {
    // Everything that can refuse the start is checked before the database or any child is touched.
    ensureDataDir(config.dataDir);
    checkPortFree(config);
    const { dbh, applied } = openInstance(config.dataDir);
    if (applied.length) log.info("migrations applied", { applied });
    let secrets;
    try {
      secrets = openKeyring(dbh, config.dataDir, config.secretKey);
    } catch (e) {
      dbh.close();
      throw e;
    }
    if (secrets.source.kind === "file" && secrets.source.created) log.info("secret key created", { path: secrets.source.path });
    const setup = new SetupToken();
    const ctx: AppContext = { config, dbh, setup, version: VERSION, startedAt: Date.now(), secrets: secrets.keyring };
    const hosting = await startHosting(ctx);
    const stopPruning = pruneWebSessionsEvery(dbh.db);
    let running;
    try {
      running = startServer(ctx, createApp(ctx), hosting.upgrader);
    } catch (e) {
      stopPruning();
      await hosting.stop();
      dbh.close();
      throw e;
    }
    ctx.config = withPort(config, running.port, configFlagsGiven.has("public-url") || Boolean(process.env.HEARTH_PUBLIC_URL));
    if (!adminExists(dbh.db)) {
      const token = setup.issue();
      // Printed plainly (not as a log line) so the operator sees it; like PocketBase's installer link.
      process.stderr.write(
        `\nNo administrator yet. Open this one-time link within 30 minutes to create one:\n  ${ctx.config.publicUrl}/setup?token=${token}\n(or run: ${selfCommand()} admin create --data ${config.dataDir} --email you@example.com --password …)\n\n`,
      );
    }
    log.info("listening", { url: running.url, publicUrl: ctx.config.publicUrl, data: config.dataDir, version: VERSION });
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info("stopping", { signal, drainTimeoutMs: config.drainTimeout });
        stopPruning();
        await gracefulStop(running, hosting, config.drainTimeout);
        dbh.close();
        log.info("stopped");
        resolve();
      };
      // `on`, not `once`: the supervisor's exit hooks yield to another listener only while one is
      // registered (src/supervisor/child-registry.ts), and a once-listener is gone by then.
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
    });
    return 0;
  },
};
