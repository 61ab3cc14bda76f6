// Webhooks in over real HTTP: the handshake, signatures over the raw bytes, durable intake, every message type
// of Meta's 16 examples, duplicates, statuses (forward only, reordered, before their message, matched by
// biz_opaque_callback_data), template/quality/user_preferences updates, media download, failed events.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestApp, ownerActor, type TestApp } from "./support/app";
import { api } from "./support/client";
import { fakeNumber, startFakeGraph, type FakeGraph } from "./support/fake-graph";
import { escapedJson, signBody, webhookSecret } from "../src/whatsapp";

const FIXTURES = join(import.meta.dir, "fixtures/meta-webhooks");
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, readdirSync(FIXTURES).find((f) => f.includes(name))!), "utf8"));
const PHONE_ID = "106540352242922";

let app: TestApp;
let graph: FakeGraph;
let admin: string;
let numberId: number;

async function post(body: unknown, opts: { raw?: string; signature?: string | null; target?: TestApp } = {}) {
  const a = opts.target ?? app;
  const raw = opts.raw ?? escapedJson(body);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const sig = opts.signature === undefined ? signBody(raw, webhookSecret(a.deps.cfg)) : opts.signature;
  if (sig) headers["x-hub-signature-256"] = sig;
  const r = await fetch(a.url + "/webhooks/whatsapp", { method: "POST", headers, body: raw });
  return { status: r.status, text: await r.text() };
}

/** Posts and processes at once (the processor also runs by itself; draining makes the test deterministic). */
async function deliver(body: unknown) {
  const r = await post(body);
  expect(r.status).toBe(200);
  app.deps.intake.flush();
  app.deps.processor.drain();
}

function envelope(value: Record<string, unknown>, field = "messages", waba = "102290129340398") {
  return { object: "whatsapp_business_account", entry: [{ id: waba, changes: [{ field, value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: PHONE_ID }, ...value } }] }] };
}

const count = (sql: string, ...p: (string | number)[]) => app.deps.db.query<{ n: number }>(sql).get(...p)!.n;

beforeAll(async () => {
  graph = startFakeGraph();
  app = await startTestApp({ WA_GRAPH_URL: graph.url, WA_APP_SECRET: "test-app-secret-1" });
  admin = app.token("admin");
  const r = await api(app.url, admin, "POST", "/api/v1/numbers", fakeNumber(graph, PHONE_ID, "102290129340398"));
  expect(r.status).toBe(201);
  numberId = Number(r.json.data.id);
});
afterAll(async () => {
  await app.stop();
  graph.stop();
});

describe("handshake and intake", () => {
  test("GET answers the bare challenge only with the verify token", async () => {
    const token = app.deps.cfg.waVerifyToken!;
    const ok = await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
    expect((await fetch(`${app.url}/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${token}&hub.challenge=1`)).status).toBe(403);
  });

  test("forged, tampered and missing signatures are 401 and nothing is stored", async () => {
    const before = count("SELECT count(*) AS n FROM webhook_events");
    const body = escapedJson(fixture("01-text"));
    expect((await post(null, { raw: body, signature: null })).status).toBe(401);
    expect((await post(null, { raw: body, signature: signBody(body, "not-the-secret") })).status).toBe(401);
    expect((await post(null, { raw: body.replace("color", "colour"), signature: signBody(body, webhookSecret(app.deps.cfg)) })).status).toBe(401);
    expect((await post(null, { raw: body, signature: "sha256=" + "0".repeat(64) })).status).toBe(401);
    expect(count("SELECT count(*) AS n FROM webhook_events")).toBe(before);
  });

  test("a signed body that is not a webhook event is 400; an oversized one 413", async () => {
    expect((await post(null, { raw: "{not json" })).status).toBe(400);
    const r = await post({ hello: "world" });
    expect(r.status).toBe(400);
    expect(r.text).toContain("entry");
    const big = escapedJson({ object: "whatsapp_business_account", entry: [], pad: "x".repeat(5 * 1024 * 1024) });
    expect((await post(null, { raw: big })).status).toBe(413);
  });

  test("the raw body is stored byte for byte, unicode escaped as Meta sends it", async () => {
    const body = envelope({ contacts: [{ profile: { name: "Zoë" }, wa_id: "393331112223" }], messages: [{ from: "393331112223", id: "wamid.UNICODE1", timestamp: "1750000000", type: "text", text: { body: "Caffè ☕ grazie" } }] });
    await deliver(body);
    const stored = app.deps.db.query<{ body: string }>("SELECT body FROM webhook_events WHERE body LIKE '%wamid.UNICODE1%'").get()!.body;
    expect(stored).toContain("Caff\\u00e8 \\u2615");
    const m = app.deps.db.query<{ text: string }>("SELECT text FROM messages WHERE wamid = 'wamid.UNICODE1'").get()!;
    expect(m.text).toBe("Caffè ☕ grazie");
  });
});

