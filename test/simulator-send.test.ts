// The send loop against the built-in simulator: a reply reaches the fake phone and comes back with ticks; a
// burst leaves evenly at the number's rate; Meta's limits enforced by the simulator (throughput, pair rate,
// the 24-hour window) are met by the loop; the portfolio's messaging limit holds templates back.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, ownerActor, startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";
import { GUARD } from "../src/outbox/pacer";

let app: TestApp;
let admin: string;
let numberId: string;
let phoneId: string;

async function step(ms: number) {
  await eventually(() => app.deps.sendLoops.inFlight() === 0);
  app.clock.advance(ms);
  await eventually(() => app.deps.sendLoops.inFlight() === 0);
}

/** A fake customer writes to the demo number (through the simulator, signed webhook and all). */
async function customerWrites(phone: string, text: string) {
  const r = await api(app.url, admin, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: phoneId, type: "text", text: { body: text } });
  expect(r.status).toBeLessThan(300);
  await eventually(() => app.deps.db.query<{ n: number }>("SELECT count(*) AS n FROM messages WHERE direction = 'in' AND text = ?").get(text)!.n === 1);
}

const simOut = (digits: string) =>
  app.deps.db.query<{ created_at: number; payload: string }>("SELECT m.created_at, m.payload FROM sim_messages m JOIN sim_customers c ON c.id = m.customer_id WHERE m.direction = 'out' AND (c.phone = ? OR c.wa_id = ?1) ORDER BY m.id").all(digits);
const setLimits = (limits: Record<string, unknown>) => api(app.url, admin, "POST", "/api/v1/simulator/faults", { limits });
const send = (to: string, text: string) => api(app.url, admin, "POST", "/api/v1/messages", { number_id: numberId, to, type: "text", text: { body: text } });
const status = async (id: string) => (await api(app.url, admin, "GET", `/api/v1/messages/${id}`)).json.data;

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "on" });
  admin = app.token("admin");
  const n = (await api(app.url, admin, "GET", "/api/v1/numbers")).json.data[0];
  numberId = n.id;
  phoneId = n.phone_number_id;
  await api(app.url, admin, "PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: 120 });
});
afterAll(() => app.stop());

