// Login storm (P10): 500 sign-ins in 10 s while P1-style webhook ingest runs at 1,000 msg/s. PRODUCT.md P10:
// every login < 2 s; ingest p99 < 100 ms.
//
// One run, on a fresh DATA_DIR: `bun run src/main.ts serve` (PORT=0, WA_APP_SECRET, LOG_LEVEL=warn,
// SIMULATOR=off) with one number connected through the API against a fake Graph server run here, so the
// background processor turns every webhook into contact / conversation / message rows, as in P1. Before the
// server starts, `--users` agents are written into the database with the app's own password hashing
// (src/auth/passwords.ts: argon2id m=19 MiB, t=2), one distinct password each.
//
// Two load processes share one wall-clock timeline:
//   ingest   bench/support/ingest-openloop.ts: P1's signed webhooks (1 message per POST, 5% byte-exact
//            duplicates) open loop at `--rate` for `--warmup` + `--seconds` s; latency from each request's
//            scheduled time (no coordinated omission)
//   storm    bench/support/login-storm-client.ts: `--users` sign-ins spread evenly over `--spread` s, starting
//            `--storm-at` s into the measured window; each is GET /login then POST /login (email, password,
//            _csrf) → 303 with a cs_session cookie, its own cookie jar, open loop
// First, unless --no-floor, the floor: bench/support/argon2-floor.ts, the storm's password checks alone in one Bun
// process on the same schedule (argon2id with the app's parameters on Bun's thread pool), nothing else running.
// Ingest latency is cut into windows of the same run: the baseline (the `--spread` s before the storm), the
// storm (its first scheduled login to its last answer) and after; ratios to the baseline are what a noisy shared
// box changes least. Server CPU and RSS are sampled every 250 ms; load average and PSI (avg10) per window.
//
//   bun run bench/login-storm.ts [--users 500] [--spread 10] [--rate 1000] [--seconds 30] [--storm-at 10]
//                                [--warmup 2] [--no-floor] [--json FILE] [--cpu-prof DIR]
//   npm run bench -- login-storm
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hashPassword } from "../src/auth/passwords";
import { BUN, ROOT, cpuSeconds, driveGenerator, fmt, machine, pct, pressure, rssMb, spawnServer, table, track, type Served } from "./support/common";
import { BENCH_TOKEN, startBenchGraph } from "./support/fake-graph";
import type { LoginSample } from "./support/login-storm-client";
import { BENCH_PHONE_ID, BENCH_WABA_ID } from "./support/webhook";

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "500" },
    spread: { type: "string", default: "10" },
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "30" },
    "storm-at": { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    "no-floor": { type: "boolean", default: false },
    json: { type: "string" },
    "cpu-prof": { type: "string" },
    help: { type: "boolean", default: false },
  },
});
const USAGE = "usage: bun run bench/login-storm.ts [--users 500] [--spread 10] [--rate 1000] [--seconds 30] [--storm-at 10] [--warmup 2] [--no-floor] [--json FILE] [--cpu-prof DIR]";
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const USERS = Number(args.users);
const SPREAD = Number(args.spread);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const STORM_AT = Number(args["storm-at"]);
const WARMUP = Number(args.warmup);
if (STORM_AT < SPREAD || STORM_AT + SPREAD > SECONDS) {
  console.error(`--storm-at must leave a baseline of --spread s before the storm and the storm inside --seconds\n${USAGE}`);
  process.exit(2);
}
const SECRET = "bench-app-secret-" + Math.random().toString(36).slice(2);
const PROF = args["cpu-prof"] ? ["--cpu-prof-md", `--cpu-prof-dir=${args["cpu-prof"]}`] : [];
const log = (s: string) => process.stderr.write(`[login-storm ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const epochNow = () => performance.timeOrigin + performance.now();

interface IngestGen {
  t0_epoch_ms: number;
  requests: number;
  scheduled: number;
  achieved_per_s: number;
  non200: number;
  non200_codes: Record<string, number>;
  network_errors: number;
  unfinished: number;
  latency_ms: { p50: number; p90: number; p99: number; p999: number; max: number };
  dispatch_lag_ms: { p50: number; p99: number; max: number; timer_max: number };
  peak_connections: number;
  peak_waiting: number;
}

interface Sample {
  t: number;
  cpu: number;
  rss: number;
  load1: number;
  psiCpu: number;
  psiIo: number;
}

/** CPU seconds per thread name of a process (/proc/PID/task/TID/stat): the JS thread, Bun's pool, SQLite, … */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/\d+$/, "#");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const name = tid === String(pid) ? `${comm} (main)` : comm;
        out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
      } catch {}
    }
  } catch {}
  return out;
}

function psi10(f: string): number {
  try {
    return Number(/some avg10=([\d.]+)/.exec(readFileSync(`/proc/pressure/${f}`, "utf8"))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

const stats = (xs: number[]) => {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p95: pct(s, 95), p99: pct(s, 99), max: s.length ? s[s.length - 1]! : NaN };
};

/** Writes `n` active agents with distinct passwords, hashed as the app hashes them (off-thread, in parallel). */
async function seedUsers(dbPath: string, n: number): Promise<number> {
  const t = performance.now();
  const hashes: string[] = [];
  for (let i = 0; i < n; i += 50) hashes.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => hashPassword(`storm-password-${i + k}`)))));
  const db = new Database(dbPath);
  db.run("PRAGMA busy_timeout = 5000");
  const role = db.query<{ id: number }, []>("SELECT id FROM roles WHERE key = 'agent'").get()!.id;
  const now = Date.now();
  const ins = db.query("INSERT INTO users (email, name, password_hash, role_id, status, must_change_password, password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', 0, ?, ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < n; i++) ins.run(`agent${i}@storm.bench`, `Agent ${i}`, hashes[i]!, role, now, now, now);
  })();
  db.close();
  return performance.now() - t;
}

interface Floor {
  n: number;
  failed: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  cpu_s: number;
  cpu_ms_per_verify: number;
  wall_s: number;
}

/** The storm's argon2id verifies alone, in their own process, on the same schedule. */
async function runFloor(): Promise<Floor> {
  const proc = track(Bun.spawn([BUN, "run", join(import.meta.dir, "support/argon2-floor.ts"), "--users", String(USERS), "--spread", String(SPREAD)], { cwd: ROOT, stdout: "pipe", stderr: "inherit" }));
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`argon2 floor failed:\n${out}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as Floor;
}

