// The P1 load generator, run as its own process so it never shares an event loop with the server it measures.
// Before the clock starts it builds every request (Meta-shaped single-text webhook, unique wamid, a share of
// exact re-sends of earlier bodies, HMAC-SHA256 over the exact bytes) into one byte pool, so the hot path is a
// socket write and a response parse. It then keeps `--connections` keep-alive HTTP/1.1 connections busy for
// `--warmup` + `--seconds` seconds, one request in flight per connection.
//
// Clients: `raw` (default) writes the prepared bytes on Bun.connect sockets and parses the responses itself;
// `fetch` uses fetch() with the same bodies (for comparison: it costs the generator more CPU).
// Output: one JSON line on stdout with the figures; with --acks FILE, the first-ack time of every slot
// (Float64, ms since the epoch, 0 = never acked) so the orchestrator can measure ack → stored lag.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { prng, sign, webhookBody } from "./webhook";
import { parseResponse } from "./openloop";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    secret: { type: "string", default: "bench-secret" },
    seconds: { type: "string", default: "60" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    "pool-rate": { type: "string", default: "20000" },
    customers: { type: "string", default: "5000" },
    dup: { type: "string", default: "0.05" },
    seed: { type: "string", default: "1" },
    tag: { type: "string", default: "R1" },
    client: { type: "string", default: "raw" },
    acks: { type: "string" },
  },
});
if (!a.url) throw new Error("--url is required");
const target = new URL("/webhooks/whatsapp", a.url);
const SECONDS = Number(a.seconds);
const WARMUP = Number(a.warmup);
const CONNS = Number(a.connections);
const CUSTOMERS = Number(a.customers);
const DUP = Number(a.dup);
const TAG = a.tag!;
const rand = prng(Number(a.seed));

// ---- build the pool (not timed) ----
const tBuild = performance.now();
const total = Math.ceil(Number(a["pool-rate"]) * (SECONDS + WARMUP));
const seq = new Int32Array(total);
let unique = 0;
for (let i = 0; i < total; i++) {
  // A duplicate re-sends, byte for byte, a body sent at least 100 unique messages earlier (a Meta retry).
  if (unique > 200 && rand() < DUP) {
    const hi = unique - 100;
    const lo = Math.max(0, unique - 10_000);
    seq[i] = lo + Math.floor(rand() * (hi - lo));
  } else seq[i] = unique++;
}
const LIVE_CAP = 2_000_000;
const CHUNK = 64 * 1024 * 1024;
const chunks: Uint8Array[] = [];
const where = new Uint32Array(unique + LIVE_CAP); // offset in chunk
const which = new Uint16Array(unique + LIVE_CAP); // chunk index
const size = new Uint16Array(unique + LIVE_CAP); // whole request length
const bodyStart = new Uint16Array(unique + LIVE_CAP); // where the body starts inside the request
const sigs: string[] = [];
let chunk = new Uint8Array(CHUNK);
let used = 0;
chunks.push(chunk);
const enc = new TextEncoder();
const hostHeader = target.host;

function head(sig: string, length: number) {
  return `POST ${target.pathname} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: facebookexternalua\r\nAccept: */*\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${sig}\r\nContent-Length: ${length}\r\n\r\n`;
}

function build(slot: number): void {
  const body = webhookBody(TAG, slot, CUSTOMERS, rand);
  const sig = sign(body, a.secret!);
  if (a.client === "fetch") sigs[slot] = sig;
  const h = head(sig, body.length); // the body is ASCII: length in bytes = length in chars
  const req = h + body;
  if (used + req.length > CHUNK) {
    chunk = new Uint8Array(CHUNK);
    chunks.push(chunk);
    used = 0;
  }
  enc.encodeInto(req, chunk.subarray(used));
  where[slot] = used;
  which[slot] = chunks.length - 1;
  size[slot] = req.length;
  bodyStart[slot] = h.length;
  used += req.length;
}
for (let s = 0; s < unique; s++) build(s);
const buildMs = performance.now() - tBuild;
const reqBytes = (slot: number) => chunks[which[slot]!]!.subarray(where[slot]!, where[slot]! + size[slot]!);

// ---- run ----
const maxReq = total + LIVE_CAP;
const latency = new Float32Array(maxReq); // ms
const status = new Uint16Array(maxReq); // 0 = network error
const startAt = new Float64Array(maxReq);
const doneAt = new Float64Array(maxReq);
const ackAt = new Float64Array(unique + LIVE_CAP);
const sent = new Uint8Array(unique + LIVE_CAP);
let next = 0;
let liveUnique = unique;
let live = 0;
let completed = 0;
let issued = 0;
let networkErrors = 0;
let stopping = false;

/** The slot request `i` sends; past the pool, a new unique slot built now (counted: it costs the hot path). */
function slotFor(i: number): number {
  if (i < total) return seq[i]!;
  const s = liveUnique++;
  build(s);
  live++;
  return s;
}

function finish(i: number, slot: number, code: number): void {
  const now = performance.now();
  latency[i] = now - startAt[i]!;
  doneAt[i] = now;
  status[i] = code;
  if (code >= 200 && code < 300 && !ackAt[slot]) ackAt[slot] = performance.timeOrigin + now;
  completed++;
}

process.stdout.write("SENDING\n");
const t0 = performance.now();
const warmEnd = t0 + WARMUP * 1000;
const end = warmEnd + SECONDS * 1000;

