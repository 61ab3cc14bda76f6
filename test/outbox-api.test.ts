// POST /api/v1/messages under group commit: requests that arrive together share one transaction, each in its
// own savepoint. A 202 means the message, its outbox row (and its Idempotency-Key record) are on disk; a 422 in
// the same batch rolls back only that request's writes. The queue depth that /healthz, GET /api/v1/numbers and
// the gauge report is kept in memory and must match the table.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { eventually, startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";

let app: TestApp;
let admin: string;
let numberId: string;
let phoneId: string;
/** A second connection on the same file: it sees only what was committed. */
let disk: Database;

const count = (sql: string, ...args: (string | number)[]) => disk.query<{ n: number }, (string | number)[]>(sql).get(...args)!.n;
const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) => api(app.url, admin, "POST", "/api/v1/messages", body, headers);
const text = (to: string, body: string) => ({ number_id: numberId, to, type: "text", text: { body } });

async function customerWrites(phone: string, body: string) {
  const r = await api(app.url, admin, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: phoneId, type: "text", text: { body } });
  expect(r.status).toBeLessThan(300);
  await eventually(() => count("SELECT count(*) AS n FROM messages WHERE direction = 'in' AND text = ?", body) === 1);
}

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "on" });
  admin = app.token("admin");
  const n = (await api(app.url, admin, "GET", "/api/v1/numbers")).json.data[0];
  numberId = n.id;
  phoneId = n.phone_number_id;
  // One send a minute and a clock that doesn't move: what is queued stays queued (but the first send).
  await api(app.url, admin, "PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: 1 });
  disk = new Database(join(app.dataDir, "centralino.db"), { readonly: true });
});
afterAll(async () => {
  disk.close();
  await app.stop();
});

describe("group commit of POST /api/v1/messages", () => {
  test("concurrent posts: each good one is 202 and on disk when answered; a bad one gets its own 422 and leaves nothing", async () => {
    const phones = Array.from({ length: 12 }, (_, i) => `+39347555${String(i).padStart(4, "0")}`);
    for (const p of phones) await customerWrites(p, `hi from ${p}`);
    const stranger = "+393479999999"; // never wrote: free-form text is outside the window
    const before = app.deps.commits.stats.batches;
    const bodies = [...phones.slice(0, 6).map((p) => text(p, `batch ${p}`)), text(stranger, "outside the window"), ...phones.slice(6).map((p) => text(p, `batch ${p}`))];
    // Every request is written to its socket before any answer can come back.
    const answers = await Promise.all(
      bodies.map(async (b) => {
        const r = await post(b);
        // Answered ⇒ committed: another connection sees the message and its outbox row at once.
        const onDisk = r.status === 202 ? count("SELECT count(*) AS n FROM messages m JOIN outbox o ON o.message_id = m.id WHERE m.id = ?", Number(r.json.data.id)) + count("SELECT count(*) AS n FROM messages WHERE id = ? AND status != 'queued'", Number(r.json.data.id)) : 0;
        return { r, onDisk };
      }),
    );
    expect(answers.map((a) => a.r.status)).toEqual(bodies.map((b) => (b.to === stranger ? 422 : 202)));
    expect(answers.filter((a) => a.r.status === 202).every((a) => a.onDisk >= 1)).toBe(true);
    const bad = answers.find((a) => a.r.status === 422)!.r.json;
    expect(bad.error.code).toBe("outside_window");
    expect(typeof bad.error.message).toBe("string");
    // The rejected request had already created its contact inside its savepoint: rolled back with it.
    expect(count("SELECT count(*) AS n FROM contacts WHERE phone = ?", stranger)).toBe(0);
    expect(count("SELECT count(*) AS n FROM messages WHERE text = 'outside the window'")).toBe(0);
    // 13 requests in fewer commits than requests (how many turns they took depends on the sockets).
    expect(app.deps.commits.stats.batches - before).toBeLessThan(bodies.length);
  });

  test("the same Idempotency-Key twice in one batch: one message, the second answer is the first's replay", async () => {
    await customerWrites("+393475550100", "idem");
    const h = { "idempotency-key": "order-4711" };
    const [a, b] = await Promise.all([post(text("+393475550100", "once"), h), post(text("+393475550100", "once"), h)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.json.data.id).toBe(b.json.data.id);
    expect([a.headers.get("idempotent-replay"), b.headers.get("idempotent-replay")].filter(Boolean)).toEqual(["true"]);
    expect(count("SELECT count(*) AS n FROM messages WHERE text = 'once'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM idempotency_keys WHERE key = 'order-4711'")).toBe(1);
    // A different body under the same key is refused, and writes nothing.
    const reused = await post(text("+393475550100", "twice"), h);
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe("idempotency_key_reused");
    expect(count("SELECT count(*) AS n FROM messages WHERE text = 'twice'")).toBe(0);
  });
});

describe("queue depth without count(*)", () => {
  test("/healthz, GET /api/v1/numbers and the gauge match the outbox table through enqueues, a 422 and sends", async () => {
    await eventually(() => app.deps.sendLoops.inFlight() === 0);
    const table = () => count("SELECT count(*) AS n FROM outbox WHERE number_id = ?", Number(numberId));
    const reported = async () => {
      const health = (await fetch(app.url + "/healthz")).json() as Promise<{ queued: number; send_loop: string }>;
      const numbers = (await api(app.url, admin, "GET", `/api/v1/numbers/${numberId}`)).json.data.queue_depth as number;
      const metrics = await (await fetch(app.url + "/metrics")).text();
      const gauge = [...metrics.matchAll(new RegExp(`centralino_outbox_depth\\{[^}]*number="${numberId}"[^}]*\\} (\\d+)`, "g"))].reduce((s, m) => s + Number(m[1]), 0);
      return { health: (await health).queued, numbers, gauge };
    };
    const n0 = table();
    expect(n0).toBeGreaterThan(0);
    expect(await reported()).toEqual({ health: n0, numbers: n0, gauge: n0 });
    await customerWrites("+393475550200", "depth");
    expect((await post(text("+393475550200", "d1"))).status).toBe(202);
    expect((await post(text("+393470000000", "no window"))).status).toBe(422);
    await eventually(() => app.deps.sendLoops.inFlight() === 0);
    expect(await reported()).toEqual({ health: n0 + 1, numbers: n0 + 1, gauge: n0 + 1 });
    // Let the loop drain everything: the counters come down with each committed send.
    await api(app.url, admin, "PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: 4800 });
    for (let i = 0; i < 200 && table() > 0; i++) {
      await eventually(() => app.deps.sendLoops.inFlight() === 0);
      app.clock.advance(50);
    }
    await eventually(() => app.deps.sendLoops.inFlight() === 0);
    expect(table()).toBe(0);
    expect(await reported()).toEqual({ health: 0, numbers: 0, gauge: 0 });
    expect(((await (await fetch(app.url + "/healthz")).json()) as { send_loop: string }).send_loop).toBe("idle");
  });
});
