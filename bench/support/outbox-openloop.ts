// An open-loop HTTP load generator for the P9 benchmark (bench/api.ts), run as its own Bun process so its CPU
// time never shares an event loop with the server it measures. The engine (scheduling, connections, latency
// from the scheduled time) is openloop.ts; this file builds the API requests.
//
//   bun run bench/support/outbox-openloop.ts --url http://127.0.0.1:PORT --path /api/v1/messages --method POST
//        --token T --numbers 1,2,3 --recipients 120 [--rate 1000] [--seconds 30] [--warmup 2] [--idem] [--tag P9]
//        [--expect 202] [--max-conns 512]
// Output: one JSON line on stdout with the figures (and "SENDING" on its own line when the clock starts).
import { parseArgs } from "node:util";
import { benchPhones } from "./outbox-setup";
import { runOpenLoop, summarize } from "./openloop";

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
const r = await runOpenLoop({ target, reqs, rate: RATE, seconds: SECONDS, warmup: WARMUP, maxConns: MAX_CONNS, preOpen: Number(a["pre-open"]), onStart: () => process.stdout.write("SENDING\n") });
const f = summarize(r, EXPECT, SECONDS);
console.log(
  JSON.stringify({
    target: `${METHOD} ${target.pathname}`,
    rate: RATE,
    seconds: SECONDS,
    warmup: WARMUP,
    idempotency_keys: a.idem,
    scheduled: f.scheduled,
    achieved_per_s: f.achieved_per_s,
    unexpected_status: f.unexpected,
    unexpected_codes: f.codes,
    network_errors: f.network_errors,
    unfinished: f.unfinished,
    latency_ms: f.latency_ms,
    service_ms: f.service_ms,
    dispatch_lag_ms: f.dispatch_lag_ms,
    peak_connections: f.peak_connections,
    peak_waiting: f.peak_waiting,
    dispatched: f.dispatched,
  }),
);
process.exit(0);
