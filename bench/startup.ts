// PRODUCT.md P8, in part: start to ready (< 1 s) and idle RSS. Each run spawns a server, measures the time
// from exec to the first 200 on /healthz and on /login, reads VmRSS after an idle pause, then sends SIGTERM
// and times the exit. Centralino runs from source (`bun run src/main.ts serve`) and, when dist/centralino
// exists (or with --build), as the single binary; each on a fresh DATA_DIR per run and on one reused
// DATA_DIR (an ordinary restart). A hello-world Bun.serve is measured the same way in the same run
// (house rule: ratios against a baseline), and the variants are interleaved so drift hits them all alike.
//
//   bun run bench/startup.ts [--runs 5] [--idle-ms 2000] [--build] [--json out.json]
//   npm run bench -- startup --runs 10
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const root = join(import.meta.dir, "..");
const bun = process.execPath;
const binary = join(root, "dist/centralino");
const TIMEOUT_MS = 15_000;

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    "idle-ms": { type: "string", default: "2000" },
    build: { type: "boolean", default: false },
    json: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("usage: bun run bench/startup.ts [--runs N] [--idle-ms MS] [--build] [--json FILE]");
  process.exit(0);
}
const RUNS = Math.max(1, Number(args.runs));
const IDLE_MS = Math.max(0, Number(args["idle-ms"]));

interface Variant {
  name: string;
  /** Which ratio line this variant is compared against. */
  baseline: string | null;
  cmd: string[];
  data: "none" | "fresh" | "reused";
  reusedDir?: string;
}

interface Sample {
  healthMs: number;
  loginMs: number;
  rssMb: number;
  /** The anonymous part of RSS; file-backed pages of the executable can be reclaimed under memory pressure. */
  anonMb: number;
  stopMs: number;
  exitCode: number | null;
}

const ADMIN = { ADMIN_EMAIL: "bench@example.com", ADMIN_PASSWORD: "correct horse battery staple" };

function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** Milliseconds from t0 until `url` answers 200, polling every 2 ms; throws after the deadline. */
async function firstOk(url: string, t0: number, alive: () => boolean): Promise<number> {
  let last = "no answer";
  while (performance.now() - t0 < TIMEOUT_MS) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.status === 200) return performance.now() - t0;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message; // not listening yet
    }
    if (!alive()) throw new Error(`the server exited before ${url} answered 200 (last: ${last})`);
    await Bun.sleep(2);
  }
  throw new Error(`${url} did not answer 200 within ${TIMEOUT_MS} ms (last: ${last})`);
}

/** VmRSS and its anonymous part (heap, stacks: what the process itself allocated) in MB. */
function rssMb(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    if (!m) throw new Error(`no ${field} for pid ${pid}`);
    return Number(m[1]) / 1024;
  };
  return { rss: kb("VmRSS"), anon: kb("RssAnon") };
}

