// The outbox and the paced send loop against a bare fake Graph server with scripted faults, on the injected
// clock: even spacing, lanes, the default ramp, every error class, status-before-response, outage recovery
// without a burst (R3), the window re-check at dequeue, STOP, retry and idempotency.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, ownerActor, startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";
import { fakeNumber, startFakeGraph, type FakeGraph } from "./support/fake-graph";
import { escapedJson, signBody, webhookSecret } from "../src/whatsapp";
import { GUARD } from "../src/outbox/pacer";

/** The pacer runs 1% under the configured rate (see pacer.ts): one send per this many ms, on whole-ms timers. */
const every = (perMin: number) => Math.ceil(60_000 / (perMin * GUARD));
/** A gap between two sends on the 1%-under grid (timers round each slot up to a whole ms). */
const onGrid = (gap: number, perMin: number) => Math.abs(gap - 60_000 / (perMin * GUARD)) < 1;

let app: TestApp;
let graph: FakeGraph;
let admin: string;
const WABA = "300000000000001";
let seq = 0;

/** Connects a number on the fake and returns its id. */
async function connect(phoneId: string, rate: number | null) {
  const body = { ...fakeNumber(graph, phoneId, WABA, `+39 02 ${phoneId.slice(-7)}`), send_rate_per_min: rate };
  const r = await api(app.url, admin, "POST", "/api/v1/numbers", body);
  expect(r.status).toBe(201);
  return Number(r.json.data.id);
}

/** A customer writes, so the 24-hour window is open (Meta's timestamp = the test clock). */
async function inbound(phoneId: string, wa: string, text = "ciao") {
  const payload = {
    object: "whatsapp_business_account",
    entry: [{ id: WABA, changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "390200000000", phone_number_id: phoneId }, contacts: [{ profile: { name: `C ${wa}` }, wa_id: wa }], messages: [{ from: wa, id: `wamid.IN${++seq}`, timestamp: String(Math.floor(app.clock.now() / 1000)), type: "text", text: { body: text } }] } }] }],
  };
  await postWebhook(payload);
}

