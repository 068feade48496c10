// An .mcpb bundle's icon is a file inside the zip: read at publish as a data: URL the pages show,
// kept out of the official Registry API (https icons only), and never a reason to refuse a bundle.
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { adminWithKey } from "../helpers/registry.ts";
import { testApp } from "../helpers/app.ts";
import { tempDir } from "../helpers/temp.ts";
import { zip, type ZipEntry } from "../fixtures/installer/build.ts";
// The cap in src/registry/bundle-icon.ts: as base64 such an icon fits the 64 KiB data: URL pages show.
const MAX_BUNDLE_ICON_BYTES = 48_000;
import { parseMcpbManifest } from "../../src/registry/manifest-mcpb.ts";
import { toServerJson } from "../../src/registry/server-json-out.ts";

const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const PNG = new Uint8Array(Buffer.from(PNG_B64, "base64"));
const GIF = new TextEncoder().encode("GIF89a\x01\x00\x01\x00\x00\x00\x00;");
const NAME = "acme/hello";

let t: ReturnType<typeof testApp>;
let dir: ReturnType<typeof tempDir>;
let auth: { authorization: string };
beforeEach(async () => {
  dir = tempDir("hearth-bundle-icon-");
  t = testApp({ data: join(dir.path, "data") });
  auth = (await adminWithKey(t.ctx)).auth;
});
afterEach(() => {
  t.close();
  dir.cleanup();
});

/** bundle builds a real .mcpb: a manifest.json with the given icon fields, a server file, and extra entries. */
function bundle(iconFields: Record<string, unknown>, extra: ZipEntry[] = []): Uint8Array<ArrayBuffer> {
  const manifest = {
    manifest_version: "0.3",
    name: "hello-bundle",
    display_name: "Hello Bundle",
    version: "1.0.0",
    description: "A tiny bundle with an icon.",
    author: { name: "Hearth tests" },
    server: { type: "node", entry_point: "server/index.js", mcp_config: { command: "node", args: ["${__dirname}/server/index.js"] } },
    ...iconFields,
  };
  return zip([{ name: "manifest.json", content: JSON.stringify(manifest) }, { name: "server/index.js", content: "" }, ...extra]);
}

async function publish(bytes: Uint8Array<ArrayBuffer>): Promise<{ status: number; body: { warnings?: string[]; version?: string } }> {
  const form = new FormData();
  form.set("file", new File([bytes], "hello.mcpb"));
  form.set("name", NAME);
  const r = await t.request("/api/v1/servers", { method: "POST", body: form, headers: auth });
  return { status: r.status, body: (await r.json()) as { warnings?: string[]; version?: string } };
}

function card(body: string): string {
  const start = body.indexOf(`href="/${NAME}"`);
  expect(start).toBeGreaterThan(-1);
  return body.slice(start, body.indexOf("</li>", start));
}

const page = async (path: string) => (await t.request(path)).text();

