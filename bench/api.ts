// PRODUCT.md P9: API enqueue of a message (POST /api/v1/messages → 202) at 1,000 req/s; target p99 < 20 ms.
//
// The load is open loop (bench/support/outbox-openloop.ts, its own Bun process): request i is scheduled at
// t0 + i ms whatever happened before, and its latency runs from that scheduled time, so a server that falls
// behind shows its queueing instead of slowing the generator down (no coordinated omission). Each run measures,
// one after the other:
//   floor       bench/support/outbox-floor.ts: Bun.serve + Bearer check + JSON parse + one transaction (message
//               and outbox row) committed with synchronous=FULL before the 202, the least an enqueue must do
//   floor, group commit   the same, with every request of one event-loop turn in one transaction (one fsync),
//               each answered after that commit (skip with --no-group-floor)
//   centralino  `bun run src/main.ts serve`, fresh DATA_DIR, SIMULATOR=on, LOG_LEVEL=warn, an admin token from
//               the CLI; `--numbers` simulated numbers at `--send-rate`/min each, `--recipients` fake customers per
//               number who wrote first (their 24-hour window is open, so free-form text passes the check step).
//               The send loops drain what the API queues while it is measured, status webhooks on: the realistic
//               case, where enqueue competes for the one JS thread and the disk with sending.
//     messages      POST /api/v1/messages at `--rate` for `--seconds`
//     idempotent    the same with a unique Idempotency-Key per request, for `--idem-seconds`
//     healthz       GET /healthz at `--rate` for `--healthz-seconds` (the route layer's floor, send loop running)
// Figures: achieved rate, latency p50/p90/p99/p99.9/max from the scheduled time, non-202 count, server CPU and
// RSS, sends the simulator accepted meanwhile; and Centralino's ratio to the floor.
//
//   bun run bench/api.ts [--rate 1000] [--seconds 30] [--idem-seconds 10] [--healthz-seconds 10] [--numbers 10]
//                        [--send-rate 1200] [--recipients 120] [--warmup 2] [--only floor|centralino]
//                        [--no-group-floor] [--json FILE] [--cpu-prof DIR]
//   npm run bench -- api --seconds 10
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BUN, ROOT, driveGenerator, fmt, machine, pressure, spawnServer, track, type Served } from "./support/common";
import { benchPhones, openWindows, setRate, simNumbers, startCentralino, type Centralino } from "./support/outbox-setup";

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "30" },
    "idem-seconds": { type: "string", default: "10" },
    "healthz-seconds": { type: "string", default: "10" },
    numbers: { type: "string", default: "10" },
    "send-rate": { type: "string", default: "1200" },
    recipients: { type: "string", default: "120" },
    warmup: { type: "string", default: "2" },
    only: { type: "string" },
    "no-group-floor": { type: "boolean", default: false },
    json: { type: "string" },
    "cpu-prof": { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("usage: bun run bench/api.ts [--rate 1000] [--seconds 30] [--idem-seconds 10] [--healthz-seconds 10] [--numbers 10] [--send-rate 1200] [--recipients 120] [--warmup 2] [--only floor|centralino] [--no-group-floor] [--json FILE] [--cpu-prof DIR]");
  process.exit(0);
}
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const N = Number(args.numbers);
const R = Number(args.recipients);
const SEND_RATE = Number(args["send-rate"]);
const log = (s: string) => process.stderr.write(`[api ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

interface Gen {
  target: string;
  scheduled: number;
  achieved_per_s: number;
  unexpected_status: number;
  unexpected_codes: Record<string, number>;
  network_errors: number;
  unfinished: number;
  latency_ms: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  service_ms: { p50: number; p99: number; max: number };
  dispatch_lag_ms: { p50: number; p99: number; max: number; timer_max: number };
  peak_connections: number;
  peak_waiting: number;
}

interface Measured {
  name: string;
  gen: Gen;
  server_cpu_pct: number;
  gen_cpu_pct: number;
  rss_peak_mb: number;
  load1: number;
  psi: { cpu: number; io: number } | null;
  sends_per_s?: number;
}

/** Runs the open-loop generator against `url` and samples the server's CPU and RSS while it sends. */
async function drive(name: string, server: Served, genArgs: string[], seconds: number): Promise<Measured> {
  const proc = track(Bun.spawn([BUN, "run", join(import.meta.dir, "support/outbox-openloop.ts"), "--url", server.url, "--rate", String(RATE), "--seconds", String(seconds), "--warmup", args.warmup!, ...genArgs], { cwd: ROOT, stdout: "pipe", stderr: "inherit" }));
  const m = await driveGenerator<Gen>(server, proc, name);
  return { name, gen: m.gen, server_cpu_pct: m.serverCpuPct, gen_cpu_pct: m.genCpuPct, rss_peak_mb: m.rss.peak, load1: m.box.load1, psi: m.box.psi };
}

async function runFloor(group: boolean): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), "centralino-bench-api-floor-"));
  const token = "floor-token-" + Math.random().toString(36).slice(2);
  const server = await spawnServer([BUN, "run", join(import.meta.dir, "support/outbox-floor.ts")], { DB: join(dir, "floor.db"), TOKEN: token, PORT: "0", GROUP: group ? "1" : "0" }, /"msg":"listening","url":"([^"]+)"/);
  try {
    log(`floor${group ? " (group commit)" : ""}: POST /api/v1/messages at ${RATE}/s for ${SECONDS} s`);
    return await drive(group ? "floor, group commit (1 tx per event-loop turn)" : "floor (Bun + SQLite FULL, 1 tx per request)", server, ["--token", token, "--numbers", Array.from({ length: N }, (_, i) => String(i + 1)).join(","), "--recipients", String(R), "--tag", "P9floor"], SECONDS);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Accepted sends at the simulator per second between two wall-clock times (ms). */
function sendsPerS(c: Centralino, from: number, to: number): number {
  const n = c.db.query<{ n: number }, [number, number]>("SELECT count(*) AS n FROM sim_messages WHERE direction = 'out' AND created_at >= ? AND created_at < ?").get(from, to)!.n;
  return n / ((to - from) / 1000);
}

async function runCentralino(): Promise<Measured[]> {
  const prof = args["cpu-prof"] ? ["--cpu-prof-md", `--cpu-prof-dir=${args["cpu-prof"]}`] : [];
  const c = await startCentralino({ prof });
  const out: Measured[] = [];
  try {
    const numbers = await simNumbers(c, N);
    for (const n of numbers) await setRate(c, n.id, SEND_RATE);
    const phones = benchPhones(R);
    const ms = await openWindows(c, numbers.flatMap((number) => phones.map((phone) => ({ number, phone }))));
    log(`centralino: ${N} numbers at ${SEND_RATE}/min, ${N * R} customers wrote first (${(ms / 1000).toFixed(1)} s)`);
    const common = ["--token", c.token, "--numbers", numbers.map((n) => n.id).join(",")];
    const runs: [string, string[], number][] = [
      ["messages", [...common, "--recipients", String(R), "--tag", "P9"], SECONDS],
      ["messages + Idempotency-Key", [...common, "--recipients", String(R), "--tag", "P9idem", "--idem"], Number(args["idem-seconds"])],
      ["GET /healthz", ["--path", "/healthz", "--method", "GET"], Number(args["healthz-seconds"])],
    ];
    for (const [name, genArgs, seconds] of runs) {
      if (seconds <= 0) continue;
      log(`centralino ${name}: ${RATE}/s for ${seconds} s`);
      const t0 = Date.now();
      const m = await drive(name, c.server, genArgs, seconds);
      m.sends_per_s = sendsPerS(c, t0, Date.now());
      out.push(m);
      await Bun.sleep(1000);
    }
    return out;
  } finally {
    await c.stop();
  }
}

function report(r: any) {
  const m = r.machine;
  console.log(`\nP9 API enqueue — ${r.started}, commit ${m.commit}, ${m.cpus} × ${m.cpu}, ${m.mem_gib} GiB, ${m.os}, Bun ${m.bun}`);
  console.log(`open loop at ${RATE} req/s (one request every ${fmt(1000 / RATE, 2)} ms, latency from the scheduled time), ${args.warmup} s warm-up not counted; load average (1 min) ${r.box.load1_before.toFixed(2)} before, ${r.box.load1_after.toFixed(2)} after`);
  console.log(`Centralino: ${N} simulated numbers sending at ${SEND_RATE}/min each with status webhooks on, ${N * R} recipients with open windows\n`);
  console.log("| run | seconds | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | non-202 | peak conns | server CPU % | gen CPU % | sends/s meanwhile | RSS peak MB |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const x of r.runs as Measured[]) {
    const g = x.gen;
    // Status 0 is a network error (connection closed or refused) on a request of the window.
    const bad = g.unexpected_status + g.unfinished;
    const why = [g.unexpected_status ? `status ${JSON.stringify(g.unexpected_codes)}` : "", g.unfinished ? `${g.unfinished} unanswered 20 s after the end` : ""].filter(Boolean).join(", ");
    console.log(`| ${x.name} | ${fmt(g.scheduled / RATE)} | ${fmt(g.achieved_per_s)} | ${fmt(g.latency_ms.p50, 2)} | ${fmt(g.latency_ms.p90, 2)} | ${fmt(g.latency_ms.p99, 2)} | ${fmt(g.latency_ms.p999, 1)} | ${fmt(g.latency_ms.max, 1)} | ${bad}${why ? ` (${why})` : ""} | ${g.peak_connections} | ${fmt(x.server_cpu_pct)} | ${fmt(x.gen_cpu_pct)} | ${x.sends_per_s !== undefined ? fmt(x.sends_per_s, 1) : "–"} | ${fmt(x.rss_peak_mb, 1)} |`);
  }
  const floor = (r.runs as Measured[]).find((x) => x.name.startsWith("floor ("));
  const main = (r.runs as Measured[]).find((x) => x.name === "messages");
  if (floor && main) {
    console.log(`\nCentralino / floor: p50 ${fmt(main.gen.latency_ms.p50 / floor.gen.latency_ms.p50, 1)}×, p99 ${fmt(main.gen.latency_ms.p99 / floor.gen.latency_ms.p99, 1)}×, server CPU ${fmt(main.server_cpu_pct / floor.server_cpu_pct, 1)}×`);
  }
  if (main) console.log(`→ p99 < 20 ms at ${RATE} req/s: ${main.gen.latency_ms.p99 < 20 && main.gen.unexpected_status + main.gen.unfinished === 0 ? "yes" : "NO"} (p99 ${fmt(main.gen.latency_ms.p99, 2)} ms, achieved ${fmt(main.gen.achieved_per_s)} req/s)`);
  console.log(`generator health: dispatch lag p99 / max per run: ${(r.runs as Measured[]).map((x) => `${fmt(x.gen.dispatch_lag_ms.p99, 2)} / ${fmt(x.gen.dispatch_lag_ms.max, 1)} ms`).join("; ")}`);
}

async function main() {
  const load1Before = loadavg()[0]!;
  const started = new Date().toISOString();
  log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const runs: Measured[] = [];
  if (args.only !== "centralino") runs.push(await runFloor(false));
  if (args.only !== "centralino" && !args["no-group-floor"]) runs.push(await runFloor(true));
  if (args.only !== "floor") runs.push(...(await runCentralino()));
  const result = { benchmark: "api (P9)", command: `npm run bench -- api ${process.argv.slice(2).join(" ")}`.trim(), started, machine: { ...machine(), ...(process.env.BENCH_COMMIT ? { commit: process.env.BENCH_COMMIT } : {}) }, box: { load1_before: load1Before, load1_after: loadavg()[0]!, psi_after: pressure() }, config: { rate: RATE, seconds: SECONDS, numbers: N, send_rate_per_min: SEND_RATE, recipients_per_number: R }, runs };
  if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 2));
  report(result);
}

await main();
process.exit(0);
