import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** digest is every file's path, size, mtime and content hash under dir: "untouched" means equal digests. */
export function digest(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.push(`${p} ${s.size} ${s.mtimeMs} ${Bun.hash(readFileSync(p))}`);
    }
  };
  walk(dir);
  return out.join("\n");
}
