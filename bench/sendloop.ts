// PRODUCT.md P3: the send loop against the simulator with status webhooks on, 10 numbers × 20 msg/s for 60 s, plus
// replies sent while all run. Targets: each number within ±2% of its rate and never over it in any 1 s window;
// a reply leaves in < 1 s; and the highest aggregate rate reached with statuses on.
//
// What a run does (Centralino is `bun run src/main.ts serve`, a fresh DATA_DIR, PORT=0, SIMULATOR=on,
// LOG_LEVEL=warn; Meta's limits stay on: 80/s per number, pair rate 45 burst + 1 per 6 s, the 24-hour window):
//   1. setup   the demo number plus simulated numbers through POST /api/v1/simulator/numbers; each number at
//              1/min while the queue fills; `--recipients` fake customers per number write once through
//              POST /api/v1/simulator/customers/{phone}/messages (signed webhooks into the app), which opens
//              their 24-hour window, so the backlog is free-form replies (no template, no messaging limit).
//   2. feed    the backlog through POST /api/v1/messages, closed loop (`--concurrency` in flight), recipients
//              rotated so each gets well under one message per 6 s; the feed rate is reported.
//   3. lane    every API message is lane 0 (conversational), and nothing in src/ enqueues bulk (lane 1) yet
//              (campaigns, C10, have not landed). Standing in for a campaign, the bench moves the queued backlog
//              to lane 1 with one UPDATE on the outbox from its own connection (`--backlog-lane 0` skips this
//              and shows a reply queued behind a lane-0 backlog).
//   4. phase 1 every number to `--rate` (1200/min = 20/s) at once; `--replies` times during the window a new
//              fake customer writes, and once the app has stored it the bench sends a reply via the API (lane 0)
//              and records when the 202 came back.
//   5. phase 2 every number to `--max-rate` (4800/min, Meta's 80/s) for `--phase2-seconds`.
//   6. drain   rates back to 1/min, a few seconds for the last status webhooks, then the figures.
// Baseline (house rule: a minimal program doing the same job, in the same run): before Centralino starts,
// bench/support/outbox-pacer-floor.ts runs the same numbers × rate for `--baseline-seconds` (0 skips it): grid-
// paced loops posting to their own Bun.serve, which stamps accepts like the simulator. Same figures, same code.
// Figures come from the database, read-only (WAL): the simulator's sim_messages (direction 'out', created_at =
// accept time at the fake Graph API, in ms) per number; the app's messages statuses and webhook_events; and
// /metrics (send errors by class). Server CPU and RSS are sampled from /proc once a second.
//
//   bun run bench/sendloop.ts [--seconds 60] [--phase2-seconds 20] [--numbers 10] [--rate 1200] [--max-rate 4800]
//                             [--recipients 160] [--replies 5] [--concurrency 32] [--backlog-lane 1] [--statuses on|off]
//                             [--json FILE]
//                             [--keep] [--cpu-prof DIR]
//   npm run bench -- sendloop --seconds 20
import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { join } from "node:path";
import { BUN, ROOT, cpuSeconds, fmt, machine, pct, pressure, rssMb, track } from "./support/common";
import { benchPhones, metric, openWindows, pool, setRate, simNumbers, startCentralino, waitInbound, type Centralino, type SimNumber } from "./support/outbox-setup";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    "phase2-seconds": { type: "string", default: "20" },
    numbers: { type: "string", default: "10" },
    rate: { type: "string", default: "1200" },
    "max-rate": { type: "string", default: "4800" },
    recipients: { type: "string", default: "160" },
    replies: { type: "string", default: "5" },
    concurrency: { type: "string", default: "32" },
    "backlog-lane": { type: "string", default: "1" },
    statuses: { type: "string", default: "on" },
    "baseline-seconds": { type: "string", default: "30" },
    json: { type: "string" },
    keep: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("usage: bun run bench/sendloop.ts [--seconds 60] [--phase2-seconds 20] [--numbers 10] [--rate 1200] [--max-rate 4800] [--recipients 160] [--replies 5] [--concurrency 32] [--backlog-lane 1|0] [--statuses on|off] [--baseline-seconds 30] [--json FILE] [--keep] [--cpu-prof DIR]");
  process.exit(0);
}
const S = Number(args.seconds);
const S2 = Number(args["phase2-seconds"]);
const N = Number(args.numbers);
const RATE = Number(args.rate); // per minute
const MAX_RATE = Number(args["max-rate"]);
const R = Number(args.recipients);
const REPLIES = Number(args.replies);
const CONC = Number(args.concurrency);
const LANE = Number(args["backlog-lane"]);
const PER_S = RATE / 60;
const MAX_PER_S = MAX_RATE / 60;

