// Shared setup for the outbox benchmarks (bench/sendloop.ts P3, bench/api.ts P9): a Centralino subprocess with
// the built-in simulator on a fresh DATA_DIR, an admin API token, N simulated numbers at a given rate, and fake
// customers who wrote to those numbers (so free-form replies are inside their 24-hour window). Everything goes
// through the public API and the CLI; the database is only read (WAL), except by callers that say otherwise.
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN, ROOT, spawnServer, type Served } from "./common";

/** With LOG_LEVEL=warn the JSON "listening" line is not written; `serve` also prints where it is ready on stderr. */
const READY = /(?:"msg":"listening","url":"|Centralino is ready: open )(https?:\/\/[^\s"/]+)/;

export interface Centralino {
  server: Served;
  /** http://127.0.0.1:<port> */
  url: string;
  token: string;
  dir: string;
  dbPath: string;
  /** A read-only connection to the server's database (WAL: sees every commit). */
  db: Database;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: T; text: string }>;
  stop(): Promise<void>;
}

export interface SimNumber {
  id: string;
  phone_number_id: string;
  display_phone_number: string;
}

/** Starts `bun run src/main.ts serve` on a fresh DATA_DIR with SIMULATOR=on and an admin token from the CLI. */
export async function startCentralino(opts: { env?: Record<string, string>; keep?: boolean; prof?: string[] } = {}): Promise<Centralino> {
  const dir = mkdtempSync(join(tmpdir(), "centralino-bench-outbox-"));
  const env: Record<string, string> = { DATA_DIR: dir, SIMULATOR: "on", LOG_LEVEL: "warn", HOST: "127.0.0.1", ...opts.env };
  const tok = Bun.spawnSync([BUN, "run", "src/main.ts", "token", "create", "--name", "bench", "--role", "admin"], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env } });
  if (tok.exitCode !== 0) throw new Error(`token create failed: ${tok.stderr.toString()}`);
  const token = tok.stdout.toString().trim();
  const server = await spawnServer([BUN, ...(opts.prof ?? []), "run", "src/main.ts", "serve"], { ...env, PORT: "0" }, READY);
  const url = server.url.replace("//localhost:", "//127.0.0.1:");
  server.url = url;
  const dbPath = join(dir, "centralino.db");
  const db = new Database(dbPath, { readonly: true });
  const api: Centralino["api"] = async (method, path, body, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, json, text };
  };
  return {
    server,
    url,
    token,
    dir,
    dbPath,
    db,
    api,
    async stop() {
      db.close();
      await server.stop();
      if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for the demo number (connected after listen), then creates simulated numbers until there are `n`. */
export async function simNumbers(c: Centralino, n: number): Promise<SimNumber[]> {
  const deadline = performance.now() + 15_000;
  let list: SimNumber[] = [];
  while (performance.now() < deadline) {
    const r = await c.api("GET", "/api/v1/numbers");
    list = (r.json?.data ?? []).filter((x: any) => x.status === "connected");
    if (list.length) break;
    await Bun.sleep(50);
  }
  if (!list.length) throw new Error(`the demo number never connected:\n${c.server.output().slice(-2000)}`);
  while (list.length < n) {
    const r = await c.api("POST", "/api/v1/simulator/numbers", { name: `Bench ${list.length + 1}` });
    if (r.status !== 201) throw new Error(`creating a simulated number failed: ${r.status} ${r.text}`);
    list.push(r.json.data);
  }
  return list.slice(0, n).map((x) => ({ id: String(x.id), phone_number_id: x.phone_number_id, display_phone_number: x.display_phone_number }));
}

export async function setRate(c: Centralino, numberId: string, perMin: number): Promise<void> {
  const r = await c.api("PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: perMin });
  if (r.status !== 200) throw new Error(`PATCH number ${numberId} failed: ${r.status} ${r.text}`);
}

/** Distinct Italian mobile numbers (+39 348 ...), `count` of them from `offset`; a range no demo customer uses. */
export const benchPhones = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => `+39348${String(1_000_000 + offset + i).padStart(7, "0")}`);

/** Runs `fn` over `items` with at most `limit` promises in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/**
 * Every phone writes once to its number through the simulator (a signed webhook into the app), which opens the
 * 24-hour window for free-form replies; resolves once the app stored all those inbound messages.
 */
export async function openWindows(c: Centralino, pairs: { number: SimNumber; phone: string }[], concurrency = 16): Promise<number> {
  const before = c.db.query<{ n: number }, []>("SELECT count(*) AS n FROM messages WHERE direction = 'in'").get()!.n;
  const t0 = performance.now();
  await pool(pairs, concurrency, async ({ number, phone }) => {
    const r = await c.api("POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: number.phone_number_id, type: "text", text: { body: `ciao da ${phone}` } });
    if (r.status !== 202) throw new Error(`customer ${phone} → ${number.phone_number_id} failed: ${r.status} ${r.text}`);
  });
  const deadline = performance.now() + 60_000;
  for (;;) {
    const n = c.db.query<{ n: number }, []>("SELECT count(*) AS n FROM messages WHERE direction = 'in'").get()!.n - before;
    if (n >= pairs.length) break;
    if (performance.now() > deadline) throw new Error(`only ${n} of ${pairs.length} customer messages reached the app`);
    await Bun.sleep(50);
  }
  return performance.now() - t0;
}

/** Waits until the app has stored the inbound message with exactly this text (the window is open). */
export async function waitInbound(c: Centralino, text: string, timeoutMs = 10_000): Promise<void> {
  const q = c.db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM messages WHERE direction = 'in' AND text = ?");
  const deadline = performance.now() + timeoutMs;
  while (q.get(text)!.n === 0) {
    if (performance.now() > deadline) throw new Error(`the inbound message "${text}" never reached the app`);
    await Bun.sleep(5);
  }
}

/** A Prometheus counter/gauge sample from /metrics text (first match), or 0. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = m[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
