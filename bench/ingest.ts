// Signed webhook ingest (P1): Centralino against a Bun+SQLite floor, with ack → stored-message lag.
// PRODUCT.md P1: 1 message per POST, 50 connections, 60 s sustained, 5% duplicates, durable
// (synchronous=FULL) before the 200. Targets: ≥ 5,000 msg/s acked, p99 < 50 ms, ≥ 50% of the floor
// measured in the same run, and processing keeps up (ack → stored message p99 < 1 s).
//
// Each run measures, one after the other on the same box:
//   floor       bench/support/floor.ts: Bun.serve + HMAC over the raw bytes + JSON.parse + INSERT, answered
//               after a FULL group commit (the least any receiver must do)
//   centralino  `bun run src/main.ts serve` on a fresh DATA_DIR (PORT=0, WA_APP_SECRET, LOG_LEVEL=warn) with
//               one number connected through the API against a fake Graph server run here, so the background
//               processor turns every event into contact / conversation / message rows
//   ceiling     (--ceiling) bench/support/trivial.ts, a server that reads the body and answers: the most the
//               load generator itself can push on this box
// The load generator (bench/support/loadgen.ts) is its own process with raw keep-alive sockets and bodies and
// signatures built before the clock starts.
//
// Processing lag is measured end to end: the generator records when each unique wamid was first acked; this
// process tails the messages table read-only (WAL) every 20 ms and records when each wamid's row became
// visible. lag = visible − acked (resolution ≈ the poll interval). Two cross-checks come from the server:
// webhook_events.processed_at − received_at, and the centralino_webhook_processing_lag_seconds histogram.
//
//   bun run bench/ingest.ts [--seconds 60] [--connections 50] [--runs 1] [--warmup 3] [--ceiling]
//                           [--only floor|centralino] [--client raw|fetch] [--json FILE] [--cpu-prof DIR]
//   npm run bench -- ingest --seconds 10
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BUN, ROOT, driveGenerator, fmt, machine, pct, pressure, spawnServer, table, track, type Served } from "./support/common";
import { BENCH_TOKEN, startBenchGraph } from "./support/fake-graph";
import { BENCH_PHONE_ID, BENCH_WABA_ID, slotOf } from "./support/webhook";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    connections: { type: "string", default: "50" },
    runs: { type: "string", default: "1" },
    warmup: { type: "string", default: "3" },
    ceiling: { type: "boolean", default: false },
    only: { type: "string" },
    client: { type: "string", default: "raw" },
    "pool-rate": { type: "string", default: "22000" },
    customers: { type: "string", default: "5000" },
    json: { type: "string" },
    "cpu-prof": { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("usage: bun run bench/ingest.ts [--seconds 60] [--connections 50] [--runs 1] [--warmup 3] [--ceiling] [--only floor|centralino] [--client raw|fetch] [--json FILE]");
  process.exit(0);
}
const SECONDS = Number(args.seconds);
const CONNS = Number(args.connections);
const RUNS = Math.max(1, Number(args.runs));
const SECRET = "bench-app-secret-" + Math.random().toString(36).slice(2);
/** With --cpu-prof DIR, servers run under Bun's sampling profiler and write a markdown profile there on exit. */
const PROF = args["cpu-prof"] ? ["--cpu-prof-md", `--cpu-prof-dir=${args["cpu-prof"]}`] : [];
const LISTENING = /"msg":"listening","url":"([^"]+)"/;

interface Gen {
  client: string;
  build_ms: number;
  requests: number;
  duplicates_sent: number;
  unique_sent: number;
  unique_acked: number;
  live_built: number;
  non2xx: number;
  non2xx_codes: Record<string, number>;
  network_errors: number;
  window_requests: number;
  window_non2xx: number;
  acked_per_s: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  slots: number;
}

interface Result {
  target: "floor" | "centralino" | "ceiling";
  gen: Gen;
  rss_peak_mb: number;
  rss_end_mb: number;
  server_cpu_pct: number;
  gen_cpu_pct: number;
  /** The 1-minute load average and pressure-stall shares when the load ended: other work on the box skews figures. */
  box: { load1: number; psi: { cpu: number; io: number } | null };
  stored_events?: number;
  centralino?: {
    messages: number;
    distinct_wamids: number;
    events: Record<string, number>;
    missing_acked: number;
    lag_e2e_ms: { n: number; p50: number; p90: number; p99: number; max: number };
    lag_db_ms: { n: number; p50: number; p90: number; p99: number; max: number };
    lag_hist: { count: number; le_1s: number; le_100ms: number };
    drain_s: number;
    webhook_route_p_le_50ms: number;
    graph_calls: Record<string, number>;
  };
}

