// A Centralino server subprocess for the archive benches (bench/inbox.ts, bench/routing.ts), with what those need
// beyond bench/support/common.ts's spawnServer: the time from exec to the first 200 on /healthz and /login, and
// every JSON request log line kept by request id, so a bench can read the server's own `ms` for each request it
// made (LOG_LEVEL=info writes one line per request; webhooks are logged at debug and do not flood it).
import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { BUN, ROOT, stopProcess, track } from "./common";

export interface ArchiveServer {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  /** Milliseconds from exec to the first 200 on /healthz, then on /login. */
  ready: { healthz_ms: number; login_ms: number };
  /** The server's `ms` for a request id seen in its log, or undefined (not logged yet). */
  serverMs(rid: string): number | undefined;
  /** Waits (briefly) for the log lines of these request ids. */
  waitLogged(rids: string[], timeoutMs?: number): Promise<void>;
  /** Log lines that were not request lines (warnings, errors), the last 200. */
  notes(): string[];
  output(): string;
  rss(): { rss: number; anon: number };
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** VmRSS and RssAnon of a process, in MB. */
export function memOf(pid: number): { rss: number; anon: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (f: string) => Number(new RegExp(`${f}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN) / 1024;
    return { rss: kb("VmRSS"), anon: kb("RssAnon") };
  } catch {
    return { rss: NaN, anon: NaN };
  }
}

/**
 * Spawns `bun run src/main.ts serve` with `env` (PORT is chosen here), measures start to ready like
 * bench/startup.ts (polling every 2 ms), and keeps the `ms` of request log lines whose id starts with `ridPrefix`.
 */
export async function startArchiveServer(env: Record<string, string>, opts: { ridPrefix?: string; timeoutMs?: number; prof?: string[] } = {}): Promise<ArchiveServer> {
  const port = (() => {
    const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const p = s.port!;
    s.stop(true);
    return p;
  })();
  const ridPrefix = opts.ridPrefix ?? "bench-";
  const t0 = performance.now();
  const proc = track(
    Bun.spawn([BUN, ...(opts.prof ?? []), "run", "src/main.ts", "serve"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", HOST: "127.0.0.1", ...env, PORT: String(port) },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    }),
  );
  const times = new Map<string, number>();
  const notes: string[] = [];
  let out = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      const text = dec.decode(chunk, { stream: true });
      out = (out + text).slice(-65536);
      buf += text;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes('"msg":"request"')) {
          const rid = /"rid":"([^"]+)"/.exec(line)?.[1];
          if (rid?.startsWith(ridPrefix)) times.set(rid, Number(/"ms":([\d.]+)/.exec(line)?.[1]));
        } else if (line.trim()) {
          notes.push(line.slice(0, 2000));
          if (notes.length > 200) notes.shift();
        }
      }
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const base = `http://127.0.0.1:${port}`;
  const deadline = t0 + (opts.timeoutMs ?? 60_000);
  const firstOk = async (path: string) => {
    let last = "no answer";
    while (performance.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the server exited (${proc.exitCode ?? proc.signalCode}) before ${path} answered:\n${out.slice(-3000)}`);
      try {
        const res = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - t0;
        last = String(res.status);
      } catch (e) {
        last = (e as Error).message;
      }
      await Bun.sleep(2);
    }
    proc.kill("SIGKILL");
    throw new Error(`${path} did not answer 200 in time (last: ${last}):\n${out.slice(-3000)}`);
  };
  const healthz = await firstOk("/healthz");
  const login = await firstOk("/login");
  return {
    proc,
    url: base,
    ready: { healthz_ms: healthz, login_ms: login },
    serverMs: (rid) => times.get(rid),
    async waitLogged(rids, timeoutMs = 2000) {
      const end = performance.now() + timeoutMs;
      while (rids.some((r) => !times.has(r)) && performance.now() < end) await Bun.sleep(5);
    },
    notes: () => [...notes],
    output: () => out,
    rss: () => memOf(proc.pid),
    stop: (signal: NodeJS.Signals = "SIGTERM", ms = 60_000) => stopProcess(proc, signal, ms),
  };
}

/** The server's own request log line's `ms` for one request made with an `x-request-id`, plus the client's wall time. */
export async function timedGet(s: ArchiveServer, path: string, rid: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; client_ms: number }> {
  const t = performance.now();
  const res = await fetch(s.url + path, { headers: { "x-request-id": rid, ...headers }, redirect: "manual" });
  const body = await res.arrayBuffer();
  return { status: res.status, bytes: body.byteLength, client_ms: performance.now() - t };
}