describe("Meta's 16 examples", () => {
  test("every example is processed; messages land with their types, group events are ignored", async () => {
    // Meta's examples reuse a few wamids across different messages; real ones are unique, so make them unique.
    for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith(".json"))) {
      await deliver(JSON.parse(readFileSync(join(FIXTURES, f), "utf8").replace(/"(wamid\.[^"]+)"/g, (_m, id: string) => (f.startsWith("13-") ? `"${id}"` : `"${id}-${f.slice(0, 2)}"`))));
    }
    expect(count("SELECT count(*) AS n FROM webhook_events WHERE status = 'failed'")).toBe(0);
    const types = app.deps.db.query<{ type: string }>("SELECT DISTINCT type FROM messages WHERE number_id = ? ORDER BY type").all(numberId).map((r) => r.type);
    for (const t of ["text", "reaction", "image", "location", "contacts", "unsupported", "button", "interactive", "order", "system"]) expect(types).toContain(t);
    const conv = (await api(app.url, admin, "GET", `/api/v1/conversations?number_id=${numberId}`)).json.data;
    expect(conv.length).toBeGreaterThan(0);
    const msgs = (await api(app.url, admin, "GET", `/api/v1/conversations/${conv.find((c: { contact: { wa_id: string } }) => c.contact.wa_id === "16505551234").id}/messages?limit=200`)).json.data as { type: string; text: string; content: Record<string, any>; author: { kind: string } }[];
    const by = (t: string) => msgs.find((m) => m.type === t)!;
    expect(by("location").text).toBeTruthy();
    expect(by("interactive").content.interactive.type).toMatch(/button_reply|list_reply/);
    expect(by("reaction").text.length).toBeGreaterThan(0);
    expect(by("unsupported").content.errors[0].code).toBe(131051);
    expect(msgs.every((m) => m.author.kind === "customer")).toBe(true);
    // the click-to-WhatsApp ad's referral is kept with its message
    expect(msgs.some((m) => m.content.referral)).toBe(true);
  });

  test("the system message 'user changed number' moves the contact to the new wa_id", () => {
    expect(count("SELECT count(*) AS n FROM contacts WHERE wa_id = '12195555358' AND phone = '+12195555358'")).toBe(1);
  });

  test("the image example created a pending media download", () => {
    expect(count("SELECT count(*) AS n FROM media WHERE wa_media_id IS NOT NULL")).toBeGreaterThan(0);
  });
});

