import { archiveEntryProblem } from "../installer/path-safety.ts";
import type { BundleZip } from "./bundle-zip.ts";
import type { NormalisedIcon } from "./manifest.ts";

/** MAX_BUNDLE_ICON_BYTES caps an icon read from a bundle: as base64 its data: URL stays under the 64 KiB pages show. */
const MAX_BUNDLE_ICON_BYTES = 48_000;

type ImageType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

const ascii = (b: Uint8Array, at: number, text: string) => [...text].every((c, i) => b[at + i] === c.charCodeAt(0));

/** sniffImage names a raster image type by its magic bytes; anything else (SVG included) is undefined. */
function sniffImage(b: Uint8Array): ImageType | undefined {
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x)) return "image/png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) return "image/gif";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return "image/webp";
  return undefined;
}

interface Candidate {
  src: unknown;
  size?: unknown;
  theme?: unknown;
}

// MCPB 0.1–0.2 name one `icon` path; 0.3 adds `icons: [{src, size, theme}]`. `icon` is tried first.
function candidates(raw: Record<string, unknown>): Candidate[] {
  const out: Candidate[] = [];
  if (raw.icon !== undefined) out.push({ src: raw.icon });
  if (Array.isArray(raw.icons)) for (const i of raw.icons) out.push(i !== null && typeof i === "object" ? (i as Candidate) : { src: i });
  return out;
}

async function dataUrl(src: string, zip: BundleZip): Promise<{ url: string } | { problem: string }> {
  const path = src.replace(/^(\.\/)+/, "");
  const unsafe = archiveEntryProblem(path);
  if (unsafe) return { problem: `the path must name a file inside the bundle (it ${unsafe})` };
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return { problem: "it is a URL, not a file in the bundle" };
  const f = await zip.read(path, MAX_BUNDLE_ICON_BYTES);
  if (f.kind === "missing") return { problem: "the bundle has no such file" };
  if (f.kind === "link") return { problem: "it is a symlink, not a file" };
  if (f.kind === "too_large") return { problem: `it is ${f.size} bytes, over the ${MAX_BUNDLE_ICON_BYTES}-byte limit for icons in a bundle` };
  const type = sniffImage(f.bytes);
  if (!type) {
    const svg = /\.svgz?$/i.test(path) || /^\s*(<\?xml|<svg)/i.test(new TextDecoder().decode(f.bytes.subarray(0, 256)));
    return { problem: svg ? "SVG icons are not taken from bundles; use a PNG, JPEG, GIF or WebP" : "it is not a PNG, JPEG, GIF or WebP image" };
  }
  return { url: `data:${type};base64,${Buffer.from(f.bytes).toString("base64")}` };
}

function iconOf(c: Candidate, url: string): NormalisedIcon {
  const icon: NormalisedIcon = { src: url, mimeType: url.slice(5, url.indexOf(";")) };
  if (typeof c.size === "string" && /^\d+x\d+$/.test(c.size)) icon.sizes = [c.size];
  if (c.theme === "light" || c.theme === "dark") icon.theme = c.theme;
  return icon;
}

/**
 * bundleIcon reads the first usable icon a bundle's manifest.json names (a file inside the zip)
 * and returns it as a base64 data: URL. Icons are never a reason to refuse a bundle: each one
 * that can't be used becomes a warning saying why, and the manifest is kept as it is.
 */
export async function bundleIcon(raw: unknown, zip: BundleZip): Promise<{ icon?: NormalisedIcon; warnings: string[] }> {
  const warnings: string[] = [];
  if (raw === null || typeof raw !== "object") return { warnings };
  for (const c of candidates(raw as Record<string, unknown>)) {
    if (typeof c.src !== "string") {
      warnings.push("an icon in manifest.json is not a path string, so it is not shown");
      continue;
    }
    const got = await dataUrl(c.src, zip);
    if ("url" in got) return { icon: iconOf(c, got.url), warnings };
    warnings.push(`icon ${JSON.stringify(c.src)} is not shown: ${got.problem}`);
  }
  return { warnings };
}
