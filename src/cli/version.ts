import { VERSION } from "../version.ts";
import type { Command } from "./command.ts";

/** version prints Hearth's version and the runtime it runs on. */
export const versionCommand: Command = {
  name: "version",
  summary: "print the version",
  usage: "hearth version",
  flags: {},
  async run() {
    console.log(`hearth ${VERSION} (bun ${Bun.version})`);
    return 0;
  },
};