const log = (s: string) => process.stderr.write(`[sendloop ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

/** Largest count of times in any window (t − 1000 ms, t] (the simulator's own throughput check), over sorted ms. */
function maxSliding(t: number[], widthMs = 1000): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[lo]! <= t[hi]! - widthMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Largest count in one calendar second (floor(t / 1000)). */
function maxCalendar(t: number[]): number {
  const bins = new Map<number, number>();
  for (const x of t) bins.set(Math.floor(x / 1000), (bins.get(Math.floor(x / 1000)) ?? 0) + 1);
  return Math.max(0, ...bins.values());
}

function dist(xs: number[]) {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, min: s.length ? s[0]! : NaN, p1: pct(s, 1), p50: pct(s, 50), p99: pct(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

interface Sampler {
  samples: { t: number; cpu: number; rss: number }[];
  stop(): void;
}
function sampleServer(pid: number): Sampler {
  const samples = [{ t: Date.now(), cpu: cpuSeconds(pid), rss: rssMb(pid) }];
  const timer = setInterval(() => samples.push({ t: Date.now(), cpu: cpuSeconds(pid), rss: rssMb(pid) }), 1000);
  return { samples, stop: () => (clearInterval(timer), samples.push({ t: Date.now(), cpu: cpuSeconds(pid), rss: rssMb(pid) })) };
}
/** Server CPU (% of one core) and RSS (peak MB) between two wall-clock times. */
function usage(s: Sampler, from: number, to: number) {
  const inside = s.samples.filter((x) => x.t >= from - 500 && x.t <= to + 500);
  if (inside.length < 2) return { cpu_pct: NaN, rss_peak_mb: NaN, rss_end_mb: NaN };
  const a = inside[0]!;
  const b = inside[inside.length - 1]!;
  return { cpu_pct: ((b.cpu - a.cpu) / ((b.t - a.t) / 1000)) * 100, rss_peak_mb: Math.max(...inside.map((x) => x.rss)), rss_end_mb: b.rss };
}

/** Per-number figures over a window of `seconds` from each number's first accept (shared by Centralino and the baseline). */
function windowFigures(t: number[], seconds: number, perS: number) {
  const t0 = t[0] ?? NaN;
  const win = t.filter((x) => x >= t0 && x < t0 + seconds * 1000);
  const gaps = win.slice(1).map((x, i) => x - win[i]!);
  return {
    window_start: t0,
    sent: win.length,
    rate_per_s: win.length / seconds,
    deviation_pct: ((win.length / seconds - perS) / perS) * 100,
    max_1s_sliding: maxSliding(win),
    max_calendar_s: maxCalendar(win),
    gaps_ms: dist(gaps),
    gaps_within_5ms: gaps.filter((g) => Math.abs(g - 1000 / perS) <= 5).length / Math.max(1, gaps.length),
    win,
    gaps,
  };
}

/** The baseline: grid-paced loops posting to their own Bun.serve, same numbers × rate (see the header). */
async function baseline(seconds: number) {
  const proc = track(Bun.spawn([BUN, "run", join(import.meta.dir, "support/outbox-pacer-floor.ts")], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", NUMBERS: String(N), RATE: String(PER_S), SECONDS: String(seconds) }, stdout: "pipe", stderr: "inherit" }));
  const c0 = cpuSeconds(proc.pid);
  const t0 = performance.now();
  let cpu = c0;
  const timer = setInterval(() => {
    const c = cpuSeconds(proc.pid);
    if (Number.isFinite(c)) cpu = c;
  }, 200);
  const out = await new Response(proc.stdout).text();
  clearInterval(timer);
  if ((await proc.exited) !== 0) throw new Error(`baseline failed:\n${out}`);
  const { accepts } = JSON.parse(out.trim().split("\n").at(-1)!) as { accepts: number[][] };
  const per = accepts.map((t) => {
    const { win: _w, gaps: _g, ...f } = windowFigures(t, seconds - 1, PER_S);
    return f;
  });
  return { seconds: seconds - 1, per_number: per, cpu_pct: ((cpu - c0) / ((performance.now() - t0) / 1000)) * 100, load1: loadavg()[0]! };
}

async function metrics(c: Centralino): Promise<string> {
  return (await fetch(`${c.url}/metrics`)).text();
}
const errorClasses = (m: string) => Object.fromEntries(["retry", "throttle", "pair_rate", "marketing_cap", "stop_number", "final"].map((k) => [k, metric(m, "centralino_send_errors_total", { class: k })]));
const diff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]).filter(([, v]) => v !== 0));

async function main() {
  const load1Before = loadavg()[0]!;
  const psiBefore = pressure();
  const started = new Date().toISOString();
  log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const BS = Number(args["baseline-seconds"]);
  let base: Awaited<ReturnType<typeof baseline>> | null = null;
  if (BS > 0) {
    log(`baseline: ${N} grid-paced loops × ${PER_S}/s posting to their own Bun.serve for ${BS} s`);
    base = await baseline(BS + 1);
  }
  const prof = args["cpu-prof"] ? ["--cpu-prof-md", `--cpu-prof-dir=${args["cpu-prof"]}`] : [];
  const c = await startCentralino({ keep: args.keep, prof });
  const sampler = sampleServer(c.server.proc.pid);
  try {
    // ---- 1. setup ----
    const numbers = await simNumbers(c, N);
    // --statuses off (for comparison only): the simulator holds every status webhook for an hour.
    if (args.statuses === "off") {
      const f = await c.api("POST", "/api/v1/simulator/faults", { delays: { sent_ms: 3_600_000, delivered_ms: 3_600_000, read_ms: 0 } });
      if (f.status !== 200) throw new Error(`faults: ${f.status} ${f.text}`);
    }
    for (const n of numbers) await setRate(c, n.id, 1);
    const phones = benchPhones(R);
    const pairs = numbers.flatMap((number) => phones.map((phone) => ({ number, phone })));
    const windowsMs = await openWindows(c, pairs);
    log(`${N} numbers, ${pairs.length} customer messages in ${(windowsMs / 1000).toFixed(1)} s (windows open)`);
    const simIdOf = new Map<number, number>(); // sim_numbers.id → index in `numbers`
    for (const r of c.db.query<{ id: number; phone_number_id: string }, []>("SELECT id, phone_number_id FROM sim_numbers").all()) {
      const k = numbers.findIndex((n) => n.phone_number_id === r.phone_number_id);
      if (k >= 0) simIdOf.set(r.id, k);
    }

    // ---- 2. feed the backlog ----
    const perNumber = Math.ceil(PER_S * (S + 6)) + Math.ceil(MAX_PER_S * (S2 + 6));
    const jobs: { k: number; i: number }[] = [];
    for (let i = 0; i < perNumber; i++) for (let k = 0; k < N; k++) jobs.push({ k, i });
    const feedLat: number[] = [];
    let feedErrors = 0;
    const tFeed = performance.now();
    await pool(jobs, CONC, async ({ k, i }) => {
      const t = performance.now();
      const r = await c.api("POST", "/api/v1/messages", { number_id: numbers[k]!.id, to: phones[i % R], type: "text", text: { body: `P3 n${k} #${i}` } });
      feedLat.push(performance.now() - t);
      if (r.status !== 202 && feedErrors++ < 5) log(`feed: ${r.status} ${r.text.slice(0, 200)}`);
    });
    const feedS = (performance.now() - tFeed) / 1000;
    const feed = { requests: jobs.length, errors: feedErrors, seconds: feedS, per_s: jobs.length / feedS, concurrency: CONC, latency_ms: dist(feedLat) };
    log(`fed ${jobs.length} messages in ${feedS.toFixed(1)} s (${fmt(feed.per_s)} req/s closed loop, ${CONC} in flight, p99 ${fmt(feed.latency_ms.p99, 1)} ms), ${feedErrors} errors`);
    if (feedErrors) throw new Error(`${feedErrors} enqueue requests failed`);

    // ---- 3. the backlog becomes bulk (stand-in for a campaign) ----
    if (LANE === 1) {
      const rw = new Database(c.dbPath);
      rw.run("PRAGMA busy_timeout = 5000");
      const moved = rw.query("UPDATE outbox SET lane = 1 WHERE status = 'queued'").run().changes;
      rw.close();
      log(`moved ${moved} queued rows to lane 1 (bulk)`);
    }

    // Errors the send loop put on requeued rows (a retried send that then succeeded leaves no other trace).
    const requeueErrors = new Map<string, number>();
    const errQ = c.db.query<{ id: number; last_error: string }, []>("SELECT id, last_error FROM outbox WHERE last_error IS NOT NULL");
    const seenErr = new Set<number>();
    const errTimer = setInterval(() => {
      for (const r of errQ.all()) {
        if (seenErr.has(r.id)) continue;
        seenErr.add(r.id);
        const key = r.last_error.slice(0, 160);
        requeueErrors.set(key, (requeueErrors.get(key) ?? 0) + 1);
      }
    }, 500);

    // ---- 4. phase 1 ----
    const m0 = await metrics(c);
    const tSwitch1 = Date.now();
    await Promise.all(numbers.map((n) => setRate(c, n.id, RATE)));
    log(`phase 1: ${N} numbers at ${RATE}/min for ${S} s`);
    const replies: { k: number; phone: string; postAt: number; ackAt: number; messageId: string; status: number }[] = [];
    const replyJob = (async () => {
      for (let r = 0; r < REPLIES; r++) {
        const at = tSwitch1 + ((0.1 + (0.75 * r) / Math.max(1, REPLIES - 1)) * S * 1000);
        await Bun.sleep(Math.max(0, at - Date.now()));
        const k = (r * 3 + 1) % N;
        const phone = benchPhones(1, 900_000 + r)[0]!;
        const question = `P3 question ${r} ${Date.now()}`;
        const w = await c.api("POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: numbers[k]!.phone_number_id, type: "text", text: { body: question } });
        if (w.status !== 202) throw new Error(`reply customer write failed: ${w.status} ${w.text}`);
        await waitInbound(c, question);
        const postAt = Date.now();
        const res = await c.api("POST", "/api/v1/messages", { number_id: numbers[k]!.id, to: phone, type: "text", text: { body: `P3 reply ${r}` } });
        replies.push({ k, phone, postAt, ackAt: Date.now(), messageId: res.json?.data?.id ?? "", status: res.status });
      }
    })();
    await Bun.sleep(tSwitch1 + (S + 1.5) * 1000 - Date.now());
    await replyJob;

    // ---- 5. phase 2 ----
    const m1 = await metrics(c);
    const tSwitch2 = Date.now();
    await Promise.all(numbers.map((n) => setRate(c, n.id, MAX_RATE)));
    log(`phase 2: ${N} numbers at ${MAX_RATE}/min for ${S2} s`);
    await Bun.sleep(tSwitch2 + (S2 + 1) * 1000 - Date.now());
    const tEnd2 = Date.now();
    const m2 = await metrics(c);
    const numbersAfter = (await c.api("GET", "/api/v1/numbers")).json.data as { id: string; effective_rate_per_min: number; queue_depth: number }[];

    // ---- 6. drain ----
    await Promise.all(numbers.map((n) => setRate(c, n.id, 1)));
    const drainUntil = Date.now() + 15_000;
    if (args.statuses === "off") await c.api("POST", "/api/v1/simulator/faults", { delays: { sent_ms: 300, delivered_ms: 800, read_ms: 2000 } });
    const pendingQ = c.db.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events WHERE status = 'pending'");
    await Bun.sleep(4000); // sent 0.3 s, delivered 0.8 s, read 2 s after accept
    while (pendingQ.get()!.n > 0 && Date.now() < drainUntil) await Bun.sleep(200);
    sampler.stop();
    clearInterval(errTimer);

    // ---- figures ----
    const out = c.db
      .query<{ number_id: number; created_at: number; payload: string }, [number]>("SELECT number_id, created_at, payload FROM sim_messages WHERE direction = 'out' AND created_at >= ? ORDER BY created_at, id")
      .all(tSwitch1);
    const byNumber = numbers.map(() => [] as number[]);
    const replyAccepted = new Map<number, number>();
    for (const r of out) {
      const k = simIdOf.get(r.number_id);
      if (k === undefined) continue;
      byNumber[k]!.push(r.created_at);
      const m = /"P3 reply (\d+)"/.exec(r.payload);
      if (m) replyAccepted.set(Number(m[1]), r.created_at);
    }
    const perNum = numbers.map((n, k) => {
      const all = byNumber[k]!;
      const p1 = all.filter((t) => t < tSwitch2);
      const { win, gaps, ...f } = windowFigures(p1, S, PER_S);
      const p2 = all.filter((t) => t >= tSwitch2 && t < tEnd2);
      return {
        number: n.display_phone_number,
        id: n.id,
        ...f,
        mean_interval_rate_per_s: win.length > 1 ? ((win.length - 1) * 1000) / (win[win.length - 1]! - win[0]!) : NaN,
        max_1s_sliding_phase1: maxSliding(p1),
        /** The three longest gaps: [ms after the window start, gap ms]. */
        longest_gaps: gaps.map((g, i) => [win[i]! - f.window_start, g] as [number, number]).sort((x, y) => y[1] - x[1]).slice(0, 3),
        phase2_sent: p2.length,
        phase2_max_1s_sliding: maxSliding(p2),
        phase2_gaps_ms: dist(p2.slice(1).map((t, i) => t - p2[i]!)),
      };
    });
    // Phase 2 aggregate: per calendar second across numbers, skipping the first second (ramp).
    const p2all = out.filter((r) => simIdOf.has(r.number_id) && r.created_at >= tSwitch2 && r.created_at < tEnd2).map((r) => r.created_at);
    const bins = new Map<number, number>();
    for (const t of p2all) bins.set(Math.floor((t - tSwitch2) / 1000), (bins.get(Math.floor((t - tSwitch2) / 1000)) ?? 0) + 1);
    const steady = [...bins.entries()].filter(([s]) => s >= 1 && s < S2).map(([, n]) => n);
    const p2Window = p2all.filter((t) => t >= tSwitch2 + 1000 && t < tSwitch2 + S2 * 1000);
    const phase2 = {
      seconds: S2,
      target_aggregate_per_s: MAX_PER_S * N,
      accepted: p2all.length,
      aggregate_per_s: p2Window.length / Math.max(1, S2 - 1),
      best_second: Math.max(0, ...steady),
      worst_second: steady.length ? Math.min(...steady) : NaN,
      max_1s_sliding_aggregate: maxSliding(p2Window),
      per_number_max_1s_sliding: Math.max(...perNum.map((p) => p.phase2_max_1s_sliding)),
      send_errors: diff(errorClasses(m1), errorClasses(m2)),
      effective_rate_after: numbersAfter.map((n) => n.effective_rate_per_min),
      queue_left_after: numbersAfter.reduce((s, n) => s + n.queue_depth, 0),
      ...usage(sampler, tSwitch2 + 1000, tEnd2),
    };
    const p1End = Math.max(...perNum.map((p) => p.window_start + S * 1000));
    const phase1 = {
      send_errors: diff(errorClasses(m0), errorClasses(m1)),
      aggregate_per_s: perNum.reduce((s, p) => s + p.sent, 0) / S,
      ...usage(sampler, Math.min(...perNum.map((p) => p.window_start)), p1End),
    };
    const replyRows = replies.map((r, i) => {
      const acc = replyAccepted.get(i) ?? NaN;
      return { number: numbers[r.k]!.display_phone_number, status: r.status, api_ms: r.ackAt - r.postAt, ack_to_accepted_ms: acc - r.ackAt, post_to_accepted_ms: acc - r.postAt };
    });
    // Status webhooks: the app's view of every message the simulator accepted since phase 1.
    const st = c.db
      .query<{ status: string; n: number; sent: number; delivered: number; read: number }, []>(
        "SELECT status, count(*) AS n, count(sent_at) AS sent, count(delivered_at) AS delivered, count(read_at) AS read FROM messages WHERE direction = 'out' AND text LIKE 'P3 %' AND wamid IS NOT NULL GROUP BY status",
      )
      .all();
    const statuses = Object.fromEntries(st.map((r) => [r.status, r.n]));
    const stamped = st.reduce((a, r) => ({ sent: a.sent + r.sent, delivered: a.delivered + r.delivered, read: a.read + r.read }), { sent: 0, delivered: 0, read: 0 });
    const ev = c.db
      .query<{ n: number; pending: number }, [number, number]>("SELECT count(*) AS n, sum(status = 'pending') AS pending FROM webhook_events WHERE received_at >= ? AND received_at < ?")
      .get(tSwitch1, p1End)!;
    const evAll = c.db.query<{ status: string; n: number }, []>("SELECT status, count(*) AS n FROM webhook_events GROUP BY status").all();
    const lagQ = (from: number, to: number) => dist(c.db.query<{ lag: number }, [number, number]>("SELECT processed_at - received_at AS lag FROM webhook_events WHERE received_at >= ? AND received_at < ? AND processed_at IS NOT NULL").all(from, to).map((r) => r.lag));
    const mEnd = await metrics(c);
    // What the server logged at warn/error during the run (LOG_LEVEL=warn), distinct messages with counts.
    const logged = new Map<string, number>();
    for (const line of c.server.output().split("\n")) {
      const m = /"level":"(warn|error)".*?"msg":"([^"]*)"/.exec(line);
      if (m) logged.set(`${m[1]}: ${m[2]}`, (logged.get(`${m[1]}: ${m[2]}`) ?? 0) + 1);
    }
    const webhooks = {
      phase1_events: ev.n,
      phase1_events_per_s: ev.n / S,
      phase1_lag_ms: lagQ(tSwitch1, p1End),
      phase2_lag_ms: lagQ(tSwitch2, tEnd2),
      events_by_status: Object.fromEntries(evAll.map((r) => [r.status, r.n])),
      simulator_posts_ok: metric(mEnd, "centralino_simulator_webhooks_total", { outcome: "ok" }),
      simulator_posts_retry: metric(mEnd, "centralino_simulator_webhooks_total", { outcome: "retry" }),
    };

    const load1After = loadavg()[0]!;
    const result = {
      benchmark: "sendloop (P3)",
      command: `npm run bench -- sendloop ${process.argv.slice(2).join(" ")}`.trim(),
      started,
      machine: { ...machine(), ...(process.env.BENCH_COMMIT ? { commit: process.env.BENCH_COMMIT } : {}) },
      box: { load1_before: load1Before, load1_after: load1After, psi_before: psiBefore, psi_after: pressure() },
      config: { numbers: N, rate_per_min: RATE, max_rate_per_min: MAX_RATE, seconds: S, phase2_seconds: S2, recipients_per_number: R, backlog_lane: LANE, statuses: args.statuses, backlog_per_number: perNumber, limits: "simulator defaults (80/s per number, pair 45 + 1/6 s, window on)" },
      baseline: base,
      setup: { windows_ms: windowsMs, feed },
      phase1: { ...phase1, per_number: perNum },
      replies: replyRows,
      phase2,
      statuses: { by_status: statuses, with_sent_at: stamped.sent, with_delivered_at: stamped.delivered, with_read_at: stamped.read },
      webhooks,
      server_log: Object.fromEntries(logged),
      requeue_errors: Object.fromEntries(requeueErrors),
    };
    if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 2));
    report(result);
  } finally {
    sampler.stop();
    await c.stop();
  }
}