/**
 * Runs the load generator against a started server. The generator prints SENDING once its pool is built; the
 * server's and the generator's CPU time are counted from that line to the end of the run.
 */
async function load(server: Served, tag: string, poolRate: number, ackFile: string) {
  const proc = track(Bun.spawn(
    [BUN, "run", join(import.meta.dir, "support/loadgen.ts"), "--url", server.url, "--secret", SECRET, "--seconds", String(SECONDS), "--warmup", args.warmup!, "--connections", String(CONNS), "--pool-rate", String(Math.ceil(poolRate)), "--customers", args.customers!, "--tag", tag, "--seed", String(tag.length * 7919 + tag.charCodeAt(tag.length - 1)), "--client", args.client!, "--acks", ackFile],
    { cwd: ROOT, stdout: "pipe", stderr: "inherit" },
  ));
  return driveGenerator<Gen>(server, proc, "load generator");
}

async function runFloor(tag: string, poolRate: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "centralino-bench-floor-"));
  const server = await spawnServer([BUN, ...PROF, "run", join(import.meta.dir, "support/floor.ts")], { DB: join(dir, "floor.db"), SECRET, PORT: "0" }, LISTENING);
  try {
    const m = await load(server, tag, poolRate, join(dir, "acks.bin"));
    await server.stop();
    const db = new Database(join(dir, "floor.db"), { readonly: true });
    const stored = db.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events").get()!.n;
    db.close();
    return { target: "floor", gen: m.gen, rss_peak_mb: m.rss.peak, rss_end_mb: m.rss.last, server_cpu_pct: m.serverCpuPct, gen_cpu_pct: m.genCpuPct, box: m.box, stored_events: stored };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runCeiling(tag: string): Promise<Result> {
  const server = await spawnServer([BUN, "run", join(import.meta.dir, "support/trivial.ts")], { PORT: "0" }, LISTENING);
  const dir = mkdtempSync(join(tmpdir(), "centralino-bench-ceiling-"));
  try {
    const m = await load(server, tag, 60_000, join(dir, "acks.bin"));
    return { target: "ceiling", gen: m.gen, rss_peak_mb: m.rss.peak, rss_end_mb: m.rss.last, server_cpu_pct: m.serverCpuPct, gen_cpu_pct: m.genCpuPct, box: m.box };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function histogramShare(metrics: string, name: string, le: string): { count: number; share: number } {
  const count = Number(new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\S+)`, "m").exec(metrics)?.[1] ?? NaN);
  const b = Number(new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="${le}"\\} (\\S+)`, "m").exec(metrics)?.[1] ?? NaN);
  return { count, share: b / count };
}

function summary(xs: Float64Array | number[]) {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

async function runCentralino(tag: string, poolRate: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "centralino-bench-data-"));
  const graph = startBenchGraph();
  const env = { DATA_DIR: dir, WA_APP_SECRET: SECRET, WA_GRAPH_URL: graph.url, SIMULATOR: "off", LOG_LEVEL: "warn", HOST: "127.0.0.1" };
  let server: Served | null = null;
  try {
    const tok = Bun.spawnSync([BUN, "run", "src/main.ts", "token", "create", "--name", "bench", "--role", "admin"], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env } });
    if (tok.exitCode !== 0) throw new Error(`token create failed: ${tok.stderr.toString()}`);
    const token = tok.stdout.toString().trim();
    // With LOG_LEVEL=warn the JSON "listening" line is not written; `serve` also prints where it is ready on
    // stderr, which carries the port PORT=0 picked.
    server = await spawnServer([BUN, ...PROF, "run", "src/main.ts", "serve"], { ...env, PORT: "0" }, /(?:"msg":"listening","url":"|Centralino is ready: open )(https?:\/\/[^\s"/]+)/);
    const base = server.url.replace("//localhost:", "//127.0.0.1:");
    server.url = base;
    const connect = await fetch(`${base}/api/v1/numbers`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ phone_number_id: BENCH_PHONE_ID, waba_id: BENCH_WABA_ID, display_phone_number: "+1 555 078 3881", access_token: BENCH_TOKEN, name: "Bench" }),
    });
    if (connect.status !== 201) throw new Error(`connecting the number failed: ${connect.status} ${await connect.text()}`);

    // Tail the messages table read-only while the load runs: when did each wamid's row become visible?
    const db = new Database(join(dir, "centralino.db"), { readonly: true });
    db.run("PRAGMA busy_timeout = 2000");
    const tail = db.query<{ id: number; wamid: string }, [number]>("SELECT id, wamid FROM messages WHERE id > ? AND direction = 'in' ORDER BY id LIMIT 50000");
    let seen = new Float64Array(1 << 20);
    let lastId = 0;
    let seenCount = 0;
    const poll = () => {
      const now = performance.timeOrigin + performance.now();
      for (const r of tail.all(lastId)) {
        lastId = r.id;
        const s = slotOf(tag, r.wamid);
        if (s < 0) continue;
        if (s >= seen.length) {
          const bigger = new Float64Array(Math.max(s + 1, seen.length * 2));
          bigger.set(seen);
          seen = bigger;
        }
        if (!seen[s]) {
          seen[s] = now;
          seenCount++;
        }
      }
    };
    const poller = setInterval(poll, 20);
    const ackFile = join(dir, "acks.bin");
    const m = await load(server, tag, poolRate, ackFile);

    // Let processing finish: every acked wamid visible and no event pending.
    const t = performance.now();
    const acks = new Float64Array(readFileSync(ackFile).buffer.slice(0));
    const pendingQ = db.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events WHERE status = 'pending'");
    for (;;) {
      poll();
      if (seenCount >= m.gen.unique_acked && pendingQ.get()!.n === 0) break;
      if (performance.now() - t > 120_000) {
        console.error(`processing did not finish within 120 s after the load: ${seenCount}/${m.gen.unique_acked} acked wamids visible, ${pendingQ.get()!.n} events pending`);
        break;
      }
      await Bun.sleep(20);
    }
    const drainS = (performance.now() - t) / 1000;
    clearInterval(poller);
    const lags: number[] = [];
    let missing = 0;
    for (let s = 0; s < acks.length; s++) {
      if (!acks[s]) continue;
      if (s < seen.length && seen[s]) lags.push(Math.max(0, seen[s]! - acks[s]!));
      else missing++;
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const hist1 = histogramShare(metrics, "centralino_webhook_processing_lag_seconds", "1");
    const hist01 = histogramShare(metrics, "centralino_webhook_processing_lag_seconds", "0.1");
    const route = /centralino_http_request_duration_seconds_bucket\{method="POST",route="\/webhooks\/whatsapp",le="0.05"\} (\d+)/.exec(metrics);
    const routeCount = /centralino_http_request_duration_seconds_count\{method="POST",route="\/webhooks\/whatsapp"\} (\d+)/.exec(metrics);
    const dbLag = db.query<{ d: number }, []>("SELECT processed_at - received_at AS d FROM webhook_events WHERE status = 'done'").all().map((r) => r.d);
    const counts = db.query<{ n: number; d: number }, []>("SELECT count(*) AS n, count(DISTINCT wamid) AS d FROM messages WHERE direction = 'in'").get()!;
    const events: Record<string, number> = {};
    for (const r of db.query<{ status: string; n: number }, []>("SELECT status, count(*) AS n FROM webhook_events GROUP BY status").all()) events[r.status] = r.n;
    db.close();
    await server.stop();
    return {
      target: "centralino",
      gen: m.gen,
      rss_peak_mb: m.rss.peak,
      rss_end_mb: m.rss.last,
      server_cpu_pct: m.serverCpuPct,
      gen_cpu_pct: m.genCpuPct,
      box: m.box,
      stored_events: Object.values(events).reduce((x, y) => x + y, 0),
      centralino: {
        messages: counts.n,
        distinct_wamids: counts.d,
        events,
        missing_acked: missing,
        lag_e2e_ms: summary(lags),
        lag_db_ms: summary(dbLag),
        lag_hist: { count: hist1.count, le_1s: hist1.share, le_100ms: hist01.share },
        drain_s: drainS,
        webhook_route_p_le_50ms: route && routeCount ? Number(route[1]) / Number(routeCount[1]) : NaN,
        graph_calls: Object.fromEntries(graph.calls),
      },
    };
  } catch (e) {
    if (server) console.error(server.output().slice(-3000));
    throw e;
  } finally {
    await server?.stop();
    graph.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: Result[]): string {
  const cols = results.map((r) => r.target);
  const floor = results.find((r) => r.target === "floor");
  const real = results.find((r) => r.target === "centralino");
  const ms = (x: number) => fmt(x, 1);
  const rows: string[][] = [
    ["", ...cols],
    ["acked msg/s (window)", ...results.map((r) => fmt(r.gen.acked_per_s))],
    ["latency p50 ms", ...results.map((r) => ms(r.gen.p50_ms))],
    ["latency p90 ms", ...results.map((r) => ms(r.gen.p90_ms))],
    ["latency p99 ms", ...results.map((r) => ms(r.gen.p99_ms))],
    ["latency max ms", ...results.map((r) => ms(r.gen.max_ms))],
    ["requests sent (incl. warm-up)", ...results.map((r) => fmt(r.gen.requests))],
    ["  of which duplicates", ...results.map((r) => fmt(r.gen.duplicates_sent))],
    ["non-2xx (incl. network errors)", ...results.map((r) => fmt(r.gen.non2xx))],
    ["events stored", ...results.map((r) => (r.stored_events === undefined ? "" : fmt(r.stored_events)))],
    ["server RSS peak / end MB", ...results.map((r) => `${fmt(r.rss_peak_mb)} / ${fmt(r.rss_end_mb)}`)],
    ["server CPU % of one core", ...results.map((r) => fmt(r.server_cpu_pct))],
    // CPU per message is what a quieter or busier box changes least: the figure to compare across runs.
    ["server CPU µs per acked msg", ...results.map((r) => fmt((r.server_cpu_pct * 10_000) / Math.max(1, r.gen.acked_per_s)))],
    ["generator CPU % of one core", ...results.map((r) => fmt(r.gen_cpu_pct))],
    ["box: load avg / CPU, IO pressure %", ...results.map((r) => `${fmt(r.box.load1, 1)} / ${r.box.psi ? `${fmt(r.box.psi.cpu)}, ${fmt(r.box.psi.io)}` : "–"}`)],
  ];
  let out = table(rows);
  if (floor && real) out += `\n\nratio centralino / floor: ${fmt((real.gen.acked_per_s / floor.gen.acked_per_s) * 100)}% (acked msg/s)`;
  if (real?.centralino) {
    const c = real.centralino;
    const l = c.lag_e2e_ms;
    const d = c.lag_db_ms;
    out += `\nprocessing lag, ack → message row visible (sampled every 20 ms, ${fmt(l.n)} wamids): p50 ${ms(l.p50)} / p90 ${ms(l.p90)} / p99 ${ms(l.p99)} / max ${ms(l.max)} ms`;
    out += `\nprocessing lag, webhook_events.processed_at − received_at (server clock, ${fmt(d.n)} events): p50 ${fmt(d.p50)} / p90 ${fmt(d.p90)} / p99 ${fmt(d.p99)} / max ${fmt(d.max)} ms`;
    out += `\n/metrics centralino_webhook_processing_lag_seconds: ${fmt(c.lag_hist.count)} observations, ${fmt(c.lag_hist.le_100ms * 100, 2)}% ≤ 0.1 s, ${fmt(c.lag_hist.le_1s * 100, 2)}% ≤ 1 s`;
    out += `\nserver-side POST /webhooks/whatsapp ≤ 50 ms (route histogram): ${fmt(c.webhook_route_p_le_50ms * 100, 2)}%`;
    out += `\nafter the load: processing finished in ${fmt(c.drain_s, 2)} s; events ${JSON.stringify(c.events)}`;
    out += `\nmessages stored ${fmt(c.messages)} (distinct wamids ${fmt(c.distinct_wamids)}) vs unique wamids sent ${fmt(real.gen.unique_sent)}, acked ${fmt(real.gen.unique_acked)}; acked but missing: ${c.missing_acked}`;
    out += `\nfake Graph calls during the run: ${JSON.stringify(c.graph_calls)}`;
  }
  return out;
}