async function postWebhook(payload: unknown) {
  const raw = escapedJson(payload);
  const r = await fetch(app.url + "/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, webhookSecret(app.deps.cfg)) }, body: raw });
  expect(r.status).toBe(200);
  app.deps.intake.flush();
  app.deps.processor.drain();
}

/** Moves the clock once nothing is in flight, then waits for the sends it released to finish. */
async function step(ms: number) {
  await eventually(() => app.deps.sendLoops.inFlight() === 0);
  app.clock.advance(ms);
  await eventually(() => app.deps.sendLoops.inFlight() === 0);
}

const sendText = (numberId: number, to: string, body: string, headers: Record<string, string> = {}) =>
  api(app.url, admin, "POST", "/api/v1/messages", { number_id: String(numberId), to, type: "text", text: { body } }, headers);
const attemptsTo = (wa: string) => graph.attempts.filter((a) => a.to === wa);
const status = async (id: string) => (await api(app.url, admin, "GET", `/api/v1/messages/${id}`)).json.data;

beforeAll(async () => {
  graph = startFakeGraph(() => app.clock.now());
  app = await startTestApp({ WA_GRAPH_URL: graph.url, WA_APP_SECRET: "sendloop-secret" });
  admin = app.token("admin");
  graph.templates.set(WABA, [
    { id: "1", name: "ordine_spedito", language: "it", category: "UTILITY", status: "APPROVED", components: [] },
    { id: "2", name: "promo", language: "it", category: "MARKETING", status: "APPROVED", components: [] },
    { id: "3", name: "in_pausa", language: "it", category: "MARKETING", status: "PAUSED", components: [] },
  ]);
});
afterAll(async () => {
  await app.stop();
  graph.stop();
});

describe("the check step at enqueue", () => {
  test("free-form outside the window, unknown and unapproved templates, bad recipients are 422 with their codes", async () => {
    const n = await connect("110000000000001", 60);
    const r = await sendText(n, "+393331000001", "hello");
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe("outside_window");
    const tpl = (name: string) => api(app.url, admin, "POST", "/api/v1/messages", { number_id: String(n), to: "+393331000001", type: "template", template: { name, language: { code: "it" } } });
    expect((await tpl("nope")).json.error.code).toBe("unknown_template");
    expect((await tpl("in_pausa")).json.error.code).toBe("template_not_approved");
    expect((await sendText(n, "not a phone", "x")).json.error.code).toBe("invalid_recipient");
    const missing = await api(app.url, admin, "POST", "/api/v1/messages", { number_id: String(n), to: "+393331000001", type: "text" });
    expect(missing.json.error.fields[0]).toEqual({ field: "text", message: "is required when type is text" });
    const ok = await tpl("ordine_spedito");
    expect(ok.status).toBe(202);
    expect(ok.json.data.status).toBe("queued");
    await eventually(() => attemptsTo("393331000001").length === 1);
  });
});

describe("pacing", () => {
  test("a burst of replies leaves evenly at the number's rate (60/min: one a second, paced 1% under)", async () => {
    const n = await connect("110000000000002", 60);
    await inbound("110000000000002", "393332000001");
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await sendText(n, "+393332000001", `m${i}`);
      ids.push(r.json.data.id);
    }
    await eventually(() => attemptsTo("393332000001").length === 1);
    for (let i = 1; i < 6; i++) {
      await step(every(60));
      await eventually(() => attemptsTo("393332000001").length === i + 1);
    }
    const at = attemptsTo("393332000001").map((a) => a.at);
    expect(at.slice(1).map((t, i) => onGrid(t - at[i]!, 60))).toEqual([true, true, true, true, true]);
    await eventually(async () => (await status(ids[5]!)).status === "sent");
    expect((await status(ids[0]!)).wamid).toMatch(/^wamid\.FAKE/);
  });

  test("a number left at the default rate starts at 20/min (one send every 3 s, paced 1% under)", async () => {
    const n = await connect("110000000000003", null);
    await inbound("110000000000003", "393333000001");
    for (let i = 0; i < 3; i++) await sendText(n, "+393333000001", `r${i}`);
    await eventually(() => attemptsTo("393333000001").length === 1);
    await step(every(20) - 1);
    expect(attemptsTo("393333000001").length).toBe(1);
    await step(1);
    await eventually(() => attemptsTo("393333000001").length === 2);
    expect((await api(app.url, admin, "GET", `/api/v1/numbers/${n}`)).json.data.effective_rate_per_min).toBe(20);
  });

  test("replies overtake bulk already in the queue", async () => {
    const n = await connect("110000000000004", 60);
    await inbound("110000000000004", "393334000001");
    await inbound("110000000000004", "393334000002");
    for (let i = 0; i < 3; i++) {
      app.deps.outbox.enqueue({ numberId: n, to: "+393334000001", type: "template", content: { name: "ordine_spedito", language: { code: "it" } }, authorKind: "campaign", authorId: "c1", lane: 1 });
    }
    await eventually(() => attemptsTo("393334000001").length === 1);
    await sendText(n, "+393334000002", "a reply");
    await step(every(60));
    await eventually(() => graph.attempts.filter((a) => a.to.startsWith("39333400")).length === 2);
    expect(graph.attempts.filter((a) => a.to.startsWith("39333400")).map((a) => a.to)).toEqual(["393334000001", "393334000002"]);
  });
});