describe("duplicates and the window", () => {
  test("the same message delivered three times is stored once, and the event rows are all kept", async () => {
    const body = envelope({ contacts: [{ profile: { name: "Dup" }, wa_id: "393330000001" }], messages: [{ from: "393330000001", id: "wamid.DUP1", timestamp: "1750000100", type: "text", text: { body: "ciao" } }] });
    for (let i = 0; i < 3; i++) await deliver(body);
    expect(count("SELECT count(*) AS n FROM messages WHERE wamid = 'wamid.DUP1'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.wa_id = '393330000001'")).toBe(1);
  });

  test("the window comes from Meta's timestamp; a late retry of an old message does not reopen it", async () => {
    const t = Math.floor(app.clock.now() / 1000);
    await deliver(envelope({ contacts: [{ profile: { name: "Win" }, wa_id: "393330000002" }], messages: [{ from: "393330000002", id: "wamid.W1", timestamp: String(t - 3600), type: "text", text: { body: "new" } }] }));
    await deliver(envelope({ contacts: [{ profile: { name: "Win" }, wa_id: "393330000002" }], messages: [{ from: "393330000002", id: "wamid.W0", timestamp: String(t - 30 * 3600), type: "text", text: { body: "old, retried late" } }] }));
    const list = (await api(app.url, admin, "GET", "/api/v1/conversations?limit=200")).json.data as { contact: { wa_id: string }; window_expires_at: string }[];
    const c = list.find((x) => x.contact.wa_id === "393330000002")!;
    expect(Date.parse(c.window_expires_at)).toBe((t - 3600 + 24 * 3600) * 1000);
  });

  test("Brazilian numbers with and without the ninth digit are one contact", async () => {
    await deliver(envelope({ contacts: [{ profile: { name: "João" }, wa_id: "5511987654321" }], messages: [{ from: "5511987654321", id: "wamid.BR1", timestamp: "1750000200", type: "text", text: { body: "oi" } }] }));
    await deliver(envelope({ contacts: [{ profile: { name: "João" }, wa_id: "551187654321" }], messages: [{ from: "551187654321", id: "wamid.BR2", timestamp: "1750000300", type: "text", text: { body: "oi de novo" } }] }));
    expect(count("SELECT count(*) AS n FROM contacts WHERE phone = '+5511987654321'")).toBe(1);
    expect(count("SELECT count(DISTINCT contact_id) AS n FROM messages WHERE wamid IN ('wamid.BR1', 'wamid.BR2')")).toBe(1);
  });

  test("a message after resolve opens a new conversation", async () => {
    const wa = "393330000003";
    await deliver(envelope({ contacts: [{ profile: { name: "Res" }, wa_id: wa }], messages: [{ from: wa, id: "wamid.R1", timestamp: "1750000400", type: "text", text: { body: "one" } }] }));
    const first = (await api(app.url, admin, "GET", "/api/v1/conversations?limit=200")).json.data.find((c: { contact: { wa_id: string } }) => c.contact.wa_id === wa);
    expect((await api(app.url, admin, "POST", `/api/v1/conversations/${first.id}/resolve`)).json.data.status).toBe("resolved");
    await deliver(envelope({ contacts: [{ profile: { name: "Res" }, wa_id: wa }], messages: [{ from: wa, id: "wamid.R2", timestamp: "1750000500", type: "text", text: { body: "two" } }] }));
    const convs = (await api(app.url, admin, "GET", `/api/v1/conversations?contact_id=${first.contact.id}`)).json.data;
    expect(convs.map((c: { status: string }) => c.status).sort()).toEqual(["open", "resolved"]);
    expect((await api(app.url, admin, "POST", `/api/v1/conversations/${first.id}/reopen`)).json.error.code).toBe("newer_conversation_open");
  });
});

