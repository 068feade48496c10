import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { isAbsolute, normalize } from "node:path";
import { AppError } from "../shared/app-error.ts";
import { detectCgroupV2, type CgroupSupport } from "./cgroup.ts";

/** SandboxMode is the operator's `--sandbox` choice: auto uses bubblewrap when it works here. */
export type SandboxMode = "auto" | "bwrap" | "none";

/** NetworkPolicy is per server: `none` gives the child a network namespace with only loopback. */
export type NetworkPolicy = "host" | "none";

/** ResourceLimits become prlimit flags; unset means inherit. Values are plain numbers (prlimit misreads "8G"). */
export interface ResourceLimits {
  /** addressSpaceBytes is RLIMIT_AS; Bun and Node reserve gigabytes of virtual memory, so keep it ≥ 1 GiB. */
  addressSpaceBytes?: number;
  openFiles?: number;
  /** processes is RLIMIT_NPROC, counted per real uid across the whole host, and ignored for root. */
  processes?: number;
  cpuSeconds?: number;
  /** tmpBytes caps the private /tmp (a tmpfs, so it is memory); bwrap only. */
  tmpBytes?: number;
  /** memoryBytes is cgroup v2 memory.max (real memory, swap off); applied by the supervisor where cgroups are usable. */
  memoryBytes?: number;
  /** pids is cgroup v2 pids.max for this child alone; applied by the supervisor where cgroups are usable. */
  pids?: number;
}

/** Protections is what this host offers, as `hearth doctor` reports it; detected once at start. */
export interface Protections {
  /** hostname is false where seccomp forbids sethostname (podman's default profile): children keep the container's name. */
  bwrap: { usable: boolean; path?: string; version?: string; reason?: string; userns: boolean; tmpfsSize: boolean; hostname?: boolean };
  /** setpriv gives the child a parent-death signal when bubblewrap is not used. */
  setpriv: { path?: string };
  prlimit: { path?: string };
  /** cgroupV2 says whether per-child memory.max/pids.max can be applied (see cgroup.ts). */
  cgroupV2: CgroupSupport;
}

/** WrapSpec is one child to wrap: its argv and the only paths it may see. */
export interface WrapSpec {
  argv: readonly string[];
  /** packageDir is the installed server, bound read-only at the same path. */
  packageDir: string;
  /** workDir is the per-session writable directory; it must exist; it becomes cwd and HOME. */
  workDir: string;
  network: NetworkPolicy;
  limits?: ResourceLimits;
  mode: SandboxMode;
  /** readOnlyPaths are extra paths to bind read-only (a runtime outside /usr, a shared cache). */
  readOnlyPaths?: readonly string[];
  /** browser binds what a headless browser reads outside /usr (BROWSER_FILES), for preset browser. */
  browser?: boolean;
}

/** WrappedCommand is what to hand to spawnChild, plus what protection was actually applied. */
export interface WrappedCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** leaderIsWrapper: the group leader is bwrap's monitor (see signalGroupExceptLeader). */
  leaderIsWrapper: boolean;
  sandboxed: boolean;
  /** warnings list protections asked for but not given on this host, for the server's log. */
  warnings: string[];
}

// Seconds of CPU between SIGXCPU (the soft limit) and SIGKILL (the hard one).
const CPU_HARD_GRACE_SECONDS = 5;

// What a dynamically linked program and its DNS/TLS need from /etc; nothing else of /etc is shown.
const ETC_FILES = [
  "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/ssl", "/etc/ca-certificates",
  "/etc/pki", "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf",
  "/etc/localtime", "/etc/passwd", "/etc/group",
];
// What Chromium reads outside /usr: Debian's launcher sources /etc/chromium.d/* (and exits 2 without
// it), its master_preferences, fontconfig, and the machine id its D-Bus client asks for. Its own
// sandbox can't start inside bubblewrap (no nested user namespaces), so browser servers run it with
// --no-sandbox (Playwright's default): bubblewrap is the sandbox. /dev/shm comes with --dev.
const BROWSER_FILES = ["/etc/chromium.d", "/etc/chromium", "/etc/fonts", "/etc/machine-id"];
// On merged-/usr systems these are symlinks into /usr and are recreated as such; otherwise bound.
const SYSTEM_DIRS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/** detectProtections probes the host with the exact bwrap flags wrapCommand uses, so "usable" means it will work. */
export async function detectProtections(): Promise<Protections> {
  const bwrapPath = Bun.which("bwrap") ?? undefined;
  return {
    bwrap: bwrapPath ? await probeBwrap(bwrapPath) : { usable: false, reason: "bwrap is not installed", userns: false, tmpfsSize: false },
    setpriv: { path: Bun.which("setpriv") ?? undefined },
    prlimit: { path: Bun.which("prlimit") ?? undefined },
    cgroupV2: detectCgroupV2(),
  };
}