describe("error classes", () => {
  test("a network error retries with backoff and the message ends sent", async () => {
    const n = await connect("120000000000001", 60);
    await inbound("120000000000001", "393341000001");
    graph.nextSendErrors.push("network");
    const id = (await sendText(n, "+393341000001", "retry me")).json.data.id;
    await eventually(() => attemptsTo("393341000001").length === 1);
    expect((await status(id)).status).toBe("sending");
    await step(2000);
    await eventually(() => attemptsTo("393341000001").length === 2);
    await eventually(async () => (await status(id)).status === "sent");
  });

  test("130429 halves the number's rate: the next sends are two seconds apart", async () => {
    const n = await connect("120000000000002", 60);
    await inbound("120000000000002", "393342000001");
    graph.nextSendErrors.push(130429);
    for (let i = 0; i < 3; i++) await sendText(n, "+393342000001", `t${i}`);
    await eventually(() => attemptsTo("393342000001").length === 1);
    for (let i = 0; i < 8 && attemptsTo("393342000001").length < 4; i++) await step(1000);
    const at = attemptsTo("393342000001").map((a) => a.at);
    expect(at.length).toBe(4);
    // Slots every ~2,020 ms (30/min, 1% under); the fake Graph stamps a call when it arrives, after the 1 s step.
    expect(at.slice(2).map((t, i) => t - at[i + 1]!)).toEqual([2000, 2000]);
    expect((await api(app.url, admin, "GET", `/api/v1/numbers/${n}`)).json.data.effective_rate_per_min).toBe(30);
  });

  test("131056 makes only that recipient wait; the others go on", async () => {
    const n = await connect("120000000000003", 60);
    await inbound("120000000000003", "393343000001");
    await inbound("120000000000003", "393343000002");
    graph.nextSendErrors.push(131056);
    // Queued in one synchronous go, so all three wait before Meta's first answer arrives.
    for (const [to, body] of [["+393343000001", "a1"], ["+393343000001", "a2"], ["+393343000002", "b1"]] as const) {
      app.deps.outbox.enqueue({ numberId: n, to, type: "text", content: { body }, authorKind: "api", authorId: null });
    }
    await eventually(() => attemptsTo("393343000001").length === 1);
    await step(every(60));
    await eventually(() => attemptsTo("393343000002").length === 1);
    const order = () => graph.attempts.filter((a) => a.to.startsWith("39334300")).map((a) => `${a.to.slice(-1)}:${(a.body.text as { body: string }).body}`);
    expect(order()).toEqual(["1:a1", "2:b1"]);
    await step(every(60));
    await eventually(() => order().length === 3);
    await step(every(60));
    await eventually(() => order().length === 4);
    expect(order().slice(2)).toEqual(["1:a1", "1:a2"]);
  });

  test("190 stops the number with an alert; messages wait; a new token resumes sending", async () => {
    const n = await connect("120000000000004", 60);
    await inbound("120000000000004", "393344000001");
    graph.nextSendErrors.push(190);
    const id = (await sendText(n, "+393344000001", "after the token")).json.data.id;
    await eventually(() => attemptsTo("393344000001").length === 1);
    await eventually(async () => (await api(app.url, admin, "GET", `/api/v1/numbers/${n}`)).json.data.status === "error");
    expect(app.deps.alerts.listOpen().some((a) => a.level === "critical" && a.title.includes("stopped sending"))).toBe(true);
    await step(10_000);
    expect(attemptsTo("393344000001").length).toBe(1);
    expect((await api(app.url, admin, "PATCH", `/api/v1/numbers/${n}`, { access_token: "good-token-123" })).json.data.status).toBe("connected");
    await eventually(() => attemptsTo("393344000001").length === 2);
    await eventually(async () => (await status(id)).status === "sent");
  });

  test("a final error fails the message with Meta's code; retry really re-queues it", async () => {
    const n = await connect("120000000000005", 60);
    await inbound("120000000000005", "393345000001");
    graph.nextSendErrors.push(131009);
    const id = (await sendText(n, "+393345000001", "bad param")).json.data.id;
    await eventually(async () => (await status(id)).status === "failed");
    expect((await status(id)).error.code).toBe(131009);
    expect(app.deps.outbox.depth(n)).toBe(0);
    const again = await api(app.url, admin, "POST", `/api/v1/messages/${id}/retry`);
    expect(again.json.data.status).toBe("queued");
    expect(app.deps.outbox.depth(n)).toBe(1);
    await step(every(60));
    await eventually(async () => (await status(id)).status === "sent");
    await eventually(() => app.deps.outbox.depth(n) === 0);
    expect(attemptsTo("393345000001").length).toBe(2);
    expect((await api(app.url, admin, "POST", `/api/v1/messages/${id}/retry`)).json.error.code).toBe("not_failed");
  });

  test("a status webhook that arrives before the send response is kept (matched by biz_opaque_callback_data)", async () => {
    const n = await connect("120000000000006", 60);
    await inbound("120000000000006", "393346000001");
    graph.beforeRespond = async (body, wamid) => {
      graph.beforeRespond = null;
      await postWebhook({ object: "whatsapp_business_account", entry: [{ id: WABA, changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "1", phone_number_id: "120000000000006" }, statuses: [{ id: wamid, status: "delivered", timestamp: String(Math.floor(app.clock.now() / 1000)), recipient_id: "393346000001", biz_opaque_callback_data: body.biz_opaque_callback_data }] } }] }] });
    };
    const id = (await sendText(n, "+393346000001", "fast status")).json.data.id;
    await eventually(async () => (await status(id)).wamid !== null);
    await step(0);
    expect((await status(id)).status).toBe("delivered");
  });
});