describe("statuses", () => {
  function outbound(wa: string, opaque: string | null = null) {
    const { contact } = app.deps.db.tx(() => app.deps.contacts.resolveInbound({ waId: wa, userId: null, profileName: "Out", at: app.clock.now(), defaultLanguage: "en" }));
    return app.deps.conversations.recordOutbound({ numberId, contactId: contact.id, type: "text", text: "hello", payload: { text: { body: "hello" } }, authorKind: "api", authorId: null, opaque });
  }
  const statusBody = (s: Record<string, unknown>) => envelope({ statuses: [{ recipient_id: "393339999999", timestamp: "1750001000", ...s }] });
  const msg = (id: number) => app.deps.conversations.message(id)!;

  test("statuses move forward only: read then a late delivered leaves it read (with both times)", async () => {
    const m = outbound("393339999991");
    app.deps.conversations.attachWamid(m.id, "wamid.S1", []);
    await deliver(statusBody({ id: "wamid.S1", status: "sent", timestamp: "1750001000" }));
    await deliver(statusBody({ id: "wamid.S1", status: "read", timestamp: "1750001020" }));
    await deliver(statusBody({ id: "wamid.S1", status: "delivered", timestamp: "1750001010", pricing: { billable: false, pricing_model: "PMP", type: "free_customer_service", category: "service" } }));
    await deliver(statusBody({ id: "wamid.S1", status: "sent", timestamp: "1750001000" }));
    const after = msg(m.id);
    expect(after.status).toBe("read");
    expect(after.read_at).toBe(1750001020000);
    expect(after.delivered_at).toBe(1750001010000);
    expect(after.pricing_category).toBe("service");
    expect(after.pricing_type).toBe("free_customer_service");
  });

  test("a failed status keeps code and text; nothing moves it back", async () => {
    const m = outbound("393339999992");
    app.deps.conversations.attachWamid(m.id, "wamid.S2", []);
    await deliver(statusBody({ id: "wamid.S2", status: "sent" }));
    await deliver(statusBody({ id: "wamid.S2", status: "failed", errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message", error_data: { details: "Message failed to send because more than 24 hours have passed" } }] }));
    await deliver(statusBody({ id: "wamid.S2", status: "delivered" }));
    const r = (await api(app.url, admin, "GET", `/api/v1/conversations/${msg(m.id).conversation_id}/messages`)).json.data.find((x: { id: string }) => x.id === String(m.id));
    expect(r.status).toBe("failed");
    expect(r.error.code).toBe(131047);
    expect(r.error.message).toContain("24 hours");
  });

  test("a status that arrives before its message is known is held, then applied when the wamid is attached", async () => {
    await deliver(statusBody({ id: "wamid.EARLY", status: "delivered", timestamp: "1750002000" }));
    expect(app.deps.conversations.heldCount()).toBeGreaterThan(0);
    const m = outbound("393339999993");
    app.deps.conversations.attachWamid(m.id, "wamid.EARLY", []);
    expect(msg(m.id).status).toBe("delivered");
    expect(count("SELECT count(*) AS n FROM held_statuses WHERE wamid = 'wamid.EARLY'")).toBe(0);
  });

  test("biz_opaque_callback_data matches a status even before the send response gave us the wamid", async () => {
    const m = outbound("393339999994", "ob:4242");
    await deliver(statusBody({ id: "wamid.OPQ", status: "sent", biz_opaque_callback_data: "ob:4242" }));
    expect(msg(m.id).status).toBe("sent");
    expect(msg(m.id).wamid).toBe("wamid.OPQ");
  });
});

describe("other fields", () => {
  test("user_preferences stop opts the contact out of marketing; resume opts back in", async () => {
    const wa = "393330000010";
    await deliver(envelope({ contacts: [{ profile: { name: "Pref" }, wa_id: wa }], messages: [{ from: wa, id: "wamid.P1", timestamp: "1750003000", type: "text", text: { body: "hi" } }] }));
    await deliver(envelope({ contacts: [{ profile: { name: "Pref" }, wa_id: wa }], user_preferences: [{ wa_id: wa, detail: "User requested to stop marketing messages", category: "marketing_messages", value: "stop", timestamp: 1750003100 }] }, "user_preferences"));
    expect(app.deps.db.query<{ opted_out: number; opted_out_source: string }>("SELECT opted_out, opted_out_source FROM contacts WHERE wa_id = ?").get(wa)).toEqual({ opted_out: 1, opted_out_source: "whatsapp_preferences" });
    await deliver(envelope({ user_preferences: [{ wa_id: wa, category: "marketing_messages", value: "resume", timestamp: 1750003200 }] }, "user_preferences"));
    expect(count("SELECT opted_out AS n FROM contacts WHERE wa_id = ?", wa)).toBe(0);
  });

  test("template status updates change the template and post an alert when a person must act", async () => {
    graph.templates.set("102290129340398", [{ id: "111", name: "abandoned_cart", language: "en", category: "MARKETING", status: "APPROVED", components: [] }]);
    await api(app.url, admin, "POST", `/api/v1/numbers/${numberId}/templates/sync`);
    const body = { object: "whatsapp_business_account", entry: [{ id: "102290129340398", time: 1751247548, changes: [{ field: "message_template_status_update", value: { event: "PAUSED", message_template_id: 111, message_template_name: "abandoned_cart", message_template_language: "en", reason: null, other_info: { title: "FIRST_PAUSE", description: "paused for 3 hours" } } }] }] };
    await deliver(body);
    const t = (await api(app.url, admin, "GET", `/api/v1/numbers/${numberId}/templates`)).json.data.find((x: { name: string }) => x.name === "abandoned_cart");
    expect(t.status).toBe("PAUSED");
    expect(t.reason).toBe("FIRST_PAUSE");
    expect(app.deps.alerts.listOpen().some((a) => a.title.includes("abandoned_cart"))).toBe(true);
  });

  test("quality updates reach the number's health panel", async () => {
    await deliver({ object: "whatsapp_business_account", entry: [{ id: "102290129340398", time: 1, changes: [{ field: "phone_number_quality_update", value: { display_phone_number: "15550783881", event: "UPGRADE", current_limit: "TIER_10K" } }] }] });
    const n = (await api(app.url, admin, "GET", `/api/v1/numbers/${numberId}`)).json.data;
    expect(n.tier).toBe("TIER_10K");
    expect(app.deps.numbers.events(numberId).some((e) => e.kind === "quality_update")).toBe(true);
  });

  test("events for an unknown number are logged, not failed", async () => {
    const body = envelope({ messages: [{ from: "1", id: "wamid.UNK", timestamp: "1", type: "text", text: { body: "x" } }] });
    (body.entry[0]!.changes[0]!.value as { metadata: { phone_number_id: string } }).metadata.phone_number_id = "999999999";
    await deliver(body);
    expect(app.logs.some((l) => l.includes("webhook for an unknown number") && l.includes("999999999"))).toBe(true);
    expect(count("SELECT count(*) AS n FROM messages WHERE wamid = 'wamid.UNK'")).toBe(0);
  });

  test("an event that cannot be processed stays visible with its error and can be replayed", async () => {
    await deliver(envelope({ messages: [{ id: "wamid.NOSENDER", timestamp: "1750004000", type: "text", text: { body: "who am I" } }] }));
    const failed = (await api(app.url, admin, "GET", "/api/v1/webhook-events?status=failed")).json.data;
    const ev = failed.find((e: { body: string }) => e.body.includes("wamid.NOSENDER"));
    expect(ev.error).toContain("names no sender");
    const replay = await api(app.url, admin, "POST", `/api/v1/webhook-events/${ev.id}/replay`);
    expect(replay.json.data.status).toBe("failed");
    expect(replay.json.data.attempts).toBe(2);
    expect((await api(app.url, app.token("agent"), "GET", "/api/v1/webhook-events")).status).toBe(403);
  });
});

  test("one bad item in a batch: its neighbours in the event and in the batch land; the event names what failed", async () => {
    const text = (from: string, id: string) => ({ from, id, timestamp: "1750005000", type: "text", text: { body: `ciao ${id}` } });
    // Three events posted while the processor is held, so they share one batch (its timer must not run between
    // the posts on a slow box); the middle one mixes a good message with one that names no sender.
    app.deps.processor.stop();
    for (const body of [
      envelope({ messages: [text("393470000001", "wamid.B1")] }),
      envelope({ messages: [text("393470000002", "wamid.B2"), { id: "wamid.B2BAD", timestamp: "1750005000", type: "text", text: { body: "?" } }] }),
      envelope({ messages: [text("393470000003", "wamid.B3")] }),
    ])
      expect((await post(body)).status).toBe(200);
    app.deps.intake.flush();
    expect(app.deps.processor.drain()).toBe(3);
    app.deps.processor.start();
    expect(count("SELECT count(*) AS n FROM messages WHERE wamid IN ('wamid.B1', 'wamid.B2', 'wamid.B3')")).toBe(3);
    expect(count("SELECT count(*) AS n FROM messages WHERE wamid = 'wamid.B2BAD'")).toBe(0);
    const ev = app.deps.db.query<{ id: number; status: string; error: string }>("SELECT id, status, error FROM webhook_events WHERE body LIKE '%wamid.B2BAD%'").get()!;
    expect(ev.status).toBe("failed");
    expect(ev.error).toContain("message wamid.B2BAD: message wamid.B2BAD names no sender");
    const others = app.deps.db.query<{ status: string }>("SELECT status FROM webhook_events WHERE body LIKE '%wamid.B1\"%' OR body LIKE '%wamid.B3\"%'").all();
    expect(others.map((o) => o.status)).toEqual(["done", "done"]);
    // Replay: the good message is not stored twice; the bad one still fails.
    const replay = await api(app.url, admin, "POST", `/api/v1/webhook-events/${ev.id}/replay`);
    expect(replay.json.data.status).toBe("failed");
    expect(count("SELECT count(*) AS n FROM messages WHERE wamid = 'wamid.B2'")).toBe(1);
  });

describe("media", () => {
  test("inbound media is downloaded in the background with size and type checks, then served to who may see it", async () => {
    const png = Uint8Array.from(Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b20000000049454e44ae426082", "hex"));
    graph.media.set("MEDIA-OK", { bytes: png, mime: "image/png" });
    graph.media.set("MEDIA-FAKE", { bytes: new TextEncoder().encode("<html><script>alert(1)</script>"), mime: "image/jpeg" });
    const img = (id: string, wamid: string) => envelope({ contacts: [{ profile: { name: "Pic" }, wa_id: "393330000020" }], messages: [{ from: "393330000020", id: wamid, timestamp: "1750005000", type: "image", image: { id, mime_type: id === "MEDIA-OK" ? "image/png" : "image/jpeg", caption: "look" } }] });
    await deliver(img("MEDIA-OK", "wamid.IMG1"));
    await deliver(img("MEDIA-FAKE", "wamid.IMG2"));
    await app.deps.media.round();
    const ok = app.deps.db.query<{ id: number; status: string; size: number }>("SELECT m.id, m.status, m.size FROM media m JOIN messages x ON x.id = m.message_id WHERE x.wamid = 'wamid.IMG1'").get()!;
    expect(ok).toMatchObject({ status: "ready", size: png.byteLength });
    const bad = app.deps.db.query<{ status: string; error: string }>("SELECT m.status, m.error FROM media m JOIN messages x ON x.id = m.message_id WHERE x.wamid = 'wamid.IMG2'").get()!;
    expect(bad.status).toBe("failed");
    expect(bad.error).toContain("not a image/jpeg file");
    const file = await fetch(`${app.url}/api/v1/media/${ok.id}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("content-disposition")).toContain("inline");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    // an agent whose teams do not serve this number cannot fetch it
    const agentToken = (() => {
      const d = app.deps;
      return d.tokens.create({ name: "agent-user", user: "agent@test.local" }, { actor: ownerActor(d) }).token;
    });
    await app.user("agent");
    expect((await fetch(`${app.url}/api/v1/media/${ok.id}`, { headers: { authorization: `Bearer ${agentToken()}` } })).status).toBe(404);
  });
});

describe("app secret", () => {
  test("with a real number connected and no WA_APP_SECRET, webhook POSTs are refused with 503", async () => {
    const g = startFakeGraph();
    const bare = await startTestApp({ WA_GRAPH_URL: g.url });
    try {
      expect((await post(fixture("01-text"), { target: bare })).status).toBe(200);
      expect((await api(bare.url, bare.token("admin"), "POST", "/api/v1/numbers", fakeNumber(g, PHONE_ID, "102290129340398"))).status).toBe(201);
      const r = await post(fixture("01-text"), { target: bare });
      expect(r.status).toBe(503);
      expect(r.text).toContain("WA_APP_SECRET");
    } finally {
      await bare.stop();
      g.stop();
    }
  });
});