/**
 * wrapCommand turns a server's argv into the argv Hearth spawns: `prlimit … --` for limits, then
 * either `bwrap … --` (mode bwrap, or auto when usable) or `setpriv --pdeathsig KILL --`. bwrap is
 * run without --new-session: spawnChild already makes a new session with no controlling terminal
 * (so TIOCSTI has nothing to inject into), and a second setsid inside would take the server out
 * of the process group Hearth signals.
 */
export function wrapCommand(spec: WrapSpec, protections: Protections): WrappedCommand {
  checkSpec(spec);
  const warnings: string[] = [];
  const useBwrap = chooseBwrap(spec.mode, protections, warnings);
  const prefix = limitsPrefix(spec, protections, warnings);
  if (useBwrap && protections.bwrap.path) {
    return {
      argv: [...prefix, ...bwrapArgs(spec, protections), "--", ...spec.argv],
      env: { HOME: spec.workDir, TMPDIR: "/tmp" },
      cwd: spec.workDir,
      leaderIsWrapper: true,
      sandboxed: true,
      warnings,
    };
  }
  if (spec.network === "none") warnings.push("network: none is not enforced without bubblewrap");
  // pdeathsig reaches only the leader: if Hearth is SIGKILLed, its grandchildren survive (bwrap has no such gap).
  const deathsig = protections.setpriv.path ? [protections.setpriv.path, "--pdeathsig", "KILL", "--"] : [];
  if (deathsig.length === 0) warnings.push("setpriv not found: children outlive a killed Hearth");
  return {
    argv: [...prefix, ...deathsig, ...spec.argv],
    env: { HOME: spec.workDir, TMPDIR: spec.workDir },
    cwd: spec.workDir,
    leaderIsWrapper: false,
    sandboxed: false,
    warnings,
  };
}

function chooseBwrap(mode: SandboxMode, p: Protections, warnings: string[]): boolean {
  if (mode === "none") return false;
  if (p.bwrap.usable) return true;
  if (mode === "bwrap") {
    throw new AppError(
      "unavailable",
      `--sandbox bwrap was asked for, but bubblewrap is not usable here: ${p.bwrap.reason ?? "unknown reason"}. ` +
        "Install it (apt-get install bubblewrap), allow user namespaces for it, or start with --sandbox auto.",
    );
  }
  warnings.push(`running without a sandbox: ${p.bwrap.reason ?? "bubblewrap is not usable"}`);
  return false;
}

function limitsPrefix(spec: WrapSpec, p: Protections, warnings: string[]): string[] {
  const l = spec.limits ?? {};
  const flags: string[] = [];
  if (l.addressSpaceBytes !== undefined) flags.push(`--as=${l.addressSpaceBytes}`);
  if (l.openFiles !== undefined) flags.push(`--nofile=${l.openFiles}`);
  if (l.processes !== undefined) flags.push(`--nproc=${l.processes}`);
  // soft:hard — with equal values the kernel SIGKILLs at once; a SIGXCPU first says which limit hit.
  if (l.cpuSeconds !== undefined) flags.push(`--cpu=${l.cpuSeconds}:${l.cpuSeconds + CPU_HARD_GRACE_SECONDS}`);
  if (flags.length === 0) return [];
  if (!p.prlimit.path) {
    if (spec.mode === "bwrap") throw new AppError("unavailable", "resource limits need prlimit (util-linux), which is not installed");
    warnings.push("prlimit not found: resource limits are not applied");
    return [];
  }
  // prlimit sets the limits on itself, then execs: they apply to bwrap and everything under it.
  return [p.prlimit.path, ...flags, "--"];
}

