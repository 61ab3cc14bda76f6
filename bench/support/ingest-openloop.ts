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
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runOpenLoop, summarize } from "./openloop";
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
const rand = prng(Number(a.seed));

// ---- build every request (not timed) ----
const enc = new TextEncoder();
const bodies: Uint8Array[] = [];
const reqs: Uint8Array[] = new Array(total);
let unique = 0;
for (let i = 0; i < total; i++) {
  // A duplicate re-sends, byte for byte, a body sent at least 100 unique messages earlier (a Meta retry).
  if (unique > 200 && rand() < DUP) {
    const hi = unique - 100;
    const lo = Math.max(0, unique - 10_000);
    const s = lo + Math.floor(rand() * (hi - lo));
    reqs[i] = bodies[s]!;
  } else {
    const s = unique++;
    const body = webhookBody(a.tag!, s, Number(a.customers), rand);
    const head = `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: facebookexternalua\r\nAccept: */*\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${sign(body, a.secret!)}\r\nContent-Length: ${body.length}\r\n\r\n`;
    bodies[s] = enc.encode(head + body);
    reqs[i] = bodies[s]!;
  }
}

// ---- run ----
const r = await runOpenLoop({ target, reqs, rate: RATE, seconds: SECONDS, warmup: WARMUP, maxConns: MAX_CONNS, preOpen: Number(a["pre-open"]), startAtEpoch: a["start-at"] ? Number(a["start-at"]) : undefined, onStart: () => process.stdout.write("SENDING\n") });
const f = summarize(r, 200, SECONDS);
if (a.samples) {
  const out = new Float64Array(total * 3);
  for (let i = 0; i < total; i++) {
    out[i * 3] = performance.timeOrigin + r.sched[i]!;
    out[i * 3 + 1] = r.doneAt[i] ? r.doneAt[i]! - r.sched[i]! : NaN;
    out[i * 3 + 2] = r.status[i]!;
  }
  writeFileSync(a.samples, new Uint8Array(out.buffer));
}
console.log(
  JSON.stringify({
    rate: RATE,
    seconds: SECONDS,
    warmup: WARMUP,
    t0_epoch_ms: r.t0Epoch,
    requests: total,
    unique,
    scheduled: f.scheduled,
    achieved_per_s: f.achieved_per_s,
    non200: f.unexpected,
    non200_codes: f.codes,
    network_errors: f.network_errors,
    unfinished: f.unfinished,
    latency_ms: f.latency_ms,
    dispatch_lag_ms: f.dispatch_lag_ms,
    peak_connections: f.peak_connections,
    peak_waiting: f.peak_waiting,
  }),
);
process.exit(0);
