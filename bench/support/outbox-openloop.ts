// An open-loop HTTP load generator for the P9 benchmark (bench/api.ts), run as its own Bun process so its CPU
// time never shares an event loop with the server it measures. Request i is scheduled at t0 + i / rate, whatever
// happened to earlier requests (no coordinated omission): a scheduled request takes an idle keep-alive connection,
// opens a new one (up to --max-conns), or waits in a FIFO for the next free one, and its latency is measured from
// its scheduled time, so queueing anywhere (generator, kernel, server) shows up in the figures. The requests are
// built before the clock starts; the hot path is a socket write and a response parse.
//
//   bun run bench/support/outbox-openloop.ts --url http://127.0.0.1:PORT --path /api/v1/messages --method POST
//        --token T --numbers 1,2,3 --recipients 120 [--rate 1000] [--seconds 30] [--warmup 2] [--idem] [--tag P9]
//        [--expect 202] [--max-conns 512]
// Output: one JSON line on stdout with the figures (and "SENDING" on its own line when the clock starts).
import type { Socket } from "bun";
import { parseArgs } from "node:util";
import { benchPhones } from "./outbox-setup";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    path: { type: "string", default: "/api/v1/messages" },
    method: { type: "string", default: "POST" },
    token: { type: "string", default: "" },
    numbers: { type: "string", default: "" },
    recipients: { type: "string", default: "120" },
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "30" },
    warmup: { type: "string", default: "2" },
    idem: { type: "boolean", default: false },
    tag: { type: "string", default: "P9" },
    expect: { type: "string" },
    "max-conns": { type: "string", default: "512" },
    "pre-open": { type: "string", default: "32" },
  },
});
if (!a.url) throw new Error("--url is required");
const target = new URL(a.path!, a.url);
const RATE = Number(a.rate);
const SECONDS = Number(a.seconds);
const WARMUP = Number(a.warmup);
const MAX_CONNS = Number(a["max-conns"]);
const METHOD = a.method!.toUpperCase();
const EXPECT = Number(a.expect ?? (METHOD === "POST" ? 202 : 200));
const numbers = a.numbers ? a.numbers.split(",") : [];
const phones = benchPhones(Number(a.recipients));
const total = Math.ceil(RATE * (WARMUP + SECONDS));
const step = 1000 / RATE;
const runTag = `${a.tag}-${Date.now().toString(36)}`;

// ---- build every request (not timed) ----
const enc = new TextEncoder();
const reqs: Uint8Array[] = new Array(total);
for (let i = 0; i < total; i++) {
  let head = `${METHOD} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: centralino-bench\r\nAccept: application/json\r\n`;
  if (a.token) head += `Authorization: Bearer ${a.token}\r\n`;
  let body = "";
  if (METHOD === "POST") {
    const k = i % Math.max(1, numbers.length);
    const to = phones[Math.floor(i / Math.max(1, numbers.length)) % phones.length];
    body = JSON.stringify({ number_id: numbers[k] ?? "1", to, type: "text", text: { body: `${a.tag} #${i} ${runTag}` } });
    head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    if (a.idem) head += `Idempotency-Key: ${runTag}-${i}\r\n`;
  }
  reqs[i] = enc.encode(`${head}\r\n${body}`);
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
let dispatched = 0;
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
  dispatched++;
  const c = idle.pop();
  if (c) write(c, i);
  else if (conns < MAX_CONNS) open(i);
  else {
    waiting[wTail++] = i;
    peakWaiting = Math.max(peakWaiting, wTail - wHead);
  }
}

// Warm the pool: a few idle connections before the clock starts.
for (let k = 0; k < Number(a["pre-open"]); k++) open(null);
await Bun.sleep(200);

process.stdout.write("SENDING\n");
const t0 = performance.now() + 20;
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
await Promise.race([finished, Bun.sleep((WARMUP + SECONDS) * 1000 + 20_000)]);
clearInterval(timer);

// ---- figures ----
const lat: number[] = [];
const service: number[] = [];
const dispatchLag: number[] = [];
const codes: Record<string, number> = {};
let inWindow = 0;
let unexpected = 0;
let unfinished = 0;
let doneInWindow = 0;
for (let i = 0; i < total; i++) {
  const s = sched[i]!;
  if (doneAt[i] && status[i] === EXPECT && doneAt[i]! >= warmEnd && doneAt[i]! < end) doneInWindow++;
  if (s < warmEnd || s >= end) continue;
  inWindow++;
  if (!doneAt[i]) {
    unfinished++;
    continue;
  }
  if (status[i] !== EXPECT) {
    unexpected++;
    codes[String(status[i])] = (codes[String(status[i])] ?? 0) + 1;
  }
  lat.push(doneAt[i]! - s);
  service.push(doneAt[i]! - sentAt[i]!);
  dispatchLag.push(sentAt[i]! - s);
}
const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const p = (s: Float64Array, q: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))]! : NaN);
const L = sorted(lat);
const SV = sorted(service);
const DL = sorted(dispatchLag);
console.log(
  JSON.stringify({
    target: `${METHOD} ${target.pathname}`,
    rate: RATE,
    seconds: SECONDS,
    warmup: WARMUP,
    idempotency_keys: a.idem,
    scheduled: inWindow,
    achieved_per_s: doneInWindow / SECONDS,
    unexpected_status: unexpected,
    unexpected_codes: codes,
    network_errors: networkErrors,
    unfinished,
    latency_ms: { p50: p(L, 50), p90: p(L, 90), p99: p(L, 99), p999: p(L, 99.9), max: L.length ? L[L.length - 1] : NaN, mean: lat.reduce((x, y) => x + y, 0) / Math.max(1, lat.length) },
    service_ms: { p50: p(SV, 50), p99: p(SV, 99), max: SV.length ? SV[SV.length - 1] : NaN },
    dispatch_lag_ms: { p50: p(DL, 50), p99: p(DL, 99), max: DL.length ? DL[DL.length - 1] : NaN, timer_max: maxLag },
    peak_connections: peakConns,
    peak_waiting: peakWaiting,
    dispatched,
  }),
);
process.exit(0);
