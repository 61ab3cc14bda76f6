// Notes and notifications over real HTTP: notes in a conversation or on a contact, @mentions by name or email
// local part notifying those people (not the author), who may read and write which notes, validation, the
// note.added / notification.created events, and reading and clearing one's own notifications.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ownerActor, startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";
import { fakeNumber, startFakeGraph, type FakeGraph } from "./support/fake-graph";
import { escapedJson, signBody, webhookSecret } from "../src/whatsapp";

let app: TestApp;
let graph: FakeGraph;
const tokens: Record<string, string> = {};
const users: Record<string, number> = {};
const conv = { a: { id: 0, contact: 0 }, b: { id: 0, contact: 0 } };

async function inbound(phoneNumberId: string, from: string, body: string, wamid: string) {
  const raw = escapedJson({
    object: "whatsapp_business_account",
    entry: [{ id: "1022900001", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550000000", phone_number_id: phoneNumberId }, contacts: [{ profile: { name: "Cliente" }, wa_id: from }], messages: [{ from, id: wamid, timestamp: String(Math.floor(app.clock.now() / 1000)), type: "text", text: { body } }] } }] }],
  });
  const r = await fetch(app.url + "/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, webhookSecret(app.deps.cfg)) }, body: raw });
  expect(r.status).toBe(200);
  app.deps.intake.flush();
  app.deps.processor.drain();
}

/** A user with a preset role and a token acting as them. */
async function person(key: string, role: string, name: string) {
  const d = app.deps;
  users[key] = (await d.users.create({ email: `${key}@shop.test`, name, password: "correct horse battery", role }, { actor: ownerActor(d) })).id;
  tokens[key] = d.tokens.create({ name: key, user: `${key}@shop.test` }, { actor: ownerActor(d) }).token;
}

const addNote = (who: string, contactId: number, body: unknown) => api(app.url, tokens[who]!, "POST", `/api/v1/contacts/${contactId}/notes`, body);

beforeAll(async () => {
  graph = startFakeGraph();
  app = await startTestApp({ WA_GRAPH_URL: graph.url, WA_APP_SECRET: "notes-secret" });
  const d = app.deps;
  const team = d.teams.create({ name: "Negozio" }, { actor: null, system: true });
  const admin = app.token("admin");
  for (const [key, phoneId, display, teams] of [["a", "1065400011", "+1 555 078 3891", [String(team.id)]], ["b", "1065400012", "+1 555 078 3892", []]] as const) {
    const r = await api(app.url, admin, "POST", "/api/v1/numbers", { ...fakeNumber(graph, phoneId, "1022900001", display), team_ids: teams });
    expect(r.status).toBe(201);
    await inbound(phoneId, key === "a" ? "393330000011" : "393330000012", "Buongiorno", `wamid.NOTES-${key}`);
    const row = d.db.query<{ id: number; contact_id: number }>("SELECT id, contact_id FROM conversations WHERE number_id = ?").get(Number(r.json.data.id))!;
    conv[key] = { id: row.id, contact: row.contact_id };
  }
  await person("bob", "agent", "Bob Esposito");
  await person("carla", "supervisor", "Carla Neri");
  await person("dario", "agent", "Dario");
  d.teams.addMember(team.id, users.bob!, { actor: ownerActor(d) });
  d.users.update(users.dario!, { status: "disabled" }, { actor: ownerActor(d) });
});
afterAll(async () => {
  await app.stop();
  graph.stop();
});

describe("notes", () => {
  test("a note in a conversation mentions people by name or email local part; they are notified, the author is not", async () => {
    const seen: { note?: unknown; notified: number[] } = { notified: [] };
    const offs = [app.deps.bus.on("note.added", (e) => (seen.note = e)), app.deps.bus.on("notification.created", (e) => seen.notified.push(e.userId))];
    const r = await addNote("bob", conv.a.contact, { text: "Cliente chiede un rimborso: @Carla Neri puoi guardare? cc @bob @dario", conversation_id: String(conv.a.id) });
    offs.forEach((off) => off());
    expect(r.status).toBe(201);
    expect(r.json.data).toMatchObject({ contact_id: String(conv.a.contact), conversation_id: String(conv.a.id), author: { id: String(users.bob), name: "Bob Esposito" }, mentions: [{ id: String(users.carla), name: "Carla Neri" }] });
    expect(seen.note).toEqual({ noteId: Number(r.json.data.id), contactId: conv.a.contact, conversationId: conv.a.id });
    // Bob wrote it (no self-notification) and Dario is disabled.
    expect(seen.notified).toEqual([users.carla!]);
    const row = app.deps.db.query<{ kind: string; note_id: number; conversation_id: number; actor_label: string }>("SELECT * FROM notifications WHERE user_id = ?").get(users.carla!)!;
    expect(row).toMatchObject({ kind: "mention", note_id: Number(r.json.data.id), conversation_id: conv.a.id, actor_label: "Bob Esposito" });
  });

  test("mentions by the email's local part, without case", async () => {
    const r = await addNote("carla", conv.a.contact, { text: "@BOB richiama il cliente domani" });
    expect(r.json.data.mentions).toEqual([{ id: String(users.bob), name: "Bob Esposito" }]);
    expect(r.json.data.conversation_id).toBeNull();
  });

  test("a conversation's notes oldest first; a contact's newest first", async () => {
    await addNote("carla", conv.a.contact, { text: "Seconda nota in conversazione", conversation_id: String(conv.a.id) });
    const inConv = await api(app.url, tokens.bob!, "GET", `/api/v1/conversations/${conv.a.id}/notes`);
    expect(inConv.json.data.map((n: { text: string }) => n.text.slice(0, 14))).toEqual(["Cliente chiede", "Seconda nota i"]);
    const onContact = await api(app.url, tokens.bob!, "GET", `/api/v1/contacts/${conv.a.contact}/notes?limit=2`);
    expect(onContact.json.data.map((n: { text: string }) => n.text.slice(0, 14))).toEqual(["Seconda nota i", "@BOB richiama "]);
    const next = await api(app.url, tokens.bob!, "GET", `/api/v1/contacts/${conv.a.contact}/notes?limit=2&cursor=${onContact.json.next_cursor}`);
    expect(next.json.data.map((n: { text: string }) => n.text.slice(0, 14))).toEqual(["Cliente chiede"]);
    expect(next.json.next_cursor).toBeNull();
  });

  test("an agent neither reads nor writes notes of conversations outside its teams", async () => {
    const onB = await addNote("carla", conv.b.contact, { text: "Nota riservata sul numero B", conversation_id: String(conv.b.id) });
    expect(onB.status).toBe(201);
    expect((await api(app.url, tokens.bob!, "GET", `/api/v1/conversations/${conv.b.id}/notes`)).status).toBe(404);
    expect((await addNote("bob", conv.b.contact, { text: "ciao", conversation_id: String(conv.b.id) })).status).toBe(404);
    const listed = await api(app.url, tokens.bob!, "GET", `/api/v1/contacts/${conv.b.contact}/notes`);
    expect(listed.json.data).toEqual([]);
    expect((await api(app.url, tokens.carla!, "GET", `/api/v1/contacts/${conv.b.contact}/notes`)).json.data).toHaveLength(1);
  });

  test("validation and permissions", async () => {
    const empty = await addNote("bob", conv.a.contact, { text: "   " });
    expect(empty.status).toBe(422);
    expect(empty.json.error.fields).toEqual([{ field: "text", message: "must not be empty" }]);
    const long = await addNote("bob", conv.a.contact, { text: "x".repeat(5001) });
    expect(long.json.error.fields).toEqual([{ field: "text", message: "must be at most 5000 characters" }]);
    expect((await addNote("bob", conv.a.contact, { text: "x".repeat(5000) })).status).toBe(201);
    const wrong = await addNote("carla", conv.a.contact, { text: "nota", conversation_id: String(conv.b.id) });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.fields[0].field).toBe("conversation_id");
    expect((await addNote("bob", 999999, { text: "nota" })).status).toBe(404);
    const analyst = await api(app.url, app.token("analyst"), "POST", `/api/v1/contacts/${conv.a.contact}/notes`, { text: "nota" });
    expect(analyst.status).toBe(403);
    expect(analyst.json.error.code).toBe("permission_denied");
  });
});

describe("notifications", () => {
  test("a person lists and clears only their own", async () => {
    const list = await api(app.url, tokens.carla!, "GET", "/api/v1/notifications?unread=true");
    expect(list.status).toBe(200);
    expect(list.json.unread_count).toBe(1);
    expect(list.json.data[0]).toMatchObject({ kind: "mention", conversation_id: String(conv.a.id), actor: "Bob Esposito", read: false });
    const bobs = await api(app.url, tokens.bob!, "GET", "/api/v1/notifications");
    expect(bobs.json.data).toHaveLength(1);
    // Bob cannot clear Carla's notification by its id.
    expect((await api(app.url, tokens.bob!, "POST", "/api/v1/notifications/read", { ids: [list.json.data[0].id] })).json.data.unread_count).toBe(1);
    expect(app.deps.notifications.unreadCount(users.carla!)).toBe(1);
    const read = await api(app.url, tokens.carla!, "POST", "/api/v1/notifications/read", { ids: [list.json.data[0].id] });
    expect(read.json.data.unread_count).toBe(0);
    expect((await api(app.url, tokens.carla!, "GET", "/api/v1/notifications?unread=true")).json.data).toEqual([]);
    expect((await api(app.url, tokens.carla!, "GET", "/api/v1/notifications")).json.data[0].read).toBe(true);
    expect((await api(app.url, tokens.bob!, "POST", "/api/v1/notifications/read", { all: true })).json.data.unread_count).toBe(0);
    expect((await api(app.url, tokens.bob!, "POST", "/api/v1/notifications/read", {})).status).toBe(422);
  });

  test("push from another capability (assignment) and paging", async () => {
    const d = app.deps;
    const events: unknown[] = [];
    const off = d.bus.on("notification.created", (e) => events.push(e));
    for (let i = 0; i < 3; i++) d.notifications.push({ userId: users.bob!, kind: "assigned", conversationId: conv.a.id, actorLabel: "routing" });
    off();
    expect(events).toHaveLength(3);
    const first = await api(app.url, tokens.bob!, "GET", "/api/v1/notifications?limit=2");
    expect(first.json.data.map((n: { kind: string }) => n.kind)).toEqual(["assigned", "assigned"]);
    const rest = await api(app.url, tokens.bob!, "GET", `/api/v1/notifications?limit=2&cursor=${first.json.next_cursor}`);
    expect(rest.json.data.map((n: { kind: string }) => n.kind)).toEqual(["assigned", "mention"]);
    expect(d.notifications.unreadCount(users.bob!)).toBe(3);
    d.notifications.markRead(users.bob!, "all");
    expect(d.notifications.unreadCount(users.bob!)).toBe(0);
    // A role token acts as nobody: it has no notifications.
    expect((await api(app.url, app.token("agent"), "GET", "/api/v1/notifications")).json).toEqual({ data: [], next_cursor: null, unread_count: 0 });
  });
});
