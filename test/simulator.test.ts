// The built-in simulator over real HTTP (PRODUCT.md C4): the demo number connects through the fake Graph API,
// fake customers' messages (text, image, taps) reach the app as signed, unicode-escaped webhooks, the app's
// Graph client is answered like Meta (errors included) and status webhooks come back on the injected clock,
// faults misbehave on request, and the phone page renders safely. SIMULATOR=off hides all of it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually, startTestApp, type TestApp } from "./support/app";
import { api, type Client } from "./support/client";
import { GraphError } from "../src/whatsapp";
import { signBody, webhookSecret } from "../src/whatsapp";
import { DEMO } from "../src/simulator";
import type { NumberRow } from "../src/numbers";
import { fakeNumber, startFakeGraph } from "./support/fake-graph";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const HOSTILE = `<img src=x onerror="alert(1)"><script>alert(1)</script>`;

let app: TestApp;
let token: string;
let owner: Client;
let number: NumberRow;

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "on" });
  token = app.token("owner");
  owner = await app.as("owner");
  number = app.deps.numbers.byPhoneId(DEMO.phone_number_id)!;
});
afterAll(() => app.stop());

const target = () => app.deps.numbers.target(number);
const graphUrl = (path: string) => `${app.url}/simulator/graph/v23.0/${path}`;

/** A fake customer writes through the simulator API; resolves with its sim ids. */
async function customerSays(phone: string, body: Record<string, unknown>) {
  const r = await api(app.url, token, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, body);
  expect(r.status).toBe(202);
  return r.json.data as { wamid: string; wa_id: string; customer_id: string };
}

/** The app's stored message with this wamid, once the webhook has been processed. */
const appMessage = (wamid: string) => found(() => app.deps.db.query<{ id: number; conversation_id: number; contact_id: number; type: string; text: string; payload: string }>("SELECT * FROM messages WHERE wamid = ?").get(wamid));

/** An outbound message row in the app for `contactId`, and its send through the app's own Graph client. */
async function businessSends(contactId: number, to: string, send: (opaque: string) => Promise<{ wamid: string }>) {
  const opaque = `ob-${crypto.randomUUID()}`;
  const row = app.deps.conversations.recordOutbound({ numberId: number.id, contactId, type: "text", text: "x", payload: {}, authorKind: "api", authorId: null, opaque });
  const { wamid } = await send(opaque);
  app.deps.conversations.attachWamid(row.id, wamid, []);
  return { id: row.id, wamid, opaque, to };
}

/** Like eventually(), for a value that is null until it exists. */
const found = <T>(fn: () => T | null | undefined | Promise<T | null | undefined>) => eventually(fn) as Promise<T>;

const status = (id: number) => app.deps.conversations.message(id)?.status;

describe("demo mode", () => {
  test("the demo number is connected through the fake Graph API, with its templates synced", () => {
    expect(number).toBeTruthy();
    expect(number.simulated).toBe(1);
    expect(number.status).toBe("connected");
    expect(number.verified_name).toBe(DEMO.name);
    expect(number.quality_rating).toBe("GREEN");
    const templates = app.deps.numbers.templates(DEMO.waba_id).map((t) => `${t.name}:${t.status}`).sort();
    expect(templates).toEqual(["hello_world:APPROVED", "ordine_spedito:APPROVED", "promo_estate:PAUSED"]);
  });
});

