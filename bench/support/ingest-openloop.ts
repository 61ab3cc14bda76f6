// An open-loop signed-webhook load generator for the P10 benchmark (bench/login-storm.ts): P1's traffic (one
// Meta-shaped inbound text per POST, a share of byte-exact re-sends, HMAC-SHA256 over the exact bytes, built by
// bench/support/webhook.ts) at a FIXED rate instead of as fast as possible. Request i is scheduled at
// t0 + i / rate whatever happened to earlier requests (no coordinated omission, the technique of
// bench/support/outbox-openloop.ts): it takes an idle keep-alive connection, opens a new one (up to --max-conns)
// or waits in a FIFO for the next free one, and its latency runs from its scheduled time.
//
//   bun run bench/support/ingest-openloop.ts --url http://127.0.0.1:PORT --secret S [--rate 1000] [--seconds 30]
//        [--warmup 2] [--start-at EPOCH_MS] [--samples FILE] [--tag T] [--seed N] [--customers 5000] [--dup 0.05]
//        [--max-conns 512] [--pre-open 50]
// With --start-at, t0 is that wall-clock time (ms since the epoch), so another process can schedule work against
// the same timeline. With --samples FILE, every request's (scheduled epoch ms, latency ms, status) is written as
// Float64 triples (latency NaN when unanswered; status 0 = network error) for the orchestrator to cut into
// windows. Output: "SENDING" when the clock starts, then one JSON line with the figures.
import type { Socket } from "bun";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { prng, sign, webhookBody } from "./webhook";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    secret: { type: "string", default: "bench-secret" },
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "30" },
    warmup: { type: "string", default: "2" },
    "start-at": { type: "string" },
    samples: { type: "string" },
    tag: { type: "string", default: "S1" },
    seed: { type: "string", default: "1" },
    customers: { type: "string", default: "5000" },
    dup: { type: "string", default: "0.05" },
    "max-conns": { type: "string", default: "512" },
    "pre-open": { type: "string", default: "50" },
  },
});
if (!a.url) throw new Error("--url is required");
const target = new URL("/webhooks/whatsapp", a.url);
const RATE = Number(a.rate);
const SECONDS = Number(a.seconds);
const WARMUP = Number(a.warmup);
const MAX_CONNS = Number(a["max-conns"]);
const DUP = Number(a.dup);
const total = Math.ceil(RATE * (WARMUP + SECONDS));
const step = 1000 / RATE;
const rand = prng(Number(a.seed));

// ---- build every request (not timed) ----
const enc = new TextEncoder();
const bodies: Uint8Array[] = [];
const reqs: Uint8Array[] = new Array(total);
const slotOfReq = new Int32Array(total);
let unique = 0;
for (let i = 0; i < total; i++) {
  // A duplicate re-sends, byte for byte, a body sent at least 100 unique messages earlier (a Meta retry).
  if (unique > 200 && rand() < DUP) {
    const hi = unique - 100;
    const lo = Math.max(0, unique - 10_000);
    const s = lo + Math.floor(rand() * (hi - lo));
    slotOfReq[i] = s;
    reqs[i] = bodies[s]!;
  } else {
    const s = unique++;
    const body = webhookBody(a.tag!, s, Number(a.customers), rand);
    const head = `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: facebookexternalua\r\nAccept: */*\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${sign(body, a.secret!)}\r\nContent-Length: ${body.length}\r\n\r\n`;
    bodies[s] = enc.encode(head + body);
    slotOfReq[i] = s;
    reqs[i] = bodies[s]!;
  }
}

// ---- run ----
const sched = new Float64Array(total);
const sentAt = new Float64Array(total);
const doneAt = new Float64Array(total);
const status = new Uint16Array(total);
interface Conn {
  socket: Socket<Conn> | null;
  i: number;
  buf: Buffer | null;
  pending: Uint8Array | null;
}
const idle: Conn[] = [];
const waiting = new Int32Array(total);
let wHead = 0;
let wTail = 0;
let conns = 0;
let peakConns = 0;
let peakWaiting = 0;
let completed = 0;
let networkErrors = 0;
const CRLF2 = Buffer.from("\r\n\r\n");
let allDone!: () => void;
const finished = new Promise<void>((r) => (allDone = r));

function write(c: Conn, i: number): void {
  c.i = i;
  c.buf = null;
  sentAt[i] = performance.now();
  const bytes = reqs[i]!;
  const n = c.socket!.write(bytes);
  c.pending = n < bytes.length ? bytes.subarray(Math.max(0, n)) : null;
}

function release(c: Conn): void {
  c.i = -1;
  if (wHead < wTail) write(c, waiting[wHead++]!);
  else idle.push(c);
}

function finish(c: Conn, code: number): void {
  const i = c.i;
  if (i < 0 || doneAt[i]) return;
  doneAt[i] = performance.now();
  status[i] = code;
  completed++;
  if (completed === total) allDone();
}

/** Parses a complete response from `b`: its status, or null when more bytes are needed. */
function parse(b: Buffer): number | null {
  const he = b.indexOf(CRLF2);
  if (he < 0) return null;
  const code = (b[9]! - 48) * 100 + (b[10]! - 48) * 10 + (b[11]! - 48);
  const headers = b.toString("latin1", 0, he).toLowerCase();
  const cl = /\r\ncontent-length: *(\d+)/.exec(headers);
  if (cl) return b.length >= he + 4 + Number(cl[1]) ? code : null;
  if (headers.includes("transfer-encoding: chunked")) return b.indexOf("0\r\n\r\n", he + 4) >= 0 ? code : null;
  return code;
}