async function run() {
  const dir = mkdtempSync(join(tmpdir(), "centralino-bench-storm-"));
  const graph = startBenchGraph();
  const env = { DATA_DIR: dir, WA_APP_SECRET: SECRET, WA_GRAPH_URL: graph.url, SIMULATOR: "off", LOG_LEVEL: "warn", HOST: "127.0.0.1" };
  let server: Served | null = null;
  try {
    const tok = Bun.spawnSync([BUN, "run", "src/main.ts", "token", "create", "--name", "bench", "--role", "admin"], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env } });
    if (tok.exitCode !== 0) throw new Error(`token create failed: ${tok.stderr.toString()}`);
    const token = tok.stdout.toString().trim();
    const dbPath = join(dir, "centralino.db");
    const seedMs = await seedUsers(dbPath, USERS);
    log(`${USERS} agents written (argon2id hashes in ${fmt(seedMs / 1000, 1)} s)`);

    server = await spawnServer([BUN, ...PROF, "run", "src/main.ts", "serve"], { ...env, PORT: "0" }, /(?:"msg":"listening","url":"|Centralino is ready: open )(https?:\/\/[^\s"/]+)/);
    const base = server.url.replace("//localhost:", "//127.0.0.1:");
    server.url = base;
    const connect = await fetch(`${base}/api/v1/numbers`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ phone_number_id: BENCH_PHONE_ID, waba_id: BENCH_WABA_ID, display_phone_number: "+1 555 078 3881", access_token: BENCH_TOKEN, name: "Bench" }),
    });
    if (connect.status !== 201) throw new Error(`connecting the number failed: ${connect.status} ${await connect.text()}`);

    // One timeline: ingest's t0 a few seconds ahead (its requests are built first), the storm STORM_AT s into
    // the measured window.
    const t0 = Math.ceil(epochNow()) + 4000;
    const measured0 = t0 + WARMUP * 1000;
    const stormStart = measured0 + STORM_AT * 1000;
    const end = measured0 + SECONDS * 1000;
    const samplesFile = join(dir, "ingest-samples.bin");
    const pid = server.proc.pid;
    const samples: Sample[] = [];
    const sample = () => samples.push({ t: epochNow(), cpu: cpuSeconds(pid), rss: rssMb(pid), load1: loadavg()[0]!, psiCpu: psi10("cpu"), psiIo: psi10("io") });
    sample();
    const sampler = setInterval(sample, 250);

    log(`ingest at ${RATE} msg/s for ${WARMUP} + ${SECONDS} s; ${USERS} logins over ${SPREAD} s from ${STORM_AT} s into the measured window`);
    const ingestProc = track(Bun.spawn([BUN, "run", join(import.meta.dir, "support/ingest-openloop.ts"), "--url", base, "--secret", SECRET, "--rate", String(RATE), "--seconds", String(SECONDS), "--warmup", String(WARMUP), "--start-at", String(t0), "--samples", samplesFile, "--tag", "P10"], { cwd: ROOT, stdout: "pipe", stderr: "inherit" }));
    const stormProc = track(Bun.spawn([BUN, "run", join(import.meta.dir, "support/login-storm-client.ts"), "--url", base, "--users", String(USERS), "--spread", String(SPREAD), "--start-at", String(stormStart)], { cwd: ROOT, stdout: "pipe", stderr: "inherit" }));
    const stormOut = new Response(stormProc.stdout).text();
    // Per-thread server CPU over the baseline and the storm; the storm client's own CPU (it shares the box).
    const threads: { baseline?: Map<string, number>; stormStart?: Map<string, number>; stormEnd?: Map<string, number> } = {};
    let stormClientCpu = 0;
    const clientTimer = setInterval(() => {
      const c = cpuSeconds(stormProc.pid);
      if (Number.isFinite(c)) stormClientCpu = c;
    }, 100);
    setTimeout(() => (threads.baseline = threadCpu(pid)), stormStart - SPREAD * 1000 - epochNow());
    setTimeout(() => (threads.stormStart = threadCpu(pid)), stormStart - epochNow());
    void stormProc.exited.then(() => (threads.stormEnd = threadCpu(pid)));
    const [m, stormText, stormCode] = await Promise.all([driveGenerator<IngestGen>(server, ingestProc, "ingest"), stormOut, stormProc.exited]);
    clearInterval(sampler);
    clearInterval(clientTimer);
    sample();
    if (stormCode !== 0) throw new Error(`login storm client failed:\n${stormText}`);
    const storm = JSON.parse(stormText.trim().split("\n").at(-1)!) as { samples: LoginSample[] };
    const logins = storm.samples;
    const stormEnd = Math.max(stormStart + SPREAD * 1000, ...logins.map((l) => l.sched + (Number.isFinite(l.total_ms) ? l.total_ms : 0)));

    // Ingest latency per window, from the generator's per-request samples.
    const raw = new Float64Array(readFileSync(samplesFile).buffer.slice(0));
    const windows = { baseline: [stormStart - SPREAD * 1000, stormStart], storm: [stormStart, stormEnd], after: [stormEnd, end], whole: [measured0, end] } as Record<string, [number, number]>;
    const ingest: Record<string, ReturnType<typeof stats> & { non200: number; unanswered: number; cpu_pct: number; rss_peak_mb: number; load1: number; psi_cpu: number; psi_io: number; lag_ms?: ReturnType<typeof stats> }> = {};
    const at = (t: number) => samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), samples[0]!);
    for (const [name, [from, to]] of Object.entries(windows)) {
      const lat: number[] = [];
      let non200 = 0;
      let unanswered = 0;
      for (let k = 0; k < raw.length; k += 3) {
        const s = raw[k]!;
        if (s < from || s >= to) continue;
        if (!Number.isFinite(raw[k + 1]!)) unanswered++;
        else lat.push(raw[k + 1]!);
        if (raw[k + 2] !== 200) non200++;
      }
      const a = at(from);
      const b = at(to);
      const inside = samples.filter((s) => s.t >= from && s.t <= to);
      ingest[name] = {
        ...stats(lat),
        non200,
        unanswered,
        cpu_pct: ((b.cpu - a.cpu) / ((b.t - a.t) / 1000)) * 100,
        rss_peak_mb: Math.max(...inside.map((s) => s.rss)),
        load1: b.load1,
        psi_cpu: b.psiCpu,
        psi_io: b.psiIo,
      };
    }

    // Thread CPU, % of one core: baseline (the SPREAD s before the storm) and storm (its start to the client's exit).
    const threadPct: Record<string, { baseline: number; storm: number }> = {};
    if (threads.baseline && threads.stormStart && threads.stormEnd) {
      const stormS = (stormEnd - stormStart) / 1000;
      for (const [name, end] of threads.stormEnd) {
        const s0 = threads.stormStart.get(name) ?? 0;
        const b0 = threads.baseline.get(name) ?? 0;
        threadPct[name] = { baseline: ((s0 - b0) / SPREAD) * 100, storm: ((end - s0) / stormS) * 100 };
      }
    }

    // Let processing finish, then read what the server did.
    const db = new Database(dbPath, { readonly: true });
    db.run("PRAGMA busy_timeout = 2000");
    const t = performance.now();
    while (db.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events WHERE status = 'pending'").get()!.n > 0 && performance.now() - t < 60_000) await Bun.sleep(50);
    const drainS = (performance.now() - t) / 1000;
    for (const [name, [from, to]] of Object.entries(windows)) {
      ingest[name]!.lag_ms = stats(db.query<{ d: number }, [number, number]>("SELECT processed_at - received_at AS d FROM webhook_events WHERE status = 'done' AND received_at >= ? AND received_at < ?").all(from, to).map((r) => r.d));
    }
    const server_db = {
      sessions: db.query<{ n: number }, []>("SELECT count(*) AS n FROM sessions").get()!.n,
      audit_logins: db.query<{ n: number }, []>("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login'").get()!.n,
      audit_failed: db.query<{ n: number }, []>("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed'").get()!.n,
      messages: db.query<{ n: number }, []>("SELECT count(*) AS n FROM messages WHERE direction = 'in'").get()!.n,
      events: Object.fromEntries(db.query<{ status: string; n: number }, []>("SELECT status, count(*) AS n FROM webhook_events GROUP BY status").all().map((r) => [r.status, r.n])),
    };
    db.close();
    await server.stop();

    const ok = logins.filter((l) => l.status === 303 && l.session);
    const failures = logins.filter((l) => !(l.status === 303 && l.session));
    const failureKinds: Record<string, number> = {};
    for (const f of failures) failureKinds[f.error ?? `status ${f.status}${f.session ? "" : ", no session cookie"}`] = (failureKinds[f.error ?? `status ${f.status}${f.session ? "" : ", no session cookie"}`] ?? 0) + 1;
    return {
      seed_ms: seedMs,
      ingest_gen: m.gen,
      server_cpu_pct: m.serverCpuPct,
      gen_cpu_pct: m.genCpuPct,
      storm_client_cpu_s: stormClientCpu,
      thread_cpu_pct: threadPct,
      rss_peak_mb: m.rss.peak,
      rss_end_mb: m.rss.last,
      box_end: m.box,
      windows: Object.fromEntries(Object.entries(windows).map(([k, [a, b]]) => [k, { from_s: (a - measured0) / 1000, to_s: (b - measured0) / 1000 }])),
      ingest,
      logins: {
        n: logins.length,
        ok: ok.length,
        failures: failures.length,
        failure_kinds: failureKinds,
        post_ms: stats(logins.filter((l) => Number.isFinite(l.post_ms)).map((l) => l.post_ms)),
        get_ms: stats(logins.filter((l) => Number.isFinite(l.get_ms)).map((l) => l.get_ms)),
        total_ms: stats(logins.filter((l) => Number.isFinite(l.total_ms)).map((l) => l.total_ms)),
        client_lag_ms: stats(logins.map((l) => l.lag_ms)),
        over_2s: logins.filter((l) => !(l.total_ms < 2000)).length,
        // Completion per second of the storm: does the server keep up with 50/s or pile logins up?
        per_second: Array.from({ length: Math.ceil(SPREAD) }, (_, s) => stats(logins.filter((l) => l.sched >= stormStart + s * 1000 && l.sched < stormStart + (s + 1) * 1000 && Number.isFinite(l.total_ms)).map((l) => l.total_ms)).p50),
      },
      drain_s: drainS,
      server_db,
      samples: samples.map((s) => ({ t_s: +((s.t - measured0) / 1000).toFixed(2), cpu_s: s.cpu, rss_mb: +s.rss.toFixed(1), psi_cpu10: s.psiCpu, psi_io10: s.psiIo })),
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

type Result = Awaited<ReturnType<typeof run>> & { floor: Floor | null };

function report(r: Result): string {
  const w = r.ingest;
  const names = ["baseline", "storm", "after", "whole"];
  const ms = (x: number) => fmt(x, 1);
  let out = `ingest at ${RATE} msg/s, open loop (latency from each request's scheduled time):\n`;
  out += table([
    ["", ...names.map((n) => `${n} ${fmt(r.windows[n]!.from_s, 1)}–${fmt(r.windows[n]!.to_s, 1)} s`)],
    ["requests", ...names.map((n) => fmt(w[n]!.n))],
    ["p50 ms", ...names.map((n) => ms(w[n]!.p50))],
    ["p90 ms", ...names.map((n) => ms(w[n]!.p90))],
    ["p99 ms", ...names.map((n) => ms(w[n]!.p99))],
    ["max ms", ...names.map((n) => ms(w[n]!.max))],
    ["non-200 / unanswered", ...names.map((n) => `${w[n]!.non200} / ${w[n]!.unanswered}`)],
    ["processing lag p50 / p99 ms", ...names.map((n) => `${fmt(w[n]!.lag_ms?.p50)} / ${fmt(w[n]!.lag_ms?.p99)}`)],
    ["server CPU % of one core", ...names.map((n) => fmt(w[n]!.cpu_pct))],
    ["server RSS peak MB", ...names.map((n) => fmt(w[n]!.rss_peak_mb))],
    ["load avg / PSI cpu, io avg10 % (end)", ...names.map((n) => `${fmt(w[n]!.load1, 2)} / ${fmt(w[n]!.psi_cpu, 1)}, ${fmt(w[n]!.psi_io, 1)}`)],
  ]);
  out += `\nstorm / baseline: p50 ${fmt(w.storm!.p50 / w.baseline!.p50, 1)}×, p99 ${fmt(w.storm!.p99 / w.baseline!.p99, 1)}×, max ${fmt(w.storm!.max / w.baseline!.max, 1)}×`;
  const g = r.ingest_gen;
  out += `\ningest generator: achieved ${fmt(g.achieved_per_s)} msg/s, dispatch lag p99 ${ms(g.dispatch_lag_ms.p99)} / max ${ms(g.dispatch_lag_ms.max)} ms, peak connections ${g.peak_connections}, generator CPU ${fmt(r.gen_cpu_pct)}%`;
  const l = r.logins;
  out += `\n\nlogins: ${l.ok}/${l.n} signed in (303 + cs_session), ${l.failures} failed${l.failures ? ` ${JSON.stringify(l.failure_kinds)}` : ""}\n`;
  out += table([
    ["", "p50", "p95", "p99", "max"],
    ["POST /login ms (sent → 303)", ms(l.post_ms.p50), ms(l.post_ms.p95), ms(l.post_ms.p99), ms(l.post_ms.max)],
    ["GET /login ms", ms(l.get_ms.p50), ms(l.get_ms.p95), ms(l.get_ms.p99), ms(l.get_ms.max)],
    ["GET + POST from the scheduled time ms", ms(l.total_ms.p50), ms(l.total_ms.p95), ms(l.total_ms.p99), ms(l.total_ms.max)],
    ["client start delay ms", ms(l.client_lag_ms.p50), ms(l.client_lag_ms.p95), ms(l.client_lag_ms.p99), ms(l.client_lag_ms.max)],
  ]);
  const pool = r.thread_cpu_pct["Bun Pool #"]?.storm;
  const stormS = r.windows.storm!.to_s - r.windows.storm!.from_s;
  if (pool !== undefined) out += `\nserver thread pool (argon2id) during the storm: ${fmt(pool)}% of one core = ${fmt((pool * stormS * 10) / l.n, 1)} ms of CPU per login`;
  if (r.floor) out += `\nfloor, the same ${r.floor.n} argon2id verifies alone on this box: p50 ${ms(r.floor.p50_ms)} / p95 ${ms(r.floor.p95_ms)} / p99 ${ms(r.floor.p99_ms)} / max ${ms(r.floor.max_ms)} ms, ${fmt(r.floor.cpu_ms_per_verify, 1)} ms of CPU per verify, ${fmt((r.floor.cpu_s / r.floor.wall_s) * 100)}% of one core`;
  out += `\nlogin GET + POST p50 per second of the storm (ms): ${l.per_second.map((x) => fmt(x)).join(", ")}`;
  out += `\nstorm client CPU: ${fmt(r.storm_client_cpu_s, 1)} s in all`;
  const th = Object.entries(r.thread_cpu_pct).filter(([, v]) => v.baseline >= 0.5 || v.storm >= 0.5).sort((a, b) => b[1].storm - a[1].storm);
  if (th.length) out += `\n\nserver CPU per thread, % of one core:\n${table([["thread", "baseline", "storm"], ...th.map(([n, v]) => [n, fmt(v.baseline), fmt(v.storm)])])}`;
  out += `\n\nserver over the run: CPU ${fmt(r.server_cpu_pct)}% of one core, RSS peak ${fmt(r.rss_peak_mb)} MB / end ${fmt(r.rss_end_mb)} MB; processing drained ${fmt(r.drain_s, 2)} s after the load`;
  out += `\nserver DB: ${r.server_db.sessions} sessions, ${r.server_db.audit_logins} auth.login and ${r.server_db.audit_failed} auth.login_failed audit rows, ${fmt(r.server_db.messages)} inbound messages, events ${JSON.stringify(r.server_db.events)}`;
  return out;
}

function verdict(r: Result): string[] {
  const l = r.logins;
  const lines: [string, boolean, string][] = [
    [`every login < 2 s (GET + POST from its scheduled time)`, l.over_2s === 0 && l.n === USERS, `max ${fmt(l.total_ms.max)} ms, ${l.over_2s} over`],
    [`every login signs in`, l.ok === USERS, `${l.ok}/${USERS}`],
    [`ingest p99 < 100 ms over the run`, r.ingest.whole!.p99 < 100, `${fmt(r.ingest.whole!.p99, 1)} ms`],
    [`ingest p99 < 100 ms during the storm`, r.ingest.storm!.p99 < 100, `${fmt(r.ingest.storm!.p99, 1)} ms (baseline ${fmt(r.ingest.baseline!.p99, 1)} ms)`],
    [`no ingest non-200`, r.ingest.whole!.non200 === 0 && r.ingest.whole!.unanswered === 0, `${r.ingest.whole!.non200}`],
  ];
  return lines.map(([what, ok, value]) => `  ${ok ? "met    " : "NOT MET"}  ${what}: ${value}`);
}

async function main() {
  const m = machine();
  const load0 = loadavg()[0]!;
  console.log(`login storm benchmark (P10): ${m.date}, commit ${m.commit}, ${m.cpus} vCPU (${m.cpu}), ${m.mem_gib} GiB RAM, ${m.os}, bun ${m.bun}`);
  console.log(`${USERS} logins over ${SPREAD} s, starting ${STORM_AT} s into ${SECONDS} s of ingest at ${RATE} msg/s (after ${WARMUP} s warm-up); load average ${load0.toFixed(2)}, PSI ${JSON.stringify(pressure())}\n`);
  let floor: Floor | null = null;
  if (!args["no-floor"]) {
    log(`floor: ${USERS} argon2id verifies over ${SPREAD} s, alone`);
    floor = await runFloor();
  }
  const r = { ...(await run()), floor };
  console.log(report(r));
  console.log(`\nP10 targets:\n${verdict(r).join("\n")}`);
  console.log(`\nload average after: ${loadavg()[0]!.toFixed(2)}`);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ benchmark: "login-storm (P10)", command: `npm run bench -- login-storm ${process.argv.slice(2).join(" ")}`.trim(), machine: m, load1_before: load0, config: { users: USERS, spread_s: SPREAD, rate: RATE, seconds: SECONDS, storm_at_s: STORM_AT, warmup_s: WARMUP }, result: r }, null, 2) + "\n");
    console.log(`wrote ${args.json}`);
  }
}

await main();
process.exit(0);
