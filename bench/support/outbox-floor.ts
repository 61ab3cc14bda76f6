// The P9 floor: the smallest honest "enqueue a message" endpoint on Bun + SQLite, for bench/api.ts to measure in
// the same run as Centralino. It does what POST /api/v1/messages must do and nothing else: check the Bearer
// token, parse and minimally validate the JSON, and answer 202 only after the message and its outbox row are
// committed in one transaction to a WAL database with synchronous=FULL (one fsync per request, as Centralino's
// enqueue does). No send loop, no simulator, no contacts, conversations or check step. With GROUP=1 the requests
// of one event-loop turn share one transaction and one fsync (group commit, as the webhook intake does), each
// still answered only after that commit.
//
//   DB=/tmp/f.db TOKEN=t PORT=0 [GROUP=1] bun run bench/support/outbox-floor.ts   → {"msg":"listening","url":...}
import { Database } from "bun:sqlite";
import { timingSafeEqual } from "node:crypto";

const token = Buffer.from(`Bearer ${process.env.TOKEN ?? "bench"}`);
const db = new Database(process.env.DB ?? "/tmp/centralino-outbox-floor.db", { create: true, strict: true });
db.run("PRAGMA journal_mode = WAL");
db.run("PRAGMA synchronous = FULL");
db.run("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, number_id INTEGER NOT NULL, recipient TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL)");
db.run("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL UNIQUE, number_id INTEGER NOT NULL, lane INTEGER NOT NULL, not_before INTEGER NOT NULL, created_at INTEGER NOT NULL)");
db.run("CREATE INDEX IF NOT EXISTS outbox_due ON outbox (number_id, lane, not_before, id)");
const insertMessage = db.query("INSERT INTO messages (number_id, recipient, type, payload, status, created_at) VALUES (?, ?, ?, ?, 'queued', ?)");
const insertOutbox = db.query("INSERT INTO outbox (message_id, number_id, lane, not_before, created_at) VALUES (?, ?, 0, ?, ?)");
const enqueue = db.transaction((n: number, to: string, type: string, payload: string) => {
  const now = Date.now();
  const id = Number(insertMessage.run(n, to, type, payload, now).lastInsertRowid);
  insertOutbox.run(id, n, now, now);
  return id;
});

const GROUP = process.env.GROUP === "1";
let batch: { n: number; to: string; type: string; payload: string; done: (id: number | null) => void }[] = [];
let scheduled = false;
const enqueueMany = db.transaction((rows: typeof batch) => rows.map((r) => enqueue(r.n, r.to, r.type, r.payload)));
function flush(): void {
  scheduled = false;
  const rows = batch;
  batch = [];
  try {
    const ids = enqueueMany(rows);
    rows.forEach((r, i) => r.done(ids[i]!));
  } catch {
    for (const r of rows) r.done(null);
  }
}
/** One request's enqueue: its own transaction, or a place in this turn's group commit. */
function enqueueOne(n: number, to: string, type: string, payload: string): number | Promise<number | null> {
  if (!GROUP) return enqueue(n, to, type, payload);
  return new Promise((done) => {
    batch.push({ n, to, type, payload, done });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const server = Bun.serve({
  port: Number(process.env.PORT ?? 0),
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    if (req.method === "GET" && url.pathname === "/healthz") return json(200, { status: "ok" });
    if (req.method !== "POST" || url.pathname !== "/api/v1/messages") return json(404, { error: { code: "not_found" } });
    const auth = Buffer.from(req.headers.get("authorization") ?? "");
    if (auth.length !== token.length || !timingSafeEqual(auth, token)) return json(401, { error: { code: "unauthorized" } });
    let b: any;
    try {
      b = await req.json();
    } catch {
      return json(400, { error: { code: "bad_json" } });
    }
    if (!b || typeof b.number_id !== "string" || !/^\d+$/.test(b.number_id) || typeof b.to !== "string" || !/^\+\d{6,15}$/.test(b.to) || b.type !== "text" || typeof b.text?.body !== "string" || !b.text.body) {
      return json(422, { error: { code: "invalid" } });
    }
    const id = await enqueueOne(Number(b.number_id), b.to, b.type, JSON.stringify({ text: b.text }));
    if (id === null) return json(500, { error: { code: "db_error" } });
    return json(202, { data: { id: String(id), status: "queued", warnings: [] } });
  },
});

console.log(JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${server.port}` }));
process.on("SIGTERM", () => {
  server.stop(true);
  db.close();
  process.exit(0);
});