describe("customers write", () => {
  test("a text arrives in the app as a message, signed and unicode-escaped like Meta's", async () => {
    const sent = await customerSays("+393331234567", { type: "text", text: { body: "Ciao! Caffè ☕" } });
    const m = await appMessage(sent.wamid);
    const r = await api(app.url, token, "GET", `/api/v1/conversations/${m.conversation_id}/messages`);
    const got = r.json.data.find((x: { wamid: string }) => x.wamid === sent.wamid);
    expect(got).toMatchObject({ type: "text", text: "Ciao! Caffè ☕", direction: "in" });
    const raw = app.deps.db.query<{ body: string }>("SELECT body FROM webhook_events WHERE body LIKE ?").get(`%${sent.wamid}%`)!.body;
    expect(raw).toContain("Caff\\u00e8 \\u2615");
    expect(/[^\x00-\x7f]/.test(raw)).toBe(false);
    const env = JSON.parse(raw);
    expect(env.entry[0].id).toBe(DEMO.waba_id);
    expect(env.entry[0].changes[0].value.metadata).toEqual({ display_phone_number: "390212345678", phone_number_id: DEMO.phone_number_id });
    expect(env.entry[0].changes[0].value.contacts[0]).toEqual({ profile: { name: "Giulia Rossi" }, wa_id: "393331234567" });
    expect(env.entry[0].changes[0].value.messages[0].timestamp).toMatch(/^\d{10}$/);
  });

  test("the signature is over the exact bytes: the stored body verifies, a tampered one is refused", async () => {
    const raw = app.deps.db.query<{ body: string }>("SELECT body FROM webhook_events ORDER BY id LIMIT 1").get()!.body;
    const post = (sig: string) => fetch(`${app.url}/webhooks/whatsapp`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body: raw });
    expect((await post(signBody(raw, webhookSecret(app.deps.cfg)))).status).toBe(200);
    expect((await post(signBody(raw + " ", webhookSecret(app.deps.cfg)))).status).toBe(401);
  });

  test("an image is stored at the fake Meta and downloaded by the app's media fetcher, bytes intact", async () => {
    const sent = await customerSays("+393471112233", { type: "image", image: { data_base64: PNG.toString("base64"), mime_type: "image/png", caption: "Lo scontrino" } });
    const m = await appMessage(sent.wamid);
    expect(m.type).toBe("image");
    const media = await found(() => {
      const x = app.deps.media.forMessage(m.id);
      return x?.status === "ready" ? x : null;
    });
    expect(media.mime_type).toBe("image/png");
    expect(Buffer.from(readFileSync(join(app.dataDir, "media", media.path!))).equals(PNG)).toBe(true);
  });

  test("a tap on a business message's reply button arrives as interactive, pointing at that message", async () => {
    const sent = await customerSays("+393209876543", { type: "text", text: { body: "Avete la taglia M?" } });
    const inbound = await appMessage(sent.wamid);
    const interactive = { type: "button", body: { text: "Vuoi che ti richiamiamo?" }, action: { buttons: [{ type: "reply", reply: { id: "call-yes", title: "Sì, grazie" } }, { type: "reply", reply: { id: "call-no", title: "No" } }] } };
    const { wamid } = await app.deps.graph.sendInteractive(target(), number.phone_number_id, "+393209876543", interactive);
    const page = await owner.get(`/simulator?number=1&customer=${sent.customer_id}`);
    expect(page.text).toContain("Sì, grazie");
    const r = await owner.post("/simulator/taps", { number: "1", customer: sent.customer_id, wamid, reply: "0" });
    expect(r.status).toBe(303);
    const reply = await found(() => app.deps.db.query<{ type: string; text: string; context_wamid: string | null; contact_id: number }>("SELECT * FROM messages WHERE context_wamid = ?").get(wamid));
    expect(reply).toMatchObject({ type: "interactive", text: "Sì, grazie", contact_id: inbound.contact_id });
  });

  test("a list row tap is a list_reply; a template quick reply is a `button` with its payload", async () => {
    const sent = await customerSays("+393209876543", { type: "text", text: { body: "Menu?" } });
    await appMessage(sent.wamid);
    const list = { type: "list", body: { text: "Scegli" }, action: { button: "Opzioni", sections: [{ title: "Negozio", rows: [{ id: "hours", title: "Orari" }, { id: "where", title: "Dove siamo", description: "Via Roma 1" }] }] } };
    const l = await app.deps.graph.sendInteractive(target(), number.phone_number_id, "+393209876543", list);
    const components = [{ type: "body", parameters: [{ type: "text", text: "Francesca" }, { type: "text", text: "B-7" }] }, { type: "button", sub_type: "quick_reply", index: "1", parameters: [{ type: "payload", payload: "WHERE-B7" }] }];
    const t = await app.deps.graph.sendTemplate(target(), number.phone_number_id, "+393209876543", { name: "ordine_spedito", language: { code: "it" }, components });
    await owner.get(`/simulator?number=1&customer=${sent.customer_id}`);
    await owner.post("/simulator/taps", { number: "1", customer: sent.customer_id, wamid: l.wamid, reply: "1" });
    await owner.post("/simulator/taps", { number: "1", customer: sent.customer_id, wamid: t.wamid, reply: "1" });
    const byContext = (wamid: string) => found(() => app.deps.db.query<{ type: string; text: string; payload: string }>("SELECT * FROM messages WHERE context_wamid = ?").get(wamid));
    const row = await byContext(l.wamid);
    expect(row.type).toBe("interactive");
    expect(JSON.parse(row.payload).interactive).toEqual({ type: "list_reply", list_reply: { id: "where", title: "Dove siamo", description: "Via Roma 1" } });
    const quick = await byContext(t.wamid);
    expect(quick.type).toBe("button");
    expect(JSON.parse(quick.payload).button).toEqual({ payload: "WHERE-B7", text: "Dov'è il pacco?" });
  });

  test("a webhook the app does not take is retried with growing delays, with the same body", async () => {
    const bodies: { body: string; at: number }[] = [];
    // A stand-in for the app's webhook endpoint: refuses our message twice, passes everything else on to the app.
    const stub = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (req) => {
        const body = await req.text();
        if (body.includes("Ritenta")) bodies.push({ body, at: app.clock.now() });
        if (body.includes("Ritenta") && bodies.length <= 2) return new Response("busy", { status: 500 });
        const headers = { "content-type": "application/json", "x-hub-signature-256": req.headers.get("x-hub-signature-256")! };
        return fetch(`${app.url}/webhooks/whatsapp`, { method: "POST", headers, body });
      },
    });
    const self = app.deps.runtime.selfUrl;
    app.deps.runtime.selfUrl = `http://127.0.0.1:${stub.port}`;
    try {
      const sent = await customerSays("+393331234567", { type: "text", text: { body: "Ritenta" } });
      await eventually(() => bodies.length === 1);
      // Step virtual time until both retries have come (each is scheduled when the refusal comes back).
      await eventually(async () => {
        app.clock.advance(100);
        await Bun.sleep(5);
        return bodies.length === 3;
      });
      await appMessage(sent.wamid);
      expect(new Set(bodies.map((b) => b.body)).size).toBe(1);
      const gaps = [bodies[1]!.at - bodies[0]!.at, bodies[2]!.at - bodies[1]!.at];
      expect(gaps[0]).toBeGreaterThanOrEqual(1000);
      expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    } finally {
      app.deps.runtime.selfUrl = self;
      stub.stop(true);
    }
  });

  test("the phone page refuses a photo that is not JPEG or PNG, with a clear message", async () => {
    await owner.get("/simulator");
    const form = new FormData();
    form.set("_csrf", owner.csrf);
    form.set("number", "1");
    form.set("customer", "1");
    form.set("file", new File([Buffer.from("GIF89a....")], "a.gif", { type: "image/gif" }));
    const r = await owner.request("POST", "/simulator/images", { body: form });
    expect(r.status).toBe(422);
    expect(r.text).toContain("Only JPEG and PNG");
  });
});

