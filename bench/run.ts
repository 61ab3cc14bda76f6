// `npm run bench` lists the benchmarks; `npm run bench -- <name> [options]` runs bench/<name>.ts with the
// options. Benchmarks never run in CI: they load the machine and take minutes. Results go in
// docs/PERFORMANCE.md. Every bench/*.ts file is a benchmark; the table adds the target it measures.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Target ids per benchmark, for the listing (a file missing here is still listed and runnable). */
const TARGETS: Record<string, string> = {
  startup: "P8 (part)",
  ingest: "P1",
  routing: "P2",
  sendloop: "P3",
  inbox: "P4 P5 P8",
  api: "P9",
  "login-storm": "P10",
};

/** Benchmark name → its first comment line. */
function benchmarks(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(import.meta.dir).filter((f) => f.endsWith(".ts") && f !== "run.ts").sort()) {
    const first = readFileSync(join(import.meta.dir, f), "utf8").split("\n").find((l) => l.startsWith("//")) ?? "";
    const text = first.replace(/^\/\/\s*/, "");
    const sentence = /^(.{30,110}?[.;])(\s|$)/.exec(text)?.[1];
    out.set(f.slice(0, -3), sentence ?? (text.length > 100 ? `${text.slice(0, 99)}…` : text));
  }
  return out;
}

function list(all: Map<string, string>): void {
  console.log("usage: npm run bench -- <name> [options]   (e.g. npm run bench -- startup --runs 10)\n\nbenchmarks:");
  for (const [name, what] of all) console.log(`  ${name.padEnd(12)} ${(TARGETS[name] ?? "").padEnd(10)} ${what}`);
  console.log("\nresults and the machine they ran on: docs/PERFORMANCE.md");
}

const all = benchmarks();
const [name, ...rest] = process.argv.slice(2);
if (!name || name === "list" || name === "--help" || name === "-h") {
  list(all);
} else if (!all.has(name)) {
  console.error(`unknown benchmark ${name}\n`);
  list(all);
  process.exit(2);
} else {
  const proc = Bun.spawn([process.execPath, "run", join(import.meta.dir, `${name}.ts`), ...rest], { stdio: ["inherit", "inherit", "inherit"] });
  process.exit(await proc.exited);
}
