// Full-text search over real HTTP: messages arrive through signed webhooks on two numbers, an agent serves only
// one of them. Accents folded both ways, prefix and phrase queries, highlight segments, visibility per actor,
// hostile queries (FTS syntax) never failing, and the page escaping customer text.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ownerActor, startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";
import { fakeNumber, startFakeGraph, type FakeGraph } from "./support/fake-graph";
import { escapedJson, signBody, webhookSecret } from "../src/whatsapp";

let app: TestApp;
let graph: FakeGraph;
let admin: string;
let alice: string;
const ids = { a: 0, b: 0 };
let seq = 0;

/** A text from a customer to one of our numbers, through a signed webhook, processed at once. */
async function inbound(phoneNumberId: string, from: string, name: string, body: string) {
  const raw = escapedJson({
    object: "whatsapp_business_account",
    entry: [{ id: "1022900001", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550000000", phone_number_id: phoneNumberId }, contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, id: `wamid.SEARCH${++seq}`, timestamp: String(Math.floor(app.clock.now() / 1000)), type: "text", text: { body } }] } }] }],
  });
  const r = await fetch(app.url + "/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, webhookSecret(app.deps.cfg)) }, body: raw });
  expect(r.status).toBe(200);
  app.deps.intake.flush();
  app.deps.processor.drain();
}

const search = (token: string, q: string, extra = "") => api(app.url, token, "GET", `/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
const texts = (segments: { text: string }[]) => segments.map((s) => s.text).join("");

beforeAll(async () => {
  graph = startFakeGraph();
  app = await startTestApp({ WA_GRAPH_URL: graph.url, WA_APP_SECRET: "search-secret" });
  const d = app.deps;
  admin = app.token("admin");
  const alpha = d.teams.create({ name: "Alpha" }, { actor: null, system: true });
  for (const [key, phoneId, display, teams] of [["a", "1065400001", "+1 555 078 3881", [String(alpha.id)]], ["b", "1065400002", "+1 555 078 3882", []]] as const) {
    const r = await api(app.url, admin, "POST", "/api/v1/numbers", { ...fakeNumber(graph, phoneId, "1022900001", display), team_ids: teams });
    expect(`${r.status} ${r.text}`).toStartWith("201");
    ids[key] = Number(r.json.data.id);
  }
  const aliceId = await app.user("agent", "alice@test.local");
  d.teams.addMember(alpha.id, aliceId, { actor: ownerActor(d) });
  alice = d.tokens.create({ name: "alice", user: "alice@test.local" }, { actor: ownerActor(d) }).token;

  await inbound("1065400001", "393331110001", "Zoë Bianchi", "Vorrei un caffè macchiato per domani");
  await inbound("1065400001", "393331110001", "Zoë Bianchi", "La prenotazione è confermata, consegna domani mattina");
  await inbound("1065400001", "393331110001", "Zoë Bianchi", "Domani consegna? No, mattina presto");
  await inbound("1065400002", "393332220002", "Carlo Verdi", "Il caffe del numero B è segreto");
  await inbound("1065400002", "393332220002", "Carlo Verdi", '<script>alert("x")</script> caffè <b>forte</b>');
});
afterAll(async () => {
  await app.stop();
  graph.stop();
});

describe("search API", () => {
  test("accented words match with and without accents, in any case", async () => {
    for (const q of ["caffe", "caffè", "CAFFÈ", "Caffe "]) {
      const r = await search(admin, q);
      expect(`${q}: ${r.status} ${r.json.data.messages.length}`).toBe(`${q}: 200 3`);
    }
    const plain = await search(admin, "perche");
    expect(plain.json.data.messages).toHaveLength(0);
    const zoe = await search(admin, "zoe", "&kinds=contacts");
    expect(zoe.json.data.contacts.map((c: { name: string }) => c.name)).toEqual(["Zoë Bianchi"]);
  });

  test("newest first, with highlight segments and no markup", async () => {
    const r = await search(admin, "caffe ");
    const m = r.json.data.messages;
    expect(m.map((x: { message_id: string }) => Number(x.message_id))).toEqual([...m.map((x: { message_id: string }) => Number(x.message_id))].sort((a, b) => b - a));
    const hostile = m.find((x: { snippet: { text: string }[] }) => texts(x.snippet).includes("script"));
    expect(texts(hostile.snippet)).toBe('<script>alert("x")</script> caffè <b>forte</b>');
    expect(hostile.snippet.filter((s: { match: boolean }) => s.match)).toEqual([{ text: "caffè", match: true }]);
    expect(m[0]).toMatchObject({ direction: "in", contact_name: "Carlo Verdi" });
    expect(typeof m[0].conversation_id).toBe("string");
  });

  test("the last word matches as a prefix while typing, a finished word does not", async () => {
    const typing = await search(admin, "prenot");
    expect(typing.json.data.messages).toHaveLength(1);
    expect(typing.json.data.messages[0].snippet.find((s: { match: boolean }) => s.match).text).toBe("prenotazione");
    expect((await search(admin, "prenot ")).json.data.messages).toHaveLength(0);
    // two letters are searched as a whole word, not as a prefix of most of the vocabulary
    expect((await search(admin, "pr")).json.data.messages).toHaveLength(0);
  });

  test("a quoted phrase matches its words in order", async () => {
    const phrase = await search(admin, '"consegna domani"');
    expect(phrase.json.data.messages).toHaveLength(1);
    expect(phrase.json.data.messages[0].snippet.filter((s: { match: boolean }) => s.match).map((s: { text: string }) => s.text)).toEqual(["consegna domani"]);
    expect((await search(admin, "consegna domani ")).json.data.messages).toHaveLength(2);
  });

  test("contacts by name and by the beginning of the phone number", async () => {
    const byPhone = await search(admin, "+39 333 222", "&kinds=contacts");
    expect(byPhone.json.data.contacts).toEqual([{ contact_id: expect.any(String), name: "Carlo Verdi", phone: "+393332220002", snippet: [{ text: "+", match: false }, { text: "393332220002", match: true }] }]);
    expect(byPhone.json.data.messages).toEqual([]);
  });

  test("an agent sees only messages of its teams' numbers (and conversations assigned to it)", async () => {
    const mine = await search(alice, "caffe");
    expect(mine.json.data.messages).toHaveLength(1);
    expect(texts(mine.json.data.messages[0].snippet)).toContain("macchiato");
    expect((await search(alice, "segreto")).json.data.messages).toEqual([]);
    const convB = app.deps.db.query<{ id: number }>("SELECT id FROM conversations WHERE number_id = ?").get(ids.b)!.id;
    const aliceId = app.deps.users.byEmail("alice@test.local")!.id;
    app.deps.db.tx(() => app.deps.conversations.setAssignment(convB, { assigneeId: aliceId, teamId: null }));
    expect((await search(alice, "segreto")).json.data.messages).toHaveLength(1);
    app.deps.db.tx(() => app.deps.conversations.setAssignment(convB, { assigneeId: null, teamId: null }));
    // a role token acts as nobody: without read_all it belongs to no team
    expect((await search(app.token("agent"), "caffe")).json.data.messages).toEqual([]);
    expect((await search(admin, "caffe", `&number_id=${ids.a}`)).json.data.messages).toHaveLength(1);
  });

  test("hostile queries are plain text: always 200, never an FTS error", async () => {
    const hostile = ['"', '""', 'NEAR(', "NEAR(caffe domani, 2)", "*", "-", ":", "caffe*", "-caffe", "text:caffe", "caffe OR x", "(", ")", "^caffe", "AND", "OR NOT", "'; DROP TABLE messages; --", "\\", "%", "\u0000", "🙂", "a".repeat(5000), '"caffe', "caffe\"domani"];
    for (const q of hostile) {
      const r = await search(admin, q);
      expect(`${JSON.stringify(q.slice(0, 20))} ${r.status}`).toBe(`${JSON.stringify(q.slice(0, 20))} 200`);
      expect(r.json.data).toHaveProperty("messages");
    }
    expect((await search(admin, "NEAR(caffe")).json.data.messages.length).toBe(0);
    expect((await search(admin, "text:caffe ")).json.data.messages.length).toBe(0);
    expect((await search(admin, "caffe*")).json.data.messages.length).toBe(3);
    expect((await api(app.url, admin, "GET", "/api/v1/search")).json.data).toEqual({ messages: [], contacts: [], notes: [] });
  });

  test("kinds narrows the answer; an unknown kind is a 400", async () => {
    const r = await search(admin, "caffe", "&kinds=notes,contacts");
    expect(r.json.data.messages).toEqual([]);
    const bad = await search(admin, "caffe", "&kinds=users");
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_parameter");
  });

  test("notes are searched with the visibility of their conversation", async () => {
    const d = app.deps;
    const convA = d.db.query<{ id: number; contact_id: number }>("SELECT id, contact_id FROM conversations WHERE number_id = ?").get(ids.a)!;
    const convB = d.db.query<{ id: number; contact_id: number }>("SELECT id, contact_id FROM conversations WHERE number_id = ?").get(ids.b)!;
    const author = ownerActor(d);
    d.notes.add({ contactId: convA.contact_id, conversationId: convA.id, author, text: "Cliente simpatica, preferisce l'orzo" });
    d.notes.add({ contactId: convB.contact_id, conversationId: convB.id, author, text: "Orzo solo il lunedì" });
    expect((await search(admin, "orzo", "&kinds=notes")).json.data.notes).toHaveLength(2);
    const mine = (await search(alice, "orzo", "&kinds=notes")).json.data.notes;
    expect(mine).toHaveLength(1);
    expect(mine[0].conversation_id).toBe(String(convA.id));
  });
});

describe("search page", () => {
  test("groups results, marks matches and escapes customer text", async () => {
    const page = await (await app.as("admin")).get(`/search?q=${encodeURIComponent("caffè")}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="search-messages"');
    expect(page.text).toContain("<mark>caffè</mark>");
    expect(page.text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(page.text).not.toContain('<script>alert("x")');
    expect(page.text).toContain("&lt;b&gt;forte&lt;/b&gt;");
    expect(page.text).toMatch(/href="\/inbox\/\d+"/);
  });

  test("active search answers just the results; an empty query shows the start state", async () => {
    const agent = await app.as("agent");
    const frag = await agent.get("/search?q=qwertyuiop", { "hx-request": "true", "hx-target": "div#search-results" });
    expect(frag.status).toBe(200);
    expect(frag.text.trim().startsWith('<div id="search-results"')).toBe(true);
    expect(frag.text).not.toContain("<html");
    expect(frag.text).toContain("qwertyuiop");
    const empty = await agent.get("/search");
    expect(empty.text).toContain('name="q"');
    expect(empty.text).toContain('href="/search"');
    expect((await (await app.as("marketer")).get("/search")).status).toBe(403);
  });
});