let allDone!: () => void;
const finished = new Promise<void>((r) => (allDone = r));
const checkDone = () => {
  if (stopping && completed === issued) allDone();
};

if (a.client === "fetch") {
  const workers: Promise<void>[] = [];
  for (let w = 0; w < CONNS; w++) {
    workers.push(
      (async () => {
        for (;;) {
          if (performance.now() >= end || issued >= maxReq) return;
          const i = next++;
          issued++;
          const slot = slotFor(i);
          sent[slot] = 1;
          const bytes = reqBytes(slot);
          startAt[i] = performance.now();
          try {
            const r = await fetch(target, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sigs[slot]!, "user-agent": "facebookexternalua" }, body: bytes.subarray(bodyStart[slot]!) as Uint8Array<ArrayBuffer> });
            await r.arrayBuffer();
            finish(i, slot, r.status);
          } catch {
            networkErrors++;
            finish(i, slot, 0);
          }
        }
      })(),
    );
  }
  await Promise.all(workers);
  stopping = true;
} else {
  interface Conn {
    socket: import("bun").Socket<Conn> | null;
    i: number;
    slot: number;
    buf: Buffer | null;
    pending: Uint8Array | null;
  }
  const port = Number(target.port || 80);
  const host = target.hostname;

  const sendNext = (c: Conn) => {
    if (performance.now() >= end || issued >= maxReq) {
      stopping = true;
      c.socket?.end();
      c.socket = null;
      checkDone();
      return;
    }
    const i = next++;
    issued++;
    const slot = slotFor(i);
    sent[slot] = 1;
    c.i = i;
    c.slot = slot;
    c.buf = null;
    const bytes = reqBytes(slot);
    startAt[i] = performance.now();
    const n = c.socket!.write(bytes);
    c.pending = n < bytes.length ? bytes.subarray(Math.max(0, n)) : null;
  };

  const open = (c: Conn) =>
    Bun.connect<Conn>({
      hostname: host,
      port,
      data: c,
      socket: {
        open(s) {
          c.socket = s;
          sendNext(c);
        },
        data(_s, chunk) {
          const b = c.buf ? Buffer.concat([c.buf, chunk]) : chunk;
          const code = parseResponse(b);
          if (code === null) {
            c.buf = Buffer.from(b);
            return;
          }
          finish(c.i, c.slot, code);
          sendNext(c);
        },
        drain(s) {
          if (!c.pending) return;
          const n = s.write(c.pending);
          c.pending = n < c.pending.length ? c.pending.subarray(Math.max(0, n)) : null;
        },
        close() {
          if (c.socket && c.i >= 0 && !doneAt[c.i] && startAt[c.i]) {
            networkErrors++;
            finish(c.i, c.slot, 0);
          }
          const wasOpen = c.socket !== null;
          c.socket = null;
          if (wasOpen && !stopping) {
            c.i = -1;
            void open(c).catch(() => {});
          }
          checkDone();
        },
        error() {},
        connectError() {
          networkErrors++;
        },
      },
    });
  const conns: Conn[] = Array.from({ length: CONNS }, () => ({ socket: null, i: -1, slot: -1, buf: null, pending: null }));
  await Promise.all(conns.map(open));
  setTimeout(() => {
    stopping = true;
    checkDone();
  }, end - performance.now() + 50);
  await Promise.race([finished, Bun.sleep(SECONDS * 1000 + WARMUP * 1000 + 30_000)]);
}

// ---- figures ----
function pct(sorted: Float32Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const timedLat: number[] = [];
let okInWindow = 0;
let non2xx = 0;
let non2xxWindow = 0;
let timedReq = 0;
const codes: Record<string, number> = {};
for (let i = 0; i < issued; i++) {
  const code = status[i]!;
  const ok = code >= 200 && code < 300;
  if (!ok) {
    non2xx++;
    codes[String(code)] = (codes[String(code)] ?? 0) + 1;
  }
  if (startAt[i]! >= warmEnd && startAt[i]! < end) {
    timedReq++;
    timedLat.push(latency[i]!);
    if (!ok) non2xxWindow++;
  }
  if (ok && doneAt[i]! >= warmEnd && doneAt[i]! < end) okInWindow++;
}
const lat = Float32Array.from(timedLat).sort();
let uniqueSent = 0;
let uniqueAcked = 0;
for (let s = 0; s < liveUnique; s++) {
  if (sent[s]) uniqueSent++;
  if (ackAt[s]) uniqueAcked++;
}
if (a.acks) writeFileSync(a.acks, new Uint8Array(ackAt.buffer, 0, liveUnique * 8));
console.log(
  JSON.stringify({
    client: a.client,
    connections: CONNS,
    build_ms: Math.round(buildMs),
    pool_requests: total,
    pool_unique: unique,
    live_built: live,
    requests: issued,
    duplicates_sent: issued - uniqueSent,
    unique_sent: uniqueSent,
    unique_acked: uniqueAcked,
    non2xx,
    non2xx_codes: codes,
    network_errors: networkErrors,
    window_s: SECONDS,
    window_requests: timedReq,
    window_non2xx: non2xxWindow,
    acked_per_s: okInWindow / SECONDS,
    p50_ms: pct(lat, 50),
    p90_ms: pct(lat, 90),
    p99_ms: pct(lat, 99),
    max_ms: lat.length ? lat[lat.length - 1] : NaN,
    slots: liveUnique,
  }),
);
process.exit(0);