describe(".mcpb bundle icons", () => {
  it("shows the bundle's icon file as a data: image on the card and the server page", async () => {
    const r = await publish(bundle({ icon: "assets/icon.png" }, [{ name: "assets/icon.png", content: PNG }]));
    expect(r.status).toBe(201);
    expect(r.body.warnings).toEqual([]);
    const img = `<img src="data:image/png;base64,${PNG_B64}"`;
    expect(card(await page("/"))).toContain(img);
    expect(await page(`/${NAME}`)).toContain(img);
  });

  it("shows an icon of exactly the cap, whose data: URL still fits what pages accept", async () => {
    const full = new Uint8Array(MAX_BUNDLE_ICON_BYTES);
    full.set(PNG);
    expect((await publish(bundle({ icon: "icon.png" }, [{ name: "icon.png", content: full }]))).body.warnings).toEqual([]);
    expect(card(await page("/"))).toContain(`<img src="data:image/png;base64,${Buffer.from(full).toString("base64")}"`);
  });

  it("reads the 0.3 `icons` list, keeping its size and theme", async () => {
    const r = await publish(bundle({ icons: [{ src: "./icon.gif", size: "16x16", theme: "dark" }] }, [{ name: "icon.gif", content: GIF }]));
    expect(r.status).toBe(201);
    const row = t.ctx.dbh.sqlite.query("SELECT manifest FROM server_versions").get() as { manifest: string };
    expect(JSON.parse(row.manifest).icons).toEqual([{ src: `data:image/gif;base64,${Buffer.from(GIF).toString("base64")}`, mimeType: "image/gif", sizes: ["16x16"], theme: "dark" }]);
    expect(card(await page("/"))).toContain('<img src="data:image/gif;base64,');
  });

  it("keeps the data: icon out of the official Registry API, which allows https icons only", async () => {
    expect((await publish(bundle({ icon: "icon.png" }, [{ name: "icon.png", content: PNG }]))).status).toBe(201);
    for (const path of ["/v0.1/servers", `/v0.1/servers/${encodeURIComponent(NAME)}/versions`, `/v0.1/servers/${encodeURIComponent(NAME)}/versions/1.0.0`, "/v0/servers"]) {
      const r = await t.request(path);
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toContain(NAME);
      expect(text).not.toContain("data:");
    }
  });

  it("synthesises a server.json for a bundle with its https icons and without its data: ones", () => {
    const m = parseMcpbManifest(JSON.stringify({ name: "hello", version: "1.0.0", description: "d", server: { type: "node", entry_point: "i.js", mcp_config: { command: "node" } } }));
    const https = { src: "https://example.com/i.png", mimeType: "image/png" };
    const doc = toServerJson({ ...m, icons: [{ src: `data:image/png;base64,${PNG_B64}`, mimeType: "image/png" }, https] }, NAME);
    expect(doc.icons).toEqual([https]);
    expect(toServerJson({ ...m, icons: [{ src: `data:image/png;base64,${PNG_B64}` }] }, NAME)).not.toHaveProperty("icons");
  });

  const big = new Uint8Array(MAX_BUNDLE_ICON_BYTES + 1);
  big.set(PNG);
  const bad: [string, Record<string, unknown>, ZipEntry[], string][] = [
    ["a missing file", { icon: "assets/none.png" }, [], 'icon "assets/none.png" is not shown: the bundle has no such file'],
    ["a file over the limit", { icon: "big.png" }, [{ name: "big.png", content: big }], `icon "big.png" is not shown: it is ${MAX_BUNDLE_ICON_BYTES + 1} bytes, over the ${MAX_BUNDLE_ICON_BYTES}-byte limit for icons in a bundle`],
    ["a file that is not an image", { icon: "icon.png" }, [{ name: "icon.png", content: "<html><script>alert(1)</script>" }], 'icon "icon.png" is not shown: it is not a PNG, JPEG, GIF or WebP image'],
    ["an SVG", { icon: "icon.svg" }, [{ name: "icon.svg", content: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' }], 'icon "icon.svg" is not shown: SVG icons are not taken from bundles; use a PNG, JPEG, GIF or WebP'],
    ["a path climbing out", { icon: "../icon.png" }, [], `icon "../icon.png" is not shown: the path must name a file inside the bundle (it has a '..' path segment)`],
    ["an absolute path", { icon: "/etc/passwd" }, [], 'icon "/etc/passwd" is not shown: the path must name a file inside the bundle (it has an absolute path)'],
    ["a symlink", { icon: "icon.png" }, [{ name: "icon.png", content: "/etc/passwd", symlink: true }], 'icon "icon.png" is not shown: it is a symlink, not a file'],
    ["a URL", { icon: "javascript:alert(1)" }, [], 'icon "javascript:alert(1)" is not shown: it is a URL, not a file in the bundle'],
    ["an icon that is not a string", { icon: 42 }, [], "an icon in manifest.json is not a path string, so it is not shown"],
  ];
  for (const [what, fields, extra, warning] of bad) {
    it(`publishes a bundle whose icon is ${what}, with a warning, a letter avatar and nothing else lost`, async () => {
      const r = await publish(bundle(fields, extra));
      expect(r.status).toBe(201);
      expect(r.body.warnings).toEqual([warning]);
      expect(r.body.version).toBe("1.0.0");
      const c = card(await page("/"));
      expect(c).not.toContain("<img");
      expect(c).toContain('<span class="card-title">Hello Bundle</span>');
      expect(c).toContain("A tiny bundle with an icon.");
    });
  }

  it("falls back to the next icon when the first can't be used, saying why", async () => {
    const r = await publish(bundle({ icon: "gone.png", icons: [{ src: "icon.png", size: "1x1" }] }, [{ name: "icon.png", content: PNG }]));
    expect(r.status).toBe(201);
    expect(r.body.warnings).toEqual(['icon "gone.png" is not shown: the bundle has no such file']);
    expect(card(await page("/"))).toContain(`<img src="data:image/png;base64,${PNG_B64}"`);
  });
});