function verdict(results: Result[]): string[] {
  const floor = results.find((r) => r.target === "floor");
  const real = results.find((r) => r.target === "centralino");
  if (!real?.centralino) return [];
  const c = real.centralino;
  const lines = [
    [`≥ 5,000 msg/s acked`, real.gen.acked_per_s >= 5000, fmt(real.gen.acked_per_s)],
    [`p99 < 50 ms`, real.gen.p99_ms < 50, `${fmt(real.gen.p99_ms, 1)} ms`],
    [`no non-2xx`, real.gen.non2xx === 0, fmt(real.gen.non2xx)],
    [`processing lag p99 < 1 s`, c.lag_e2e_ms.p99 < 1000, `${fmt(c.lag_e2e_ms.p99)} ms`],
    [`messages = unique wamids sent (nothing lost, duplicates once)`, c.messages === real.gen.unique_sent && c.distinct_wamids === c.messages && c.missing_acked === 0, `${fmt(c.messages)} / ${fmt(real.gen.unique_sent)}`],
  ] as [string, boolean, string][];
  if (floor) lines.splice(2, 0, [`≥ 50% of the floor`, real.gen.acked_per_s >= floor.gen.acked_per_s / 2, `${fmt((real.gen.acked_per_s / floor.gen.acked_per_s) * 100)}%`]);
  return lines.map(([what, ok, value]) => `  ${ok ? "met    " : "NOT MET"}  ${what}: ${value}`);
}