function report(r: any) {
  const m = r.machine;
  console.log(`\nP3 send loop — ${r.started}, commit ${m.commit}, ${m.cpus} × ${m.cpu}, ${m.mem_gib} GiB, ${m.os}, Bun ${m.bun}`);
  console.log(`load average (1 min): ${r.box.load1_before.toFixed(2)} before, ${r.box.load1_after.toFixed(2)} after${r.box.psi_after ? `; CPU pressure avg60 ${r.box.psi_after.cpu}%` : ""}`);
  console.log(`setup: ${r.config.numbers} numbers, ${r.config.recipients_per_number} recipients each (windows opened in ${fmt(r.setup.windows_ms / 1000, 1)} s); backlog ${fmt(r.setup.feed.requests)} messages fed via the API at ${fmt(r.setup.feed.per_s)} req/s (closed loop, ${r.setup.feed.concurrency} in flight, p50 ${fmt(r.setup.feed.latency_ms.p50, 1)} / p99 ${fmt(r.setup.feed.latency_ms.p99, 1)} ms), lane ${r.config.backlog_lane}`);
  console.log(`\nphase 1: ${r.config.rate_per_min}/min (${fmt(r.config.rate_per_min / 60, 1)}/s) per number, ${r.config.seconds} s window from each number's first send (accept times at the simulator)`);
  console.log("| number | sent | rate/s | vs target | max in any 1 s (sliding) | max in a calendar second | gap ms min / p1 / p50 / p99 / max | gaps within ±5 ms |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const p of r.phase1.per_number) {
    const g = p.gaps_ms;
    console.log(`| ${p.number} | ${p.sent} | ${fmt(p.rate_per_s, 2)} | ${p.deviation_pct >= 0 ? "+" : ""}${fmt(p.deviation_pct, 2)}% | ${p.max_1s_sliding} | ${p.max_calendar_s} | ${g.min} / ${g.p1} / ${g.p50} / ${g.p99} / ${g.max} | ${fmt(p.gaps_within_5ms * 100, 1)}% |`);
  }
  if (r.baseline) {
    const b = r.baseline.per_number;
    const lo = Math.min(...b.map((p: any) => p.rate_per_s));
    const hi = Math.max(...b.map((p: any) => p.rate_per_s));
    console.log(`baseline (same run, before Centralino; grid-paced loops posting to their own Bun.serve, ${r.baseline.seconds} s): rate ${fmt(lo, 2)}–${fmt(hi, 2)}/s (${fmt(Math.max(...b.map((p: any) => Math.abs(p.deviation_pct))), 2)}% worst), max in any 1 s ${Math.max(...b.map((p: any) => p.max_1s_sliding))} sliding / ${Math.max(...b.map((p: any) => p.max_calendar_s))} calendar, gap p50 ${[...new Set(b.map((p: any) => p.gaps_ms.p50))].join("/")} / p99 ≤ ${Math.max(...b.map((p: any) => p.gaps_ms.p99))} / max ${Math.max(...b.map((p: any) => p.gaps_ms.max))} ms, CPU ${fmt(r.baseline.cpu_pct)}%`);
    const ratio = r.phase1.per_number.reduce((x: number, p: any) => x + p.rate_per_s, 0) / b.reduce((x: number, p: any) => x + p.rate_per_s, 0);
    console.log(`Centralino / baseline, aggregate rate: ${fmt(ratio * 100, 1)}%`);
  }
  const worstDev = Math.max(...r.phase1.per_number.map((p: any) => Math.abs(p.deviation_pct)));
  const worstWin = Math.max(...r.phase1.per_number.map((p: any) => p.max_1s_sliding));
  const perS = r.config.rate_per_min / 60;
  console.log(`aggregate ${fmt(r.phase1.aggregate_per_s, 1)}/s; server CPU ${fmt(r.phase1.cpu_pct)}% of one core, RSS peak ${fmt(r.phase1.rss_peak_mb, 1)} MB; send errors ${JSON.stringify(r.phase1.send_errors)}`);
  console.log(`→ within ±2%: ${worstDev <= 2 ? "yes" : "NO"} (worst ${fmt(worstDev, 2)}%); never over ${perS}/s in any 1 s: ${worstWin <= perS ? "yes" : "NO"} (worst ${worstWin})`);
  console.log("\nreplies sent while all numbers run (lane 0, each to a customer who just wrote):");
  console.log("| number | API status | POST → 202 ms | 202 → accepted at the simulator ms | POST → accepted ms |");
  console.log("|---|---|---|---|---|");
  for (const x of r.replies) console.log(`| ${x.number} | ${x.status} | ${x.api_ms} | ${fmt(x.ack_to_accepted_ms)} | ${fmt(x.post_to_accepted_ms)} |`);
  const worstReply = Math.max(...r.replies.map((x: any) => (Number.isFinite(x.ack_to_accepted_ms) ? x.ack_to_accepted_ms : Infinity)));
  console.log(`→ reply leaves in < 1 s: ${worstReply < 1000 ? "yes" : "NO"} (worst ${fmt(worstReply)} ms)`);
  const p2 = r.phase2;
  console.log(`\nphase 2: every number at ${r.config.max_rate_per_min}/min (target ${fmt(p2.target_aggregate_per_s)}/s aggregate) for ${p2.seconds} s`);
  console.log(`accepted ${fmt(p2.aggregate_per_s, 1)}/s aggregate (seconds 1–${p2.seconds - 1}; best second ${p2.best_second}, worst ${p2.worst_second}); max in any 1 s per number ${p2.per_number_max_1s_sliding}`);
  console.log(`server CPU ${fmt(p2.cpu_pct)}% of one core, RSS peak ${fmt(p2.rss_peak_mb, 1)} MB; send errors ${JSON.stringify(p2.send_errors)}; effective rate after: ${p2.effective_rate_after.join(", ")}/min; queue left ${p2.queue_left_after}`);
  const s = r.statuses;
  const w = r.webhooks;
  console.log(`\nstatus webhooks: ${fmt(w.phase1_events)} events in phase 1 (${fmt(w.phase1_events_per_s)}/s), processing lag p50 ${w.phase1_lag_ms.p50} / p99 ${w.phase1_lag_ms.p99} / max ${w.phase1_lag_ms.max} ms; phase 2 lag p50 ${w.phase2_lag_ms.p50} / p99 ${w.phase2_lag_ms.p99} / max ${w.phase2_lag_ms.max} ms`);
  console.log(`webhook_events by status ${JSON.stringify(w.events_by_status)}; simulator POSTs ok ${w.simulator_posts_ok}, retried ${w.simulator_posts_retry}`);
  console.log(`app messages (bench traffic, accepted): ${JSON.stringify(s.by_status)}; sent_at set ${s.with_sent_at}, delivered_at ${s.with_delivered_at}, read_at ${s.with_read_at}`);
  const longest = r.phase1.per_number.flatMap((p: any) => p.longest_gaps.map(([at, g]: [number, number]) => `${fmt(g)} ms at +${fmt(at / 1000, 1)} s`));
  console.log(`longest phase-1 gaps (per number, top 3): ${longest.slice(0, 9).join(", ")}${longest.length > 9 ? ", …" : ""}`);
  if (Object.keys(r.server_log).length) console.log(`server warnings/errors: ${JSON.stringify(r.server_log)}`);
  if (Object.keys(r.requeue_errors).length) console.log(`errors on requeued sends (seen every 0.5 s): ${JSON.stringify(r.requeue_errors)}`);
}

await main();
process.exit(0);
