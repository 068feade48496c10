import { describeSecretKey } from "../secrets/key-status.ts";
import { DEFAULT_LIMITS } from "../deploy/settings.ts";
import { detectProtections } from "../supervisor/sandbox.ts";
import type { Command } from "./command.ts";

/** doctor prints which protections this host gives server children, what --sandbox will do, and where the secret key comes from. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "show which sandbox protections are active on this host",
  usage: "hearth doctor [--sandbox auto|bwrap|none]",
  flags: {},
  async run({ config }) {
    const p = await detectProtections();
    const l = DEFAULT_LIMITS;
    const yes = (b: boolean) => (b ? "yes" : "no ");
    const lines = [
      `hearth doctor — sandbox mode: ${config.sandbox}`,
      `  ${yes(p.bwrap.usable)} bubblewrap   ${p.bwrap.usable ? `${p.bwrap.path} ${p.bwrap.version ?? ""}: read-only system, private /tmp and work dir, no data dir, network none per server${p.bwrap.hostname === false ? " (hostname not changed: seccomp forbids it)" : ""}` : `not usable: ${p.bwrap.reason ?? "unknown"}`}`,
      `  ${yes(Boolean(p.setpriv.path))} setpriv      ${p.setpriv.path ? "children get SIGKILL when Hearth dies (without bubblewrap)" : "missing: install util-linux"}`,
      `  ${yes(Boolean(p.prlimit.path))} prlimit      ${p.prlimit.path ? `per-child limits: address space ${l.addressSpaceMiB} MiB, ${l.openFiles} open files, ${l.processes} processes per uid, ${l.cpuSeconds} s CPU` : "missing (install util-linux): no address-space, file, process or CPU limits"}`,
      `  ${yes(p.cgroupV2.usable)} cgroup v2    ${p.cgroupV2.usable ? `per-child memory.max ${l.memoryMiB} MiB (no swap) and pids.max ${l.pids}, under ${p.cgroupV2.path}/hearth-children` : `no memory.max/pids.max: ${p.cgroupV2.reason ?? "not writable"}`}`,
    ];
    const sandboxed = config.sandbox !== "none" && p.bwrap.usable;
    lines.push("", sandboxed ? "Server children run sandboxed." : config.sandbox === "bwrap" ? "--sandbox bwrap will refuse to start children: bubblewrap is not usable here." : "Server children run WITHOUT a sandbox: install bubblewrap (and in a container, unmask /proc).");
    const key = describeSecretKey(config.dataDir, config.secretKey);
    lines.push(`Secret key: ${key.text}`);
    lines.push("Defaults; each server may change them: hearth deploy ns/name --set limits.memoryMiB=512 --set sandbox=bwrap …");
    console.log(lines.join("\n"));
    return 0;
  },
};