async function main() {
  const m = machine();
  const load0 = loadavg()[0]!;
  console.log(`ingest benchmark (P1): ${m.date}, commit ${m.commit}, ${m.cpus} vCPU (${m.cpu}), ${m.mem_gib} GiB RAM, ${m.os}, bun ${m.bun}`);
  console.log(`${SECONDS} s measured after ${args.warmup} s warm-up, ${CONNS} connections, ${args.client} client, 5% duplicates, ${args.customers} customers; load average ${load0.toFixed(2)}\n`);
  const all: Result[][] = [];
  for (let run = 1; run <= RUNS; run++) {
    const results: Result[] = [];
    if (args.ceiling) {
      process.stderr.write(`run ${run}: ceiling (trivial server)…\n`);
      results.push(await runCeiling(`C${run}`));
    }
    let floorRate = Number(args["pool-rate"]);
    if (args.only !== "centralino") {
      process.stderr.write(`run ${run}: floor…\n`);
      const f = await runFloor(`F${run}`, floorRate);
      results.push(f);
      floorRate = Math.min(floorRate, f.gen.acked_per_s * 1.15);
    }
    if (args.only !== "floor") {
      process.stderr.write(`run ${run}: centralino…\n`);
      results.push(await runCentralino(`W${run}`, floorRate));
    }
    all.push(results);
    console.log(`run ${run}/${RUNS}\n${report(results)}`);
    const v = verdict(results);
    if (v.length) console.log(`\nP1 targets:\n${v.join("\n")}`);
    console.log("");
  }
  if (RUNS > 1) {
    const range = (target: string, f: (r: Result) => number, d = 0) => {
      const xs = all.map((rs) => rs.find((r) => r.target === target)).filter(Boolean).map((r) => f(r!));
      return xs.length ? `${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}` : "";
    };
    const targets = all[0]!.map((r) => r.target);
    console.log(`range over ${RUNS} runs`);
    console.log(
      table([
        ["", ...targets],
        ["acked msg/s", ...targets.map((t) => range(t, (r) => r.gen.acked_per_s))],
        ["p50 ms", ...targets.map((t) => range(t, (r) => r.gen.p50_ms, 1))],
        ["p99 ms", ...targets.map((t) => range(t, (r) => r.gen.p99_ms, 1))],
        ["max ms", ...targets.map((t) => range(t, (r) => r.gen.max_ms, 1))],
        ["non-2xx", ...targets.map((t) => range(t, (r) => r.gen.non2xx))],
        ["RSS peak MB", ...targets.map((t) => range(t, (r) => r.rss_peak_mb))],
      ]),
    );
    const ratios = all.map((rs) => {
      const f = rs.find((r) => r.target === "floor");
      const c = rs.find((r) => r.target === "centralino");
      return f && c ? (c.gen.acked_per_s / f.gen.acked_per_s) * 100 : NaN;
    });
    console.log(`ratio centralino / floor: ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}%`);
    console.log(`processing lag p99 (ack → visible): ${range("centralino", (r) => r.centralino!.lag_e2e_ms.p99)} ms`);
  }
  console.log(`load average after: ${loadavg()[0]!.toFixed(2)}`);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ machine: m, seconds: SECONDS, connections: CONNS, runs: all }, null, 2) + "\n");
    console.log(`wrote ${args.json}`);
  }
}

await main();
