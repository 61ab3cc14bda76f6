// Static files under /public: read from public/ on disk when running from source, and from the executable's
// embedded files (`bun build --compile --asset ./public`) in the single binary, never through import.meta.dir,
// which points at the build machine under --bytecode (PLATFORM.md §4). Versioned URLs make them cacheable.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, relative } from "node:path";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".mp3": "audio/mpeg",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

export interface Asset {
  bytes: Uint8Array;
  type: string;
  etag: string;
}

/** The public files, by path relative to public/ (e.g. `vendor/htmx.min.js`). */
export class Assets {
  constructor(private files: Map<string, Asset>) {}

  get(path: string): Asset | undefined {
    return this.files.get(path);
  }

  /** A cache-busting URL for a public file; throws for a missing file so a typo fails at first render. */
  url(path: string): string {
    const a = this.files.get(path);
    if (!a) throw new Error(`missing public asset ${path}`);
    return `/public/${path}?v=${a.etag.slice(1, 11)}`;
  }

  get size(): number {
    return this.files.size;
  }
}

function asset(path: string, bytes: Uint8Array): Asset {
  return {
    bytes,
    type: TYPES[extname(path)] ?? "application/octet-stream",
    etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 20)}"`,
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Loads every public file into memory (they are small: scripts, styles, icons). */
export async function loadAssets(): Promise<Assets> {
  const files = new Map<string, Asset>();
  const embedded = Bun.embeddedFiles as (Blob & { name: string })[];
  if (embedded.length > 0) {
    for (const f of embedded) {
      const name = f.name.replace(/^\.?\/?(public\/)?/, "");
      files.set(name, asset(name, new Uint8Array(await f.arrayBuffer())));
    }
    return new Assets(files);
  }
  const dir = join(import.meta.dir, "../../public");
  if (existsSync(dir)) for (const file of walk(dir)) files.set(relative(dir, file), asset(file, readFileSync(file)));
  return new Assets(files);
}
