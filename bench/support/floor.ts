// The P1 floor: the smallest honest webhook receiver on Bun + SQLite. It does what Centralino's intake must do
// and nothing else: read the raw bytes, check X-Hub-Signature-256 (HMAC-SHA256 over those bytes, constant-time),
// JSON.parse, and answer 200 only after the body is in a WAL database with synchronous=FULL, with group commit
// (every POST that arrives in one event-loop turn shares one transaction and one fsync).
//
//   DB=/tmp/floor.db SECRET=s PORT=0 bun run bench/support/floor.ts
// Prints {"msg":"listening","url":"http://127.0.0.1:<port>"} on stdout once it accepts connections.
import { Database } from "bun:sqlite";
import { createHmac, timingSafeEqual } from "node:crypto";

const secret = process.env.SECRET ?? "bench-secret";
const db = new Database(process.env.DB ?? "/tmp/centralino-floor.db", { create: true, strict: true });
db.run("PRAGMA journal_mode = WAL");
db.run("PRAGMA synchronous = FULL");
db.run("CREATE TABLE IF NOT EXISTS webhook_events (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending')");
const insert = db.query("INSERT INTO webhook_events (received_at, body) VALUES (?, ?)");

let batch: { at: number; body: string; done: (ok: boolean) => void }[] = [];
let scheduled = false;
const commit = db.transaction((rows: typeof batch) => {
  for (const r of rows) insert.run(r.at, r.body);
});

function flush() {
  scheduled = false;
  const rows = batch;
  batch = [];
  try {
    commit(rows);
    for (const r of rows) r.done(true);
  } catch {
    for (const r of rows) r.done(false);
  }
}

const decoder = new TextDecoder();
const server = Bun.serve({
  port: Number(process.env.PORT ?? 0),
  hostname: "127.0.0.1",
  async fetch(req) {
    if (req.method !== "POST") return new Response("ok");
    const raw = new Uint8Array(await req.arrayBuffer());
    const header = req.headers.get("x-hub-signature-256") ?? "";
    const given = Buffer.from(header.slice(7), "hex");
    const expected = createHmac("sha256", secret).update(raw).digest();
    if (!header.startsWith("sha256=") || given.length !== expected.length || !timingSafeEqual(given, expected)) return new Response("bad signature", { status: 401 });
    const text = decoder.decode(raw);
    let body: { entry?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return new Response("bad json", { status: 400 });
    }
    if (!body || !Array.isArray(body.entry)) return new Response("no entry", { status: 400 });
    const ok = await new Promise<boolean>((done) => {
      batch.push({ at: Date.now(), body: text, done });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    return ok ? new Response("EVENT_RECEIVED") : new Response("db error", { status: 500 });
  },
});

console.log(JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${server.port}` }));
process.on("SIGTERM", () => {
  server.stop(true);
  db.close();
  process.exit(0);
});
