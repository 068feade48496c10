import { Database } from "bun:sqlite";
import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { runHearth, startHearth, type HearthProcess } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => void | Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function dataDir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.path, "data");
}

describe("hearth CLI", () => {
  it("--help lists every command; <cmd> --help lists every flag with its default", async () => {
    const top = await runHearth(["--help"]);
    expect(top.code).toBe(0);
    for (const c of ["serve", "migrate", "admin create", "key create", "backup", "version"]) expect(top.stdout).toContain(c);
    const serve = await runHearth(["serve", "--help"]);
    expect(serve.stdout).toContain("--port VALUE");
    expect(serve.stdout).toContain("(default: 8080)");
    expect(serve.stdout).toContain("(default: ./hearth-data)");
    expect(serve.stdout).toContain("env HEARTH_HOST");
  });

  it("exits 2 on an unknown flag, saying what to do", async () => {
    const r = await runHearth(["serve", "--prot", "80"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--prot'");
    expect(r.stderr).toContain("hearth serve --help");
  });

  it("exits 2 on a bad value, naming the flag", async () => {
    const r = await runHearth(["serve", "--port", "http"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--port / HEARTH_PORT");
  });

  it("exits 2 on an unknown command and on a missing required flag", async () => {
    expect((await runHearth(["frobnicate"])).code).toBe(2);
    const r = await runHearth(["admin", "create", "--email", "a@b.co", "--data", dataDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--password is required");
  });

  it("admin create + key create work offline; the key is the last stdout line and authenticates", async () => {
    const data = dataDir();
    const admin = await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"]);
    expect(admin.code).toBe(0);
    const again = await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "another password"]);
    expect(again.stdout).toContain("updated administrator");
    const k = await runHearth(["key", "create", "--data", data, "--user", "ops@example.com", "--name", "laptop", "--scopes", "read,publish"]);
    expect(k.code).toBe(0);
    const key = k.stdout.trim().split("\n").at(-1)!;
    expect(key).toMatch(/^hth_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}$/);
    const db = new Database(join(data, "hearth.db"), { readonly: true });
    const row = db.query("SELECT hash FROM api_keys").get() as { hash: string };
    expect(row.hash).not.toContain(key.slice(18));
    db.close();
    const h = await startHearth({ data });
    cleanups.push(() => h.stop());
    const me = await fetch(`${h.url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ email: "ops@example.com", scopes: ["read", "publish"] });
    expect(h.output()).not.toContain("/setup?token=");
  });

  it("from source, the first-run hint prints the admin create command that works in this mode", async () => {
    const data = dataDir();
    const h = await startHearth({ data });
    cleanups.push(() => h.stop());
    const deadline = Date.now() + 5000;
    while (!h.output().includes("admin create") && Date.now() < deadline) await Bun.sleep(20);
    expect(h.output()).toContain(`(or run: bun src/main.ts admin create --data ${data} --email you@example.com --password …)`);
  });

  it("key create refuses an unknown user and an unknown scope", async () => {
    const data = dataDir();
    await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"]);
    const nobody = await runHearth(["key", "create", "--data", data, "--user", "x@example.com", "--name", "n"]);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain("no user with email x@example.com");
    const scope = await runHearth(["key", "create", "--data", data, "--user", "ops@example.com", "--name", "n", "--scopes", "root"]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain("must be one of read, connect, publish, admin");
  });

  it("backup writes a consistent copy and never overwrites", async () => {
    const data = dataDir();
    await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"]);
    const file = join(data, "..", "backup.db");
    expect((await runHearth(["backup", file, "--data", data])).code).toBe(0);
    const copy = new Database(file, { readonly: true });
    expect(copy.query("SELECT email FROM users").get()).toEqual({ email: "ops@example.com" });
    copy.close();
    const twice = await runHearth(["backup", file, "--data", data]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("already exists");
  });

  it("version prints the version", async () => {
    const r = await runHearth(["version"]);
    expect(r.stdout).toMatch(/^hearth \d+\.\d+\.\d+ \(bun /);
  });
});

describe("hearth serve lifecycle", () => {
  it("prints a setup link, stops on SIGTERM with exit 0, and restarts on the same data dir", async () => {
    const data = dataDir();
    const first: HearthProcess = await startHearth({ data });
    cleanups.push(() => first.stop()); // a failed assertion must not leave the server running
    expect(first.output()).toMatch(/\/setup\?token=[\w-]{32}/);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const port = new URL(first.url).port;
    expect((await runHearth(["healthcheck", "--port", port])).code).toBe(0);
    expect(await first.stop()).toBe(0);
    expect((await runHearth(["healthcheck", "--port", port])).code).toBe(1);
    const second = await startHearth({ data });
    cleanups.push(() => second.stop());
    expect((await (await fetch(`${second.url}/readyz`)).json()).status).toBe("ready");
    expect(await second.stop()).toBe(0);
  });

  it("exits non-zero with one clear line when the port is in use", async () => {
    const blocker = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("x") });
    cleanups.push(() => blocker.stop(true));
    const r = await runHearth(["serve", "--port", String(blocker.port), "--data", dataDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${blocker.port} on 127.0.0.1 is already in use: stop the other process or pass --port`);
  });

  it("exits non-zero when a TLS file is missing", async () => {
    const r = await runHearth(["serve", "--port", "0", "--data", dataDir(), "--tls-cert", "/nope/cert.pem", "--tls-key", "/nope/key.pem"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--tls-cert /nope/cert.pem does not exist");
  });
});