function open(first: number | null): void {
  conns++;
  peakConns = Math.max(peakConns, conns);
  const c: Conn = { socket: null, i: -1, buf: null, pending: null };
  void Bun.connect<Conn>({
    hostname: target.hostname,
    port: Number(target.port || 80),
    data: c,
    socket: {
      open(s) {
        c.socket = s;
        if (first !== null) write(c, first);
        else release(c);
      },
      data(_s, chunk) {
        const b = c.buf ? Buffer.concat([c.buf, chunk]) : chunk;
        const code = parse(b);
        if (code === null) {
          c.buf = Buffer.from(b);
          return;
        }
        finish(c, code);
        release(c);
      },
      drain(s) {
        if (!c.pending) return;
        const n = s.write(c.pending);
        c.pending = n < c.pending.length ? c.pending.subarray(Math.max(0, n)) : null;
      },
      close() {
        conns--;
        const k = idle.indexOf(c);
        if (k >= 0) idle.splice(k, 1);
        if (c.i >= 0 && !doneAt[c.i]) {
          networkErrors++;
          finish(c, 0);
        }
        c.socket = null;
      },
      error() {},
      connectError() {
        conns--;
        networkErrors++;
        if (first !== null) {
          c.i = first;
          finish(c, 0);
        }
      },
    },
  }).catch(() => {});
}

function dispatch(i: number): void {
  const c = idle.pop();
  if (c) write(c, i);
  else if (conns < MAX_CONNS) open(i);
  else {
    waiting[wTail++] = i;
    peakWaiting = Math.max(peakWaiting, wTail - wHead);
  }
}

// Warm the pool: idle connections before the clock starts.
for (let k = 0; k < Number(a["pre-open"]); k++) open(null);
await Bun.sleep(200);

const epochNow = () => performance.timeOrigin + performance.now();
const startAt = a["start-at"] ? Number(a["start-at"]) : epochNow() + 20;
if (startAt - epochNow() > 30) await Bun.sleep(startAt - epochNow() - 30);
process.stdout.write("SENDING\n");
const t0 = startAt - performance.timeOrigin;
for (let i = 0; i < total; i++) sched[i] = t0 + i * step;
const warmEnd = t0 + WARMUP * 1000;
const end = t0 + (WARMUP + SECONDS) * 1000;
let next = 0;
let maxLag = 0;
const timer = setInterval(() => {
  const now = performance.now();
  while (next < total && sched[next]! <= now) {
    maxLag = Math.max(maxLag, now - sched[next]!);
    dispatch(next++);
  }
  if (next >= total) clearInterval(timer);
}, 1);
await Promise.race([finished, Bun.sleep(Math.max(0, end - performance.now()) + 20_000)]);
clearInterval(timer);

// ---- figures ----
const lat: number[] = [];
const dispatchLag: number[] = [];
const codes: Record<string, number> = {};
let inWindow = 0;
let unexpected = 0;
let unfinished = 0;
let doneInWindow = 0;
for (let i = 0; i < total; i++) {
  const s = sched[i]!;
  if (doneAt[i] && status[i] === 200 && doneAt[i]! >= warmEnd && doneAt[i]! < end) doneInWindow++;
  if (s < warmEnd || s >= end) continue;
  inWindow++;
  if (!doneAt[i]) {
    unfinished++;
    continue;
  }
  if (status[i] !== 200) {
    unexpected++;
    codes[String(status[i])] = (codes[String(status[i])] ?? 0) + 1;
  }
  lat.push(doneAt[i]! - s);
  dispatchLag.push(sentAt[i]! - s);
}
if (a.samples) {
  const out = new Float64Array(total * 3);
  for (let i = 0; i < total; i++) {
    out[i * 3] = performance.timeOrigin + sched[i]!;
    out[i * 3 + 1] = doneAt[i] ? doneAt[i]! - sched[i]! : NaN;
    out[i * 3 + 2] = status[i]!;
  }
  writeFileSync(a.samples, new Uint8Array(out.buffer));
}
const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const p = (s: Float64Array, q: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))]! : NaN);
const L = sorted(lat);
const DL = sorted(dispatchLag);
console.log(
  JSON.stringify({
    rate: RATE,
    seconds: SECONDS,
    warmup: WARMUP,
    t0_epoch_ms: startAt,
    requests: total,
    unique,
    scheduled: inWindow,
    achieved_per_s: doneInWindow / SECONDS,
    non200: unexpected,
    non200_codes: codes,
    network_errors: networkErrors,
    unfinished,
    latency_ms: { p50: p(L, 50), p90: p(L, 90), p99: p(L, 99), p999: p(L, 99.9), max: L.length ? L[L.length - 1] : NaN },
    dispatch_lag_ms: { p50: p(DL, 50), p99: p(DL, 99), max: DL.length ? DL[DL.length - 1] : NaN, timer_max: maxLag },
    peak_connections: peakConns,
    peak_waiting: peakWaiting,
  }),
);
process.exit(0);
