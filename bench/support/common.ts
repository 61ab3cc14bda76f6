// Helpers shared by benchmarks: server subprocesses, /proc readings, percentiles, the machine description.
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = join(import.meta.dir, "../..");
export const BUN = process.execPath;

/** Every subprocess a bench started; killed if the bench itself is interrupted, so no server is left behind. */
const children = new Set<Subprocess>();
export function track<T extends Subprocess>(p: T): T {
  children.add(p);
  void p.exited.then(() => children.delete(p));
  return p;
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    for (const p of children) p.kill("SIGKILL");
    process.exit(130);
  });
}

/** Linux pressure-stall figures (share of time some task waited for CPU / IO over the last 60 s), or null. */
export function pressure(): { cpu: number; io: number } | null {
  try {
    const read = (f: string) => Number(/some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync(`/proc/pressure/${f}`, "utf8"))?.[1] ?? NaN);
    return { cpu: read("cpu"), io: read("io") };
  } catch {
    return null;
  }
}

export interface Served {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  /** The last ~64 KB the process wrote (stdout and stderr), for error messages. */
  output(): string;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/**
 * Spawns a server and resolves with its URL once a line of its output matches `urlPattern` (group 1 = URL).
 * Both pipes are drained for the life of the process so a chatty server never blocks on a full pipe.
 */
export async function spawnServer(cmd: string[], env: Record<string, string>, urlPattern: RegExp, timeoutMs = 20_000): Promise<Served> {
  const proc = track(Bun.spawn(cmd, { cwd: ROOT, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
  let out = "";
  let found: ((url: string) => void) | null = null;
  const urlPromise = new Promise<string>((r) => (found = r));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      out = (out + dec.decode(chunk)).slice(-65536);
      const m = urlPattern.exec(out);
      if (m && found) {
        found(m[1]!);
        found = null;
      }
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const url = await Promise.race([
    urlPromise,
    proc.exited.then((code) => Promise.reject(new Error(`${cmd.join(" ")} exited (${code}) before listening:\n${out.slice(-3000)}`))),
    Bun.sleep(timeoutMs).then(() => Promise.reject(new Error(`${cmd.join(" ")} did not listen within ${timeoutMs} ms:\n${out.slice(-3000)}`))),
  ]);
  return {
    proc,
    url,
    output: () => out,
    stop: (signal: NodeJS.Signals = "SIGTERM", ms = 30_000) => stopProcess(proc, signal, ms),
  };
}

/** Resident set size of a process in MB (VmRSS), or NaN once it is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `ms` until stopped; reports the peak and the last reading. */
export function rssSampler(pid: number, ms = 500) {
  let peak = rssMb(pid);
  let last = peak;
  const timer = setInterval(() => {
    const v = rssMb(pid);
    if (Number.isFinite(v)) {
      last = v;
      if (v > peak) peak = v;
    }
  }, ms);
  return {
    stop() {
      clearInterval(timer);
      const v = rssMb(pid);
      if (Number.isFinite(v)) last = v;
      return { peak: Math.max(peak, last), last };
    },
  };
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function pct(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function machine() {
  const os = /PRETTY_NAME="([^"]+)"/.exec(existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "")?.[1] ?? process.platform;
  const git = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: ROOT, stderr: "ignore" });
  const commit = git.exitCode === 0 ? git.stdout.toString().trim() : "unknown";
  const dirty = commit !== "unknown" && Bun.spawnSync(["git", "status", "--porcelain", "--", "src", "migrations"], { cwd: ROOT, stderr: "ignore" }).stdout.toString().trim() !== "";
  return { date: new Date().toISOString(), commit: dirty ? `${commit} + uncommitted changes` : commit, cpus: cpus().length, cpu: cpus()[0]?.model ?? "?", mem_gib: Math.round(totalmem() / 2 ** 30), os, bun: Bun.version };
}

export const fmt = (n: number | undefined, d = 0) => (n !== undefined && Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) : "–");

/**
 * Runs a load generator (a spawned process that prints SENDING once its pool is built and one JSON line at the
 * end) against a started server, counting the server's and the generator's CPU time and sampling the server's
 * RSS from that line to the end of the run.
 */
export async function driveGenerator<G>(server: Served, proc: Bun.Subprocess<"ignore", "pipe", "inherit">, name: string) {
  let out = "";
  let start: { t: number; server: number; gen: number } | null = null;
  let rss: ReturnType<typeof rssSampler> | null = null;
  let genCpu = 0;
  const genTimer = setInterval(() => {
    const c = cpuSeconds(proc.pid);
    if (Number.isFinite(c)) genCpu = c;
  }, 100);
  const dec = new TextDecoder();
  for await (const chunk of proc.stdout) {
    out += dec.decode(chunk);
    if (!start && out.includes("SENDING\n")) {
      start = { t: performance.now(), server: cpuSeconds(server.proc.pid), gen: cpuSeconds(proc.pid) };
      rss = rssSampler(server.proc.pid);
    }
  }
  const end = { t: performance.now(), server: cpuSeconds(server.proc.pid) };
  clearInterval(genTimer);
  if ((await proc.exited) !== 0 || !start || !rss) throw new Error(`${name}: load generator failed:\n${out}`);
  const gen = JSON.parse(out.trim().split("\n").at(-1)!) as G;
  const wall = (end.t - start.t) / 1000;
  return { gen, rss: rss.stop(), serverCpuPct: ((end.server - start.server) / wall) * 100, genCpuPct: ((genCpu - start.gen) / wall) * 100, box: { load1: loadavg()[0]!, psi: pressure() } };
}

/** Signals a spawned process and waits up to `ms` for it to exit, then kills it; returns its exit code (null if killed). */
export async function stopProcess(proc: Subprocess, signal: NodeJS.Signals = "SIGTERM", ms = 30_000): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  proc.kill(signal);
  const code = await Promise.race([proc.exited, Bun.sleep(ms).then(() => null)]);
  if (code === null) {
    proc.kill("SIGKILL");
    await proc.exited;
  }
  return code;
}

/** A plain-text table: the first column left-aligned, the others right-aligned, a rule under the header row. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r, ri) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ") + (ri === 0 ? "\n" + widths.map((w) => "-".repeat(w)).join("  ") : "")).join("\n");
}