/** One start → ready → idle → SIGTERM cycle. */
async function measure(v: Variant, idleMs: number): Promise<Sample> {
  const port = freePort();
  const dataDir = v.data === "fresh" ? mkdtempSync(join(tmpdir(), "centralino-bench-")) : v.reusedDir;
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? tmpdir(), PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", ...ADMIN };
  if (dataDir) env.DATA_DIR = dataDir;
  const t0 = performance.now();
  const proc = Bun.spawn(v.cmd, { cwd: v.cmd[0] === bun ? root : tmpdir(), env, stdout: "ignore", stderr: "pipe" });
  let exited = false;
  void proc.exited.then(() => (exited = true));
  try {
    const base = `http://127.0.0.1:${port}`;
    const healthMs = await firstOk(`${base}/healthz`, t0, () => !exited);
    const loginMs = await firstOk(`${base}/login`, t0, () => !exited);
    await Bun.sleep(idleMs);
    const mem = rssMb(proc.pid);
    const t1 = performance.now();
    proc.kill("SIGTERM");
    const exitCode = await Promise.race([proc.exited, Bun.sleep(25_000).then(() => null)]);
    return { healthMs, loginMs, rssMb: mem.rss, anonMb: mem.anon, stopMs: performance.now() - t1, exitCode };
  } catch (e) {
    proc.kill("SIGKILL");
    await proc.exited;
    const err = await new Response(proc.stderr).text();
    throw new Error(`${v.name}: ${(e as Error).message}\n${err.slice(-2000)}`);
  } finally {
    if (v.data === "fresh" && dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function compileBaseline(dir: string): Promise<string> {
  const out = join(dir, "hello-server");
  const p = Bun.spawn([bun, "build", "--compile", "--minify-whitespace", "--minify-syntax", "--bytecode", join(import.meta.dir, "baseline/hello-server.ts"), "--outfile", out], { cwd: root, stdout: "ignore", stderr: "pipe" });
  if ((await p.exited) !== 0) throw new Error(`compiling the baseline failed: ${await new Response(p.stderr).text()}`);
  return out;
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s.at(-1)! };
}

function machine() {
  const os = /PRETTY_NAME="([^"]+)"/.exec(existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "")?.[1] ?? process.platform;
  const git = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: root, stderr: "ignore" });
  const commit = git.exitCode === 0 ? git.stdout.toString().trim() : "unknown";
  const dirty = commit !== "unknown" && Bun.spawnSync(["git", "status", "--porcelain", "--", "src", "views", "migrations", "public"], { cwd: root, stderr: "ignore" }).stdout.toString().trim() !== "";
  return { date: new Date().toISOString(), commit: dirty ? `${commit} + uncommitted changes` : commit, cpus: cpus().length, cpu: cpus()[0]?.model ?? "?", mem_gib: Math.round(totalmem() / 2 ** 30), os, bun: Bun.version };
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), "centralino-bench-startup-"));
  const loadBefore = loadavg()[0]!;
  const startedAt = new Date().toISOString();
  try {
    if (args.build) {
      const { buildBinary } = await import("../src/build");
      const t = performance.now();
      await buildBinary();
      console.log(`built dist/centralino in ${Math.round(performance.now() - t)} ms`);
    }
    const hasBinary = existsSync(binary);
    const variants: Variant[] = [
      { name: "baseline: Bun.serve hello (bun run)", baseline: null, cmd: [bun, "run", join(import.meta.dir, "baseline/hello-server.ts")], data: "none" },
      { name: "source, fresh DATA_DIR", baseline: "baseline: Bun.serve hello (bun run)", cmd: [bun, "run", "src/main.ts", "serve"], data: "fresh" },
      { name: "source, reused DATA_DIR", baseline: "baseline: Bun.serve hello (bun run)", cmd: [bun, "run", "src/main.ts", "serve"], data: "reused" },
    ];
    if (hasBinary) {
      const hello = await compileBaseline(tmp);
      variants.push(
        { name: "baseline: Bun.serve hello (compiled)", baseline: null, cmd: [hello], data: "none" },
        { name: "binary, fresh DATA_DIR", baseline: "baseline: Bun.serve hello (compiled)", cmd: [binary, "serve"], data: "fresh" },
        { name: "binary, reused DATA_DIR", baseline: "baseline: Bun.serve hello (compiled)", cmd: [binary, "serve"], data: "reused" },
      );
    } else {
      console.log("dist/centralino not found: measuring from source only (pass --build to build it first)");
    }

    // One unmeasured round warms the page cache and bun's transpiler cache, and gives each reused DATA_DIR
    // its database and first owner, so the measured runs on it are ordinary restarts.
    for (const v of variants) {
      if (v.data === "reused") v.reusedDir = mkdtempSync(join(tmp, "data-"));
      if (v.data !== "fresh") await measure(v, 0);
    }

    const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
    let failures = 0;
    for (let i = 0; i < RUNS; i++) {
      for (const v of variants) {
        try {
          const s = await measure(v, IDLE_MS);
          if (s.exitCode !== 0) {
            failures++;
            console.error(`${v.name}: exit code ${s.exitCode} after SIGTERM`);
          }
          samples.get(v.name)!.push(s);
        } catch (e) {
          failures++;
          console.error((e as Error).message);
        }
      }
      process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }

    const m = { ...machine(), date: startedAt };
    console.log(`\nstartup benchmark: ${m.date}, commit ${m.commit}, ${m.cpus} vCPU (${m.cpu}), ${m.mem_gib} GiB RAM, ${m.os}, bun ${m.bun}`);
    const load = { before: loadBefore, after: loadavg()[0]! };
    console.log(`${RUNS} runs per variant, interleaved; RSS read from /proc/<pid>/status after ${IDLE_MS} ms idle`);
    console.log(`1-minute load average ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after (other work on the box skews absolute times; read the ratios)\n`);
    const fmt = (x: { min: number; median: number; max: number }, d = 0) => `${x.min.toFixed(d)} / ${x.median.toFixed(d)} / ${x.max.toFixed(d)}`;
    const rows = variants.map((v) => {
      const ss = samples.get(v.name)!;
      if (!ss.length) return { v, cells: [v.name, "0", "failed", "", "", "", ""], s: null };
      const s = { health: stats(ss.map((x) => x.healthMs)), login: stats(ss.map((x) => x.loginMs)), rss: stats(ss.map((x) => x.rssMb)), anon: stats(ss.map((x) => x.anonMb)), stop: stats(ss.map((x) => x.stopMs)) };
      return { v, s, cells: [v.name, String(ss.length), fmt(s.health), fmt(s.login), fmt(s.rss, 1), fmt(s.anon, 1), s.stop.median.toFixed(0)] };
    });
    const header = ["variant", "runs", "exec→/healthz 200 ms (min/med/max)", "exec→/login 200 ms", "idle RSS MB", "of which anon MB", "SIGTERM→exit ms (med)"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ");
    console.log(line(header));
    console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
    for (const r of rows) console.log(line(r.cells));

    console.log("\nratios to the baseline of the same kind (medians):");
    for (const r of rows) {
      const b = rows.find((x) => x.v.name === r.v.baseline);
      if (!r.s || !b?.s) continue;
      console.log(`  ${r.v.name}: /healthz ${(r.s.health.median / b.s.health.median).toFixed(1)}x, /login ${(r.s.login.median / b.s.login.median).toFixed(1)}x, RSS ${(r.s.rss.median / b.s.rss.median).toFixed(1)}x (anon ${(r.s.anon.median / b.s.anon.median).toFixed(1)}x)`);
    }
    const worst = Math.max(...rows.filter((r) => r.v.baseline && r.s).map((r) => r.s!.login.max));
    console.log(`\nP8 start to ready < 1 s: slowest Centralino start to /login 200 was ${worst.toFixed(0)} ms → ${worst < 1000 ? "met" : "NOT met"}`);

    if (args.json) {
      const out = { machine: m, load, runs: RUNS, idle_ms: IDLE_MS, variants: rows.map((r) => ({ name: r.v.name, samples: samples.get(r.v.name), stats: r.s })) };
      writeFileSync(args.json, JSON.stringify(out, null, 2) + "\n");
      console.log(`wrote ${args.json}`);
    }
    if (failures) {
      console.error(`${failures} run(s) failed`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