describe("through the simulator", () => {
  test("a reply sent through the API arrives on the simulated phone and comes back with ticks", async () => {
    await customerWrites("+393471110001", "Avete la taglia M?");
    const id = (await send("+393471110001", "Sì, domani in negozio!")).json.data.id;
    await eventually(() => simOut("393471110001").length === 1);
    expect(JSON.parse(simOut("393471110001")[0]!.payload).text.body).toBe("Sì, domani in negozio!");
    await eventually(async () => (await status(id)).status === "sent");
    for (const want of ["delivered", "read"]) {
      await step(1000);
      await eventually(async () => (await status(id)).status === want);
    }
    expect((await status(id)).read_at).not.toBeNull();
  });

  test("a message sent with a person's token is theirs and answers the customer; a role token's is the integration's", async () => {
    const user = (await api(app.url, admin, "POST", "/api/v1/users", { email: "sofia@example.com", name: "Sofia", password: "una-password-lunga-1", role: "supervisor" })).json.data;
    const personal = app.deps.tokens.create({ name: "sofia-crm", user: Number(user.id) }, { actor: ownerActor(app.deps) }).token;
    await customerWrites("+393471110002", "Quando aprite?");
    await customerWrites("+393471110003", "Avete parcheggio?");
    const mine = (await api(app.url, personal, "POST", "/api/v1/messages", { number_id: numberId, to: "+393471110002", type: "text", text: { body: "Alle 9." } })).json.data.id;
    const theirs = (await send("+393471110003", "Sì, in via Roma.")).json.data.id;
    const row = (id: string) => app.deps.db.query<{ author_kind: string; author_id: string; last_reply_at: number | null }>("SELECT m.author_kind, m.author_id, c.last_reply_at FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?").get(Number(id))!;
    expect(row(mine)).toMatchObject({ author_kind: "agent", author_id: user.id });
    expect(row(mine).last_reply_at).not.toBeNull();
    expect(row(theirs)).toMatchObject({ author_kind: "api", last_reply_at: null });
  });

  test("a burst of 100 messages to one number leaves evenly at its rate (120/min, paced 1% under: every ~505 ms)", async () => {
    const phones = Array.from({ length: 100 }, (_, i) => `+3934722${String(i).padStart(5, "0")}`);
    for (const p of phones) await customerWrites(p, `hello ${p}`);
    const ids: string[] = [];
    for (const p of phones) ids.push((await send(p, `burst to ${p}`)).json.data.id);
    const times = () =>
      app.deps.db.query<{ created_at: number }>("SELECT created_at FROM sim_messages WHERE direction = 'out' AND payload LIKE '%burst to%' ORDER BY id").all().map((r) => r.created_at);
    for (let i = 0; i < 200 && times().length < 100; i++) await step(500);
    const t = times();
    expect(t.length).toBe(100);
    // Slots are on a grid of 500 / GUARD ms (~505); the simulator stamps a send when it arrives, after each
    // 500 ms step, so a gap is one step, or two where the grid crossed a whole step.
    const gaps = new Set(t.slice(1).map((x, i) => x - t[i]!));
    expect([...gaps].sort()).toEqual([1000, 500]);
    const span = t.at(-1)! - t[0]!;
    expect(span).toBeGreaterThanOrEqual((99 * 500) / GUARD - 1);
    expect(span).toBeLessThanOrEqual((99 * 500) / GUARD + 500);
  }, 60_000);

  test("the simulator's throughput limit (130429) is met by slowing down; nothing is lost", async () => {
    await setLimits({ throughput_per_s: 1 });
    await api(app.url, admin, "PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: 600 });
    const phones = ["+393473330001", "+393473330002", "+393473330003", "+393473330004"];
    for (const p of phones) await customerWrites(p, `tp ${p}`);
    const ids: string[] = [];
    for (const p of phones) ids.push((await send(p, `throttled ${p}`)).json.data.id);
    for (let i = 0; i < 60 && (await Promise.all(ids.map(status))).some((m) => m.status !== "sent" && m.status !== "delivered" && m.status !== "read"); i++) await step(500);
    expect((await Promise.all(ids.map(status))).every((m) => ["sent", "delivered", "read"].includes(m.status))).toBe(true);
    expect((await api(app.url, admin, "GET", `/api/v1/numbers/${numberId}`)).json.data.effective_rate_per_min).toBeLessThan(600);
    await setLimits({ throughput_per_s: 80 });
    await api(app.url, admin, "PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: 120 });
  }, 30_000);

  test("the pair rate (131056) delays only that customer", async () => {
    await setLimits({ pair_burst: 2, pair_every_ms: 6000 });
    await customerWrites("+393474440001", "pair");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await send("+393474440001", `pair ${i}`)).json.data.id);
    for (let i = 0; i < 80 && (await Promise.all(ids.map(status))).some((m) => !["sent", "delivered", "read"].includes(m.status)); i++) await step(1000);
    expect(simOut("393474440001").filter((m) => JSON.parse(m.payload).text?.body?.startsWith("pair ")).length).toBe(4);
    const t = simOut("393474440001").map((m) => m.created_at);
    expect(t.at(-1)! - t[0]!).toBeGreaterThanOrEqual(6000);
    await setLimits({ pair_burst: 45, pair_every_ms: 6000 });
  }, 30_000);

  test("free-form sent past the window fails later with 131047 from the simulator", async () => {
    const n = app.deps.numbers.get(Number(numberId))!;
    const { contact } = app.deps.db.tx(() => app.deps.contacts.resolveOutbound("+393475550001", "it"));
    const m = app.deps.conversations.recordOutbound({ numberId: n.id, contactId: contact.id, type: "text", text: "late", payload: { text: { body: "late" } }, authorKind: "api", authorId: null });
    const r = await app.deps.graph.sendText(app.deps.numbers.target(n), n.phone_number_id, "393475550001", "late", { opaque: "probe:131047" });
    app.deps.conversations.setOpaque(m.id, "probe:131047");
    app.deps.conversations.attachWamid(m.id, r.wamid, []);
    await step(1000);
    await eventually(() => app.deps.conversations.message(m.id)!.status === "failed");
    expect(app.deps.conversations.message(m.id)).toMatchObject({ status: "failed", error_code: 131047 });
  });
});

describe("the portfolio's messaging limit", () => {
  test("templates to new customers beyond the tier wait in the queue, with an alert", async () => {
    app.deps.numbers.applyUpdate(Number(numberId), { messaging_limit_tier: "TIER_50" });
    await setLimits({ messaging_limit: false });
    await api(app.url, admin, "PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: 4800 });
    const ids: string[] = [];
    for (let i = 0; i < 53; i++) {
      const r = await api(app.url, admin, "POST", "/api/v1/messages", { number_id: numberId, to: `+3934766${String(i).padStart(5, "0")}`, type: "template", template: { name: "hello_world", language: { code: "en_US" } } });
      expect(r.status).toBe(202);
      ids.push(r.json.data.id);
    }
    const left = () => app.deps.db.query<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE id IN (${ids.join(",")}) AND status <> 'queued'`).get()!.n;
    for (let i = 0; i < 240 && left() < 50; i++) await step(1000);
    for (let i = 0; i < 10; i++) await step(1000);
    expect(left()).toBe(50);
    expect(app.deps.alerts.listOpen().some((a) => a.title.includes("Messaging limit reached"))).toBe(true);
    await step(24 * 3_600_000);
    await eventually(async () => (await Promise.all(ids.map(status))).every((m) => m.status !== "queued"), 10_000);
  }, 60_000);
});
