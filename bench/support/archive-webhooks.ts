// Background customer traffic for the archive benches, as its own process: signed inbound-text webhooks (Meta's
// shape, one message per POST, non-ASCII escaped as \uxxxx like Meta) sent open-loop at a steady rate: request i
// leaves at t0 + i / rate whatever happened before, over a few keep-alive connections.
//
// Who writes: `--customers FILE` lists existing customers ([{"wa":"39…","phone_id":"…","name":"…"}]: the
// contacts of conversations the agents have open); a share `--new` of the messages comes from customers never
// seen, which opens new conversations (routing runs for each). Texts come from bench/support/archive-text.ts.
//
// Output: {"type":"started"} once sending, {"type":"stats",…} every second (cumulative: sent, acked (2xx), non-2xx,
// network errors, ack latency p50/p99/max), {"type":"tick","t":epoch_ms,"lat":[…]} every second (the ack latencies
// of that second, so a bench can report each of its phases), {"type":"final",…} at the end (SIGTERM or --seconds).
//
//   bun run bench/support/archive-webhooks.ts --url URL --secret S --customers FILE --phone-ids ID,ID
//        [--rate 200] [--seconds 0 (until SIGTERM)] [--new 0.07] [--tag T] [--connections 8]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { customerText, rng } from "./archive-text";
import { sign } from "./webhook";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    secret: { type: "string" },
    customers: { type: "string" },
    "phone-ids": { type: "string" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "0" },
    new: { type: "string", default: "0.07" },
    tag: { type: "string", default: String(Date.now() % 1e8) },
    connections: { type: "string", default: "8" },
  },
});
if (!a.url || !a.secret || !a.customers || !a["phone-ids"]) throw new Error("--url, --secret, --customers and --phone-ids are required");
const target = `${a.url}/webhooks/whatsapp`;
const customers = JSON.parse(readFileSync(a.customers, "utf8")) as { wa: string; phone_id: string; name: string }[];
const phoneIds = a["phone-ids"].split(",");
const RATE = Number(a.rate);
const SECONDS = Number(a.seconds);
const NEW = Number(a.new);
const TAG = a.tag!;
const r = rng(Number(TAG) || 7);
const out = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");

const escape = (s: string) => s.replace(/[\u0080-\uffff"\\]/g, (ch) => (ch === '"' ? '\\"' : ch === "\\" ? "\\\\" : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`));
let newSeq = 0;

function body(i: number): string {
  const fresh = !customers.length || r() < NEW;
  const c = fresh ? { wa: `39399${String(Number(TAG) % 1000).padStart(3, "0")}${String(newSeq++).padStart(5, "0")}`, phone_id: phoneIds[i % phoneIds.length]!, name: `Nuovo cliente ${newSeq}` } : customers[Math.floor(r() * customers.length)]!;
  const ts = Math.floor(Date.now() / 1000);
  const text = escape(customerText(r, r() < 0.3));
  return (
    `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",` +
    `"metadata":{"display_phone_number":"390240000001","phone_number_id":"${c.phone_id}"},` +
    `"contacts":[{"profile":{"name":"${escape(c.name)}"},"wa_id":"${c.wa}"}],` +
    `"messages":[{"from":"${c.wa}","id":"wamid.BENCHLOAD${TAG}x${i}","timestamp":"${ts}","type":"text","text":{"body":"${text}"}}]},` +
    `"field":"messages"}]}]}`
  );
}

let sent = 0, acked = 0, non2xx = 0, netErr = 0, inflight = 0;
const lat: number[] = [];
/** Latencies of the requests answered since the last tick (so a bench can cut the run into phases). */
let tick: number[] = [];
const t0 = performance.now();
let stopping = false;

async function one(i: number) {
  const b = body(i);
  const t = performance.now();
  inflight++;
  try {
    const res = await fetch(target, { method: "POST", body: b, headers: { "content-type": "application/json", "x-hub-signature-256": sign(b, a.secret!) } });
    await res.arrayBuffer();
    if (res.status >= 200 && res.status < 300) acked++;
    else non2xx++;
    const ms = performance.now() - t;
    lat.push(ms);
    tick.push(Math.round(ms * 10) / 10);
  } catch {
    netErr++;
  } finally {
    inflight--;
  }
}

function summary() {
  const s = Float64Array.from(lat).sort();
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN);
  const secs = (performance.now() - t0) / 1000;
  return { sent, acked, non2xx, network_errors: netErr, inflight, seconds: secs, rate: acked / secs, p50_ms: q(50), p99_ms: q(99), max_ms: s.length ? s[s.length - 1]! : NaN };
}

out({ type: "started" });
const stats = setInterval(() => {
  out({ type: "stats", ...summary() });
  out({ type: "tick", t: Date.now(), lat: tick, non2xx, network_errors: netErr });
  tick = [];
}, 1000);
const finish = () => {
  if (stopping) return;
  stopping = true;
  clearInterval(stats);
  out({ type: "final", ...summary() });
  process.exit(0);
};
process.on("SIGTERM", finish);

// Open loop: every 5 ms, send what is due (capped in flight so a stalled server does not open thousands of sockets).
const MAX_INFLIGHT = Math.max(Number(a.connections) * 8, 64);
for (let i = 0; !stopping; ) {
  const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
  while (i < due && inflight < MAX_INFLIGHT) void one(i++);
  if (SECONDS && performance.now() - t0 >= SECONDS * 1000) break;
  await Bun.sleep(5);
}
while (inflight > 0) await Bun.sleep(10);
finish();
