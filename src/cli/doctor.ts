import { describeSecretKey } from "../secrets/key-status.ts";
import { detectProtections } from "../supervisor/sandbox.ts";
import type { Command } from "./command.ts";

/** doctor prints which protections this host gives server children, what --sandbox will do, and where the secret key comes from. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "show which sandbox protections are active on this host",
  usage: "hearth doctor [--sandbox auto|bwrap|none]",
  flags: [],
  async run({ config }) {
    const p = await detectProtections();
    const yes = (b: boolean) => (b ? "yes" : "no ");
    const lines = [
      `hearth doctor — sandbox mode: ${config.sandbox}`,
      `  ${yes(p.bwrap.usable)} bubblewrap   ${p.bwrap.usable ? `${p.bwrap.path} ${p.bwrap.version ?? ""}: read-only system, private /tmp and work dir, no data dir, network none per server${p.bwrap.hostname === false ? " (hostname not changed: seccomp forbids it)" : ""}` : `not usable: ${p.bwrap.reason ?? "unknown"}`}`,
      `  ${yes(Boolean(p.setpriv.path))} setpriv      ${p.setpriv.path ? "children get SIGKILL when Hearth dies (without bubblewrap)" : "missing: install util-linux"}`,
      `  ${yes(Boolean(p.prlimit.path))} prlimit      ${p.prlimit.path ? "resource limits (address space, files, processes, CPU time)" : "missing: install util-linux"}`,
      `  ${yes(p.cgroupV2.writable)} cgroup v2    ${p.cgroupV2.writable ? `writable at ${p.cgroupV2.path} (detected; limits not applied through it yet)` : (p.cgroupV2.reason ?? "not writable")}`,
    ];
    const sandboxed = config.sandbox !== "none" && p.bwrap.usable;
    lines.push("", sandboxed ? "Server children run sandboxed." : config.sandbox === "bwrap" ? "--sandbox bwrap will refuse to start children: bubblewrap is not usable here." : "Server children run WITHOUT a sandbox: install bubblewrap (and in a container, unmask /proc).");
    const key = describeSecretKey(config.dataDir, config.secretKey);
    lines.push(`Secret key: ${key.text}`);
    console.log(lines.join("\n"));
    return 0;
  },
};
