// `npm run build`: one executable at dist/centralino embedding views and migrations (text imports) and public/
// (--asset), runnable from an empty directory (PLATFORM.md §4). Never --minify: Elysia reads handler source.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { manifestSource } from "./manifest";

const root = join(import.meta.dir, "..");

/** Builds the binary to `outfile`; throws with bun's output when the build fails. */
export async function buildBinary(outfile = join(root, "dist/centralino")): Promise<string> {
  const current = await Bun.file(join(root, "src/platform/embedded.ts")).text();
  if (current !== manifestSource()) throw new Error("src/platform/embedded.ts is stale: run `bun run src/manifest.ts` and commit it");
  mkdirSync(join(outfile, ".."), { recursive: true });
  const proc = Bun.spawn(
    [process.execPath, "build", "--compile", "--minify-whitespace", "--minify-syntax", "--bytecode", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "src/main.ts", "--asset", "./public", "--outfile", outfile],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build failed (${code}):\n${out}\n${err}`);
  return outfile;
}

if (import.meta.main) {
  const t0 = performance.now();
  const out = await buildBinary(process.argv[2] ? join(process.cwd(), process.argv[2]) : undefined);
  console.log(`built ${out} in ${Math.round(performance.now() - t0)} ms`);
}
