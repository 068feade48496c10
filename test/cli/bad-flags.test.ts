import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { runHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";

// Every usage error is exit 2 and one line, `hearth <command>: …`, naming the flag and what it takes.
let home: { path: string; cleanup(): void };
beforeAll(() => {
  home = tempDir();
});
afterAll(() => home.cleanup());

const hearth = (args: string[]) => runHearth(args, { env: { HOME: home.path, HEARTH_DATA: join(home.path, "data") } });

const cases: { what: string; cmd: string; args: string[]; says: string[] }[] = [
  { what: "an unknown flag", cmd: "search", args: ["--lmit", "5"], says: ["Unknown option '--lmit'", "hearth search --help"] },
  { what: "an unknown short flag", cmd: "key list", args: ["-j"], says: ["Unknown option '-j'", "hearth key list --help"] },
  { what: "a missing value at the end", cmd: "search", args: ["--limit"], says: ["--limit needs a value: give a whole number from 1 to 100"] },
  { what: "a missing value before another flag", cmd: "admin create", args: ["--email", "--password", "twelve chars!!"], says: ["--email needs a value;", "hearth admin create --help"] },
  { what: "a missing value of a repeatable flag", cmd: "deploy", args: ["io.example/x", "--set"], says: ["--set needs a value"] },
  { what: "a dash-led value without =", cmd: "search", args: ["--limit", "-5"], says: ["--limit needs a value", "--limit=-5"] },
  { what: "a word for a number", cmd: "search", args: ["--limit", "abc"], says: ["--limit", "abc", "give a whole number from 1 to 100"] },
  { what: "a number out of range", cmd: "search", args: ["--limit", "500"], says: ["--limit", "500", "give a whole number from 1 to 100"] },
  { what: "a transport that isn't one (checked before any key is looked for)", cmd: "tools", args: ["io.example/x", "--transport", "pigeon"], says: ['--transport "pigeon": give http or ws'] },
  { what: "connect's transport", cmd: "connect", args: ["io.example/x", "--transport", "pigeon"], says: ["--transport", "pigeon", "give ws or http"] },
  { what: "a bad duration", cmd: "connect", args: ["io.example/x", "--idle-exit", "soon"], says: ['--idle-exit "soon": give a duration like 30s'] },
  { what: "a bad expiry", cmd: "key create", args: ["--user", "a@b.co", "--name", "n", "--expires", "someday"], says: ['--expires "someday": give a number of days like 30d'] },
  { what: "a switch given a value that isn't a yes or no", cmd: "key list", args: ["--json=maybe"], says: ['--json "maybe": give no value, or =true / =false'] },
  { what: "a boolean config flag given a bad value", cmd: "version", args: ["--public-read", "maybe"], says: ["--public-read / HEARTH_PUBLIC_READ: must be true or false", '(got "maybe")'] },
  { what: "a missing required flag", cmd: "team add", args: ["acme"], says: ["--user is required", "hearth team add --help"] },
  { what: "a missing required flag, listing what it takes", cmd: "install", args: ["io.example/x"], says: ["--client is required", "claude, claude-code, cursor"] },
];

describe("bad flags", () => {
  for (const c of cases) {
    it(`${c.what}: exit 2, one line naming the flag (hearth ${c.cmd} ${c.args.join(" ")})`, async () => {
      const r = await hearth([...c.cmd.split(" "), ...c.args]);
      expect({ code: r.code, lines: r.stderr.trimEnd().split("\n").length, stdout: r.stdout }).toEqual({ code: 2, lines: 1, stdout: "" });
      expect(r.stderr.startsWith(`hearth ${c.cmd}: `)).toBe(true);
      for (const s of c.says) expect(r.stderr).toContain(s);
    });
  }

  it("a switch takes =true and =false in z.stringbool's spellings", async () => {
    const off = await hearth(["key", "list", "--json=no"]);
    expect([off.code, off.stdout.split("\n")[0]]).toEqual([0, expect.stringMatching(/^id\s+key\s+user/)]);
    const on = await hearth(["key", "list", "--json=on"]);
    expect([on.code, on.stdout]).toEqual([0, ""]);
  });
});