describe("the fake Graph API answers the app's client like Meta", () => {
  test("a text send is accepted and sent, delivered and read status webhooks follow on the clock", async () => {
    const sent = await customerSays("+393331234567", { type: "text", text: { body: "Mi rispondete?" } });
    const inbound = await appMessage(sent.wamid);
    const out = await businessSends(inbound.contact_id, "+393331234567", (opaque) => app.deps.graph.sendText(target(), number.phone_number_id, "+393331234567", "Ciao", { opaque }));
    expect(out.wamid).toStartWith("wamid.");
    app.clock.advance(300);
    await eventually(() => status(out.id) === "sent");
    app.clock.advance(500);
    await eventually(() => status(out.id) === "delivered");
    app.clock.advance(1200);
    await eventually(() => status(out.id) === "read");
    const raw = app.deps.db.query<{ body: string }>("SELECT body FROM webhook_events WHERE body LIKE ? AND body LIKE '%\"read\"%'").get(`%${out.wamid}%`)!.body;
    const s = JSON.parse(raw).entry[0].changes[0].value.statuses[0];
    expect(s).toMatchObject({ id: out.wamid, status: "read", recipient_id: "393331234567", biz_opaque_callback_data: out.opaque, pricing: { pricing_model: "PMP", category: "service", type: "free_customer_service", billable: false } });
  });

  test("mark-as-read answers success and turns the customer's message blue on the phone", async () => {
    const sent = await customerSays("+393331234567", { type: "text", text: { body: "Letto?" } });
    await appMessage(sent.wamid);
    const onPhone = () => app.deps.db.query<{ status: string }>("SELECT status FROM sim_messages WHERE wamid = ?").get(sent.wamid)!.status;
    expect(onPhone()).toBe("delivered");
    await app.deps.graph.markRead(target(), number.phone_number_id, sent.wamid);
    expect(onPhone()).toBe("read");
  });

  test("a wrong Bearer token is refused with code 190, an unknown id with 100/33", async () => {
    const bad = await fetch(graphUrl(`${DEMO.phone_number_id}?fields=id`), { headers: { authorization: "Bearer nope" } });
    expect(bad.status).toBe(401);
    expect((await bad.json()).error).toMatchObject({ code: 190, type: "OAuthException" });
    const e = await app.deps.graph.phoneNumber(target(), "999999999999").catch((x) => x);
    expect(e).toBeInstanceOf(GraphError);
    expect([e.code, e.subcode]).toEqual([100, 33]);
  });

  test("templates: unknown is 132001, paused is 132015, approved is accepted with its category's pricing", async () => {
    const send = (name: string, language = "it", components: unknown[] = []) => app.deps.graph.sendTemplate(target(), number.phone_number_id, "+393331234567", { name, language: { code: language }, components });
    const unknown = await send("non_esiste").catch((x) => x);
    expect(unknown.code).toBe(132001);
    expect(unknown.message).toBe("(#132001) Template name does not exist in the translation");
    expect((await send("promo_estate").catch((x) => x)).code).toBe(132015);
    expect((await send("ordine_spedito").catch((x) => x)).code).toBe(132000);
    const ok = await send("ordine_spedito", "it", [{ type: "body", parameters: [{ type: "text", text: "Giulia" }, { type: "text", text: "A-1042" }] }]);
    expect(ok.messageStatus).toBe("accepted");
    const page = await owner.get("/simulator?number=1&customer=1");
    expect(page.text).toContain("Ciao Giulia, il tuo ordine A-1042 è stato spedito!");
  });

  test("invalid bodies get Meta's codes: 100 for a missing parameter, 131008 inside the message", async () => {
    const post = (body: unknown) => fetch(graphUrl(`${DEMO.phone_number_id}/messages`), { method: "POST", headers: { authorization: `Bearer ${target().token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const noTo = await (await post({ messaging_product: "whatsapp", type: "text", text: { body: "x" } })).json();
    expect(noTo.error).toMatchObject({ code: 100, message: "(#100) The parameter to is required.", type: "OAuthException" });
    expect(noTo.error.fbtrace_id).toBeString();
    const noBody = await (await post({ messaging_product: "whatsapp", to: "+393331234567", type: "text", text: {} })).json();
    expect(noBody.error).toMatchObject({ code: 131008, error_data: { messaging_product: "whatsapp" } });
  });

  test("media upload returns an id whose URL downloads only with the token", async () => {
    const id = await app.deps.graph.uploadMedia(target(), number.phone_number_id, new Blob([PNG]), "image/png", "logo.png");
    const info = await app.deps.graph.mediaInfo(target(), id);
    expect(info).toMatchObject({ id, mime_type: "image/png", file_size: PNG.length });
    expect((await fetch(info.url)).status).toBe(401);
    const { bytes } = await app.deps.graph.download(target(), info.url, 1e6);
    expect(Buffer.from(bytes).equals(PNG)).toBe(true);
    const html = await app.deps.graph.uploadMedia(target(), number.phone_number_id, new Blob(["<html>"]), "image/png").catch((x) => x);
    expect(html.code).toBe(131053);
  });

  test("a created template is PENDING, then APPROVED (or REJECTED) by webhook after the review delay", async () => {
    const body = (name: string) => ({ name, language: "it", category: "UTILITY", components: [{ type: "BODY", text: "Il tuo codice è {{1}}" }] });
    const made = await app.deps.graph.createTemplate(target(), DEMO.waba_id, body("codice_accesso"));
    expect(made).toMatchObject({ status: "PENDING", category: "UTILITY" });
    await app.deps.graph.createTemplate(target(), DEMO.waba_id, body("da_reject"));
    await app.deps.numbers.syncTemplates(number.id);
    app.clock.advance(3000);
    await eventually(() => app.deps.numbers.template(DEMO.waba_id, "codice_accesso", "it")?.status === "APPROVED");
    await eventually(() => app.deps.numbers.template(DEMO.waba_id, "da_reject", "it")?.status === "REJECTED");
  });

  test("the template list pages like Meta's, with cursors and a next link", async () => {
    const first = await app.deps.graph.call<{ data: { name: string }[]; paging: { cursors: { after: string }; next?: string } }>(target(), "GET", `${DEMO.waba_id}/message_templates?limit=2&fields=name,status`);
    expect(first.data).toHaveLength(2);
    expect(Object.keys(first.data[0]!).sort()).toEqual(["id", "name", "status"]);
    expect(first.paging.next).toContain("after=");
    const all = await app.deps.graph.listTemplates(target(), DEMO.waba_id);
    expect(all.map((t) => t.name)).toContain("ordine_spedito");
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
  });
});

describe("faults", () => {
  afterAll(() => api(app.url, token, "DELETE", "/api/v1/simulator/faults"));

  test("outage: every Graph call answers 503 with Meta's code 2", async () => {
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { outage: "error" });
    const r = await fetch(graphUrl(`${DEMO.phone_number_id}?fields=id`), { headers: { authorization: `Bearer ${target().token}` } });
    expect(r.status).toBe(503);
    const e = (await r.json()).error;
    expect(e).toMatchObject({ code: 2, type: "OAuthException", message: "(#2) Service temporarily unavailable", error_data: { messaging_product: "whatsapp" } });
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { outage: "off" });
  });

  test("next_errors: synchronous codes fail the call; asynchronous ones come back as a failed status", async () => {
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { next_errors: { count: 1, code: 130429, mode: "sync" } });
    const e = await app.deps.graph.sendText(target(), number.phone_number_id, "+393331234567", "uno").catch((x) => x);
    expect([e.code, e.httpStatus]).toEqual([130429, 429]);
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { next_errors: { count: 1, code: 131047, mode: "async" } });
    const contact = (await appMessage((await customerSays("+393331234567", { type: "text", text: { body: "hey" } })).wamid)).contact_id;
    const out = await businessSends(contact, "+393331234567", (opaque) => app.deps.graph.sendText(target(), number.phone_number_id, "+393331234567", "due", { opaque }));
    app.clock.advance(300);
    await eventually(() => status(out.id) === "failed");
    expect(app.deps.conversations.message(out.id)!.error_code).toBe(131047);
  });

  test("duplicate_ratio=1 posts every webhook twice; the app stores the message once", async () => {
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { duplicate_ratio: 1 });
    const sent = await customerSays("+393331234567", { type: "text", text: { body: "doppio" } });
    await eventually(() => app.deps.db.query<{ n: number }>("SELECT count(*) AS n FROM webhook_events WHERE body LIKE ?").get(`%${sent.wamid}%`)!.n === 2);
    await eventually(() => app.deps.db.query<{ n: number }>("SELECT count(*) AS n FROM webhook_events WHERE body LIKE ? AND status = 'pending'").get(`%${sent.wamid}%`)!.n === 0);
    expect(app.deps.db.query<{ n: number }>("SELECT count(*) AS n FROM messages WHERE wamid = ?").get(sent.wamid)!.n).toBe(1);
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { duplicate_ratio: 0 });
  });

  test("batch packs several changes into one POST; reorder sends read before sent", async () => {
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { batch: true, batch_window_ms: 100 });
    const a = await customerSays("+393331234567", { type: "text", text: { body: "primo" } });
    const b = await customerSays("+393331234567", { type: "text", text: { body: "secondo" } });
    app.clock.advance(100);
    const row = await found(() => app.deps.db.query<{ body: string }>("SELECT body FROM webhook_events WHERE body LIKE ? AND body LIKE ?").get(`%${a.wamid}%`, `%${b.wamid}%`));
    expect(JSON.parse(row.body).entry[0].changes[0].value.messages).toHaveLength(2);
    await api(app.url, token, "POST", "/api/v1/simulator/faults", { batch: false, reorder: true });
    const inbound = await appMessage(b.wamid);
    const out = await businessSends(inbound.contact_id, "+393331234567", (opaque) => app.deps.graph.sendText(target(), number.phone_number_id, "+393331234567", "ordine?", { opaque }));
    const rows = () => app.deps.db.query<{ body: string }>("SELECT body FROM webhook_events WHERE body LIKE ? ORDER BY id").all(`%${out.wamid}%`);
    app.clock.advance(300);
    await eventually(() => status(out.id) === "read");
    app.clock.advance(500);
    await eventually(() => rows().length === 2);
    app.clock.advance(1200);
    await eventually(() => rows().length === 3);
    const statuses = rows().map((r) => JSON.parse(r.body).entry[0].changes[0].value.statuses[0].status);
    expect(statuses).toEqual(["read", "delivered", "sent"]);
    expect(status(out.id)).toBe("read");
  });

  test("the faults API reads, changes and clears the state", async () => {
    const set = await api(app.url, token, "POST", "/api/v1/simulator/faults", { slow_ms: 5, drop_delivered: true });
    expect(set.json.data).toMatchObject({ slow_ms: 5, drop_delivered: true, outage: "off" });
    expect((await api(app.url, token, "GET", "/api/v1/simulator/faults")).json.data.slow_ms).toBe(5);
    expect((await api(app.url, token, "DELETE", "/api/v1/simulator/faults")).json.data).toMatchObject({ slow_ms: 0, drop_delivered: false, reorder: false });
  });
});

describe("the phone page", () => {
  test("renders for an owner, with the thread, the composer and the panels", async () => {
    const r = await owner.get("/simulator");
    expect(r.status).toBe(200);
    expect(r.text).toContain('data-testid="sim-thread"');
    expect(r.text).toContain('action="/simulator/messages"');
    expect(r.text).toContain("/public/simulator.js");
    expect(r.text).toContain("Giulia Rossi");
  });

  test("a message typed on the page reaches the app", async () => {
    await owner.get("/simulator?number=1&customer=1");
    const r = await owner.post("/simulator/messages", { number: "1", customer: "1", text: "Scritto dal telefono" }, { headers: { "hx-request": "true" } });
    expect(r.status).toBe(200);
    expect(r.text).toContain("Scritto dal telefono");
    await eventually(() => app.deps.db.query<{ id: number }>("SELECT id FROM messages WHERE text = 'Scritto dal telefono'").get());
  });

  test("hostile customer names and texts are escaped", async () => {
    const sent = await customerSays("+393335550000", { name: HOSTILE, type: "text", text: { body: HOSTILE } });
    const r = await owner.get(`/simulator?number=1&customer=${sent.customer_id}`);
    expect(r.text).not.toContain("<script>alert(1)</script>");
    expect(r.text).not.toContain('<img src=x onerror="alert(1)">');
    expect(r.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  test("a business message reaches the open page live over SSE", async () => {
    const sent = await customerSays("+393331234567", { type: "text", text: { body: "sse?" } });
    await appMessage(sent.wamid);
    const ctrl = new AbortController();
    const res = await fetch(`${app.url}/events`, { headers: { cookie: `cs_session=${owner.jar.cs_session}` }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    await app.deps.graph.sendText(target(), number.phone_number_id, "+393331234567", "Arriva in diretta");
    let text = "";
    const deadline = Date.now() + 5000;
    while (!text.includes("Arriva in diretta") && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(5000).then(() => ({ done: true, value: undefined }))]);
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    ctrl.abort();
    expect(text).toContain(`id="sim-thread-1-${sent.customer_id}" hx-swap-oob="true"`);
    expect(text).toContain("Arriva in diretta");
  });
});

describe("load mode", () => {
  test("N customers send M messages per second for D seconds, and all reach the app", async () => {
    const before = app.deps.db.query<{ n: number }>("SELECT count(*) AS n FROM messages WHERE direction = 'in'").get()!.n;
    const r = await api(app.url, token, "POST", "/api/v1/simulator/load", { customers: 4, rate_per_s: 20, duration_s: 1 });
    expect(r.status).toBe(202);
    expect(r.json.data).toMatchObject({ running: true, target: 20 });
    expect((await api(app.url, token, "POST", "/api/v1/simulator/load", { customers: 4, rate_per_s: 20, duration_s: 1 })).status).toBe(409);
    const done = await eventually(async () => {
      const s = (await api(app.url, token, "GET", "/api/v1/simulator/load")).json.data;
      return s.running ? null : s;
    }, 8000);
    expect(done.sent).toBe(20);
    await eventually(() => app.deps.db.query<{ n: number }>("SELECT count(*) AS n FROM messages WHERE direction = 'in'").get()!.n - before === 20, 8000);
  });
});

describe("SIMULATOR=auto", () => {
  test("on with the demo number until a real number is connected, then off", async () => {
    const graph = startFakeGraph();
    const auto = await startTestApp({ SIMULATOR: "auto", WA_GRAPH_URL: graph.url, WA_APP_SECRET: "auto-test-secret" });
    try {
      expect(auto.deps.numbers.list().map((n) => n.phone_number_id)).toEqual([DEMO.phone_number_id]);
      const c = await auto.as("owner");
      expect((await c.get("/simulator")).status).toBe(200);
      const r = await api(auto.url, auto.token("owner"), "POST", "/api/v1/numbers", fakeNumber(graph, "106540352242922", "102290129340398"));
      expect(r.status).toBe(201);
      expect((await c.get("/simulator")).status).toBe(404);
      expect((await fetch(`${auto.url}/simulator/graph/v23.0/${DEMO.phone_number_id}`)).status).toBe(404);
    } finally {
      await auto.stop();
      graph.stop();
    }
  });
});

describe("SIMULATOR=off", () => {
  let off: TestApp;
  beforeAll(async () => {
    off = await startTestApp({ SIMULATOR: "off" });
  });
  afterAll(() => off.stop());

  test("no demo number, and the page, the fake Graph API and the API all answer 404", async () => {
    expect(off.deps.numbers.list()).toEqual([]);
    const c = await off.as("owner");
    expect((await c.get("/simulator")).status).toBe(404);
    expect((await fetch(`${off.url}/simulator/graph/v23.0/${DEMO.phone_number_id}`)).status).toBe(404);
    expect((await api(off.url, off.token("owner"), "GET", "/api/v1/simulator/faults")).status).toBe(404);
  });
});
