// The house rules that keep the codebase honest (STYLE.md): embedded-file manifest up to date, raw template
// output only for includes and layout bodies, vendored htmx identical to the pinned package, SQL only in
// stores, every UI text key translated, no CDN.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { manifestSource } from "../src/manifest";
import { LOCALES } from "../src/platform/i18n";

const { en, it } = LOCALES;

const ROOT = join(import.meta.dir, "..");
function walk(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []));
}
const read = (f: string) => readFileSync(f, "utf8");

describe("house rules", () => {
  test("src/platform/embedded.ts lists every view, migration and message file (run `bun run src/manifest.ts`)", () => {
    expect(read(join(ROOT, "src/platform/embedded.ts"))).toBe(manifestSource());
  });

  test("raw template output (<%~) is used only for include(...) and the layout body", () => {
    for (const f of walk(join(ROOT, "views"), ".eta")) {
      for (const m of read(f).matchAll(/<%~\s*([^%]*?)\s*%>/g)) {
        expect(`${relative(ROOT, f)}: ${/^(include\(|it\.body$)/.test(m[1]!)}`).toBe(`${relative(ROOT, f)}: true`);
      }
    }
  });

  test("vendored htmx files are exactly the pinned htmx.org package's", () => {
    const pkg = JSON.parse(read(join(ROOT, "package.json")));
    expect(pkg.devDependencies["htmx.org"]).toBe("4.0.1");
    expect(read(join(ROOT, "public/vendor/htmx.min.js"))).toBe(read(join(ROOT, "node_modules/htmx.org/dist/htmx.min.js")));
    expect(read(join(ROOT, "public/vendor/hx-sse.min.js"))).toBe(read(join(ROOT, "node_modules/htmx.org/dist/ext/hx-sse.min.js")));
  });

  test("SQL lives only in store files (and the database platform)", () => {
    const allowed = /(\/store\.ts|\.test\.ts|platform\/db\.ts|platform\/migrate\.ts|platform\/embedded\.ts)$/;
    const sql = /\b(SELECT\s+[\w*]|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA\s+\w)/;
    for (const f of walk(join(ROOT, "src"), ".ts")) {
      if (allowed.test(f)) continue;
      expect(`${relative(ROOT, f)}: ${sql.test(read(f))}`).toBe(`${relative(ROOT, f)}: false`);
    }
  });

  test("every text key used in views and code exists in English and Italian", () => {
    const files = [...walk(join(ROOT, "views"), ".eta"), ...walk(join(ROOT, "src"), ".ts")];
    const used = new Set<string>();
    for (const f of files) for (const m of read(f).matchAll(/\bt\(\s*["']([a-z_]+\.[\w.:]+)["']/g)) used.add(m[1]!);
    // A key ending in "_" is a prefix completed at run time (profile.theme_ + "dark"): some key must start with it.
    const known = (k: string, table: object) => (k.endsWith("_") ? Object.keys(table).some((x) => x.startsWith(k)) : k in table);
    const missing = [...used].filter((k) => !known(k, en) || !known(k, it));
    expect(missing).toEqual([]);
  });

  test("no page loads anything from another host", () => {
    for (const f of [...walk(join(ROOT, "views"), ".eta"), join(ROOT, "public/app.css"), join(ROOT, "public/app.js")]) {
      expect(`${relative(ROOT, f)}: ${/(src|href)=["']https?:\/\//.test(read(f)) || /url\(["']?https?:/.test(read(f))}`).toBe(`${relative(ROOT, f)}: false`);
    }
  });
});