function bwrapArgs(spec: WrapSpec, p: Protections): string[] {
  const a: string[] = [p.bwrap.path ?? "bwrap", "--die-with-parent", "--unshare-all"];
  if (p.bwrap.userns) a.push("--unshare-user", "--disable-userns");
  if (spec.network === "host") a.push("--share-net");
  a.push("--cap-drop", "ALL");
  if (p.bwrap.hostname !== false) a.push("--hostname", "hearth-sandbox");
  a.push("--ro-bind", "/usr", "/usr", ...systemDirArgs());
  for (const path of [...ETC_FILES, ...(spec.browser ? BROWSER_FILES : [])]) a.push("--ro-bind-try", path, path);
  a.push("--proc", "/proc", "--dev", "/dev");
  if (spec.limits?.tmpBytes !== undefined && p.bwrap.tmpfsSize) a.push("--size", String(spec.limits.tmpBytes));
  a.push("--tmpfs", "/tmp");
  const readOnly = [spec.packageDir, ...(spec.readOnlyPaths ?? [])];
  const exe = spec.argv[0] ?? "";
  if (isAbsolute(exe) && !exe.startsWith("/usr/") && !readOnly.some((d) => exe.startsWith(`${d}/`))) readOnly.push(exe);
  for (const path of readOnly) a.push("--ro-bind", path, path);
  a.push("--bind", spec.workDir, spec.workDir, "--chdir", spec.workDir);
  // bwrap builds the root on a writable tmpfs; freeze it so only /tmp and the work dir take writes.
  a.push("--remount-ro", "/");
  return a;
}

let systemDirCache: string[] | undefined;
function systemDirArgs(): string[] {
  if (systemDirCache) return systemDirCache;
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync(dir)) continue;
    if (lstatSync(dir).isSymbolicLink()) args.push("--symlink", readlinkSync(dir), dir);
    else args.push("--ro-bind", dir, dir);
  }
  systemDirCache = args;
  return args;
}

function checkSpec(spec: WrapSpec): void {
  if (spec.argv.length === 0) throw new AppError("invalid", "wrapCommand needs a non-empty argv");
  for (const [name, path] of [["packageDir", spec.packageDir], ["workDir", spec.workDir]] as const) {
    if (!isAbsolute(path) || normalize(path) !== path || path === "/") {
      throw new AppError("invalid", `${name} must be a normalised absolute path other than /, got ${JSON.stringify(path)}`);
    }
  }
  for (const [name, value] of Object.entries(spec.limits ?? {})) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
      throw new AppError("invalid", `limit ${name} must be a positive integer, got ${value}`);
    }
  }
}

/**
 * probeBwrap runs the Hearth binary itself (as bun, printing its version) under the namespaces,
 * /proc and /dev that wrapCommand asks for: a container that masks /proc lets bwrap start but not
 * mount a fresh /proc, and a probe without `--proc` would call that usable. No /usr/bin/true is
 * assumed either: the image has no coreutils.
 */
async function probeBwrap(path: string): Promise<Protections["bwrap"]> {
  const help = await run([path, "--help"]);
  const version = (await run([path, "--version"])).stdout.trim() || undefined;
  const base = [path, "--die-with-parent", "--unshare-all", "--cap-drop", "ALL", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"];
  const self = [process.execPath, "--version"];
  const tmpfsSize = help.stdout.includes("--size");
  let failed = { code: null as number | null, stderr: "" };
  for (const userns of help.stdout.includes("--disable-userns") ? [true, false] : [false]) {
    for (const hostname of [true, false]) {
      const r = await run([...base, ...(userns ? ["--unshare-user", "--disable-userns"] : []), ...(hostname ? ["--hostname", "hearth-sandbox"] : []), "--", ...self]);
      if (r.code === 0) return { usable: true, path, version, userns, tmpfsSize, hostname };
      failed = r;
      // Only a refused sethostname is worth a retry without it; anything else fails the same way again.
      if (!/can't set hostname/i.test(r.stderr)) break;
    }
  }
  return { usable: false, path, version, reason: bwrapFailure(failed), userns: false, tmpfsSize };
}

/** bwrapFailure turns a failed probe into a reason that names the fix where one is known. */
function bwrapFailure(r: { code: number | null; stderr: string }): string {
  const said = r.stderr.trim().split("\n")[0] || `bwrap exited with code ${r.code}`;
  if (/can't mount proc/i.test(said)) {
    return `${said} (inside a container /proc is masked: run it with --security-opt unmask=/proc/* under podman, --security-opt systempaths=unconfined under docker)`;
  }
  if (/no permissions to create new namespace|creating new namespace failed|uid map/i.test(said)) {
    return `${said} (unprivileged user namespaces are off: enable them, e.g. sysctl kernel.unprivileged_userns_clone=1)`;
  }
  return said;
}

async function run(cmd: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    // BUN_BE_BUN makes the compiled Hearth answer `--version` as bun, without starting its CLI.
    const proc = Bun.spawn({ cmd, env: { PATH: "/usr/bin:/bin", BUN_BE_BUN: "1" }, stdout: "pipe", stderr: "pipe", timeout: 5000 });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  } catch (e) {
    return { code: null, stdout: "", stderr: e instanceof Error ? e.message : String(e) };
  }
}