describe("outage (R3)", () => {
  test("a Graph outage loses nothing and recovery never bursts above the rate", async () => {
    const n = await connect("130000000000001", 60);
    await inbound("130000000000001", "393351000001");
    graph.outage = true;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await sendText(n, "+393351000001", `o${i}`)).json.data.id);
    for (let s = 0; s < 60; s++) await step(1000);
    graph.outage = false;
    const done = async () => (await Promise.all(ids.map(status))).filter((m) => m.status === "sent").length;
    for (let s = 0; s < 400 && (await done()) < ids.length; s++) await step(1000);
    const sent = (await Promise.all(ids.map(status))).filter((m) => m.status === "sent").length;
    expect(sent).toBe(8);
    const at = attemptsTo("393351000001").map((a) => a.at);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000);
  }, 30_000);
});

describe("the window at dequeue, STOP, idempotency", () => {
  test("a reply that waited past the window is cancelled with the reason, not sent", async () => {
    const n = await connect("140000000000001", 60);
    await inbound("140000000000001", "393361000001");
    graph.nextSendErrors.push(190);
    const late = (await sendText(n, "+393361000001", "stuck behind a stopped number")).json.data.id;
    await eventually(async () => (await api(app.url, admin, "GET", `/api/v1/numbers/${n}`)).json.data.status === "error");
    await step(25 * 3_600_000);
    await api(app.url, admin, "PATCH", `/api/v1/numbers/${n}`, { access_token: "good-token-123" });
    await eventually(async () => (await status(late)).status === "cancelled");
    expect((await status(late)).error).toEqual({ code: "outside_window", message: expect.stringContaining("24 hours") });
    expect(app.deps.outbox.depth(n)).toBe(0);
    expect(attemptsTo("393361000001").length).toBe(1);
  });

  test("STOP opts the customer out with one confirmation; marketing is then refused, utility still allowed", async () => {
    const n = await connect("140000000000002", 60);
    await inbound("140000000000002", "393362000001", " stop ");
    await eventually(() => attemptsTo("393362000001").length === 1);
    expect((attemptsTo("393362000001")[0]!.body.text as { body: string }).body).toContain("START");
    await step(1000);
    await inbound("140000000000002", "393362000001", "STOP");
    await step(5000);
    expect(attemptsTo("393362000001").length).toBe(1);
    const promo = await api(app.url, admin, "POST", "/api/v1/messages", { number_id: String(n), to: "+393362000001", type: "template", template: { name: "promo", language: { code: "it" } } });
    expect(promo.json.error.code).toBe("opted_out");
    const utility = await api(app.url, admin, "POST", "/api/v1/messages", { number_id: String(n), to: "+393362000001", type: "template", template: { name: "ordine_spedito", language: { code: "it" } } });
    expect(utility.status).toBe(202);
    await inbound("140000000000002", "393362000001", "start");
    expect(app.deps.db.query<{ opted_out: number }>("SELECT opted_out FROM contacts WHERE wa_id = '393362000001'").get()!.opted_out).toBe(0);
  });

  test("the same Idempotency-Key returns the first answer and sends once; another body with it is refused", async () => {
    const n = await connect("140000000000003", 60);
    await inbound("140000000000003", "393363000001");
    const h = { "idempotency-key": "order-77-shipped" };
    const a = await sendText(n, "+393363000001", "once", h);
    const b = await sendText(n, "+393363000001", "once", h);
    expect(b.json.data.id).toBe(a.json.data.id);
    expect(b.headers.get("idempotent-replay")).toBe("true");
    expect((await sendText(n, "+393363000001", "twice?", h)).json.error.code).toBe("idempotency_key_reused");
    await eventually(() => attemptsTo("393363000001").length === 1);
    await step(5000);
    expect(attemptsTo("393363000001").length).toBe(1);
  });

  test("an agent may send only from numbers its teams serve", async () => {
    const n = await connect("140000000000004", 60);
    await inbound("140000000000004", "393364000001");
    const agentId = await app.user("agent", "sender@test.local");
    const token = app.deps.tokens.create({ name: "agent-sender", user: "sender@test.local" }, { actor: ownerActor(app.deps) }).token;
    const body = { number_id: String(n), to: "+393364000001", type: "text", text: { body: "hi" } };
    const denied = await api(app.url, token, "POST", "/api/v1/messages", body);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("number_not_allowed");
    const team = app.deps.teams.create({ name: "Sender team" }, { actor: ownerActor(app.deps) });
    app.deps.teams.addMember(team.id, agentId, { actor: ownerActor(app.deps) });
    await api(app.url, admin, "PATCH", `/api/v1/numbers/${n}`, { team_ids: [String(team.id)] });
    expect((await api(app.url, token, "POST", "/api/v1/messages", body)).status).toBe(202);
  });

  test("/healthz reports the send loop: sending while messages wait, stalled when a number stopped", async () => {
    const h = await (await fetch(app.url + "/healthz")).json();
    expect(["idle", "sending", "stalled"]).toContain(h.send_loop);
    expect(typeof h.queued).toBe("number");
  });

  test("the in-memory queue depth matches the outbox table for every number after everything above", async () => {
    // Every path ran in this file: sent, retried, throttled, held for the pair rate, stopped, failed, cancelled.
    await eventually(() => app.deps.sendLoops.inFlight() === 0);
    const table = () => app.deps.db.query<{ number_id: number; n: number }>("SELECT number_id, count(*) AS n FROM outbox GROUP BY number_id").all();
    // A missed decrement (or a rolled-back increment that counted) would leave a number off here.
    const rows = table();
    const numbers = app.deps.numbers.list().map((x) => x.id);
    const expected = numbers.map((id) => rows.find((r) => r.number_id === id)?.n ?? 0);
    expect(numbers.map((id) => app.deps.outbox.depth(id))).toEqual(expected);
    app.deps.outbox.recount();
    expect(numbers.map((id) => app.deps.outbox.depth(id))).toEqual(expected);
  });

  test("queue depth and send rate are in /metrics", async () => {
    const text = await (await fetch(app.url + "/metrics")).text();
    expect(text).toContain("# TYPE centralino_outbox_depth gauge");
    expect(text).toMatch(/centralino_send_rate_per_min\{number="\d+"\} \d+/);
    expect(text).toContain("centralino_messages_sent_total");
  });
});
