// The inbox over real HTTP with the built-in simulator: list views, filters and sort; every inbound type in the
// conversation view (Meta's own examples through signed webhooks); replies, templates outside the window,
// retries, attachments and quick replies reaching the fake WhatsApp; the lifecycle (snooze on the virtual
// clock, transfer, take, unread); the customer panel edited inline; hostile names and text staying text.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually, ownerActor, startTestApp, type TestApp } from "./support/app";
import { api, Client } from "./support/client";
import { randomToken, sha256 } from "../src/platform/ids";
import { insertSession } from "../src/auth/store";
import { escapedJson, signBody, webhookSecret } from "../src/whatsapp";

const FIXTURES = join(import.meta.dir, "fixtures/meta-webhooks");
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, readdirSync(FIXTURES).find((f) => f.includes(name))!), "utf8"));
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1">`;
const HOSTILE_TEXT = `<script>window.__pwned=1</script> & "quotes"`;

let app: TestApp;
let admin: string;
let numberId: number;
let phoneId: string;
let teamId: number;
const system = { actor: null, system: true };

/** A signed-in client for a user with `role` and this email (several agents per test). */
async function as(role: string, email: string): Promise<{ client: Client; id: number }> {
  const id = await app.user(role, email);
  const token = randomToken(32);
  const now = app.clock.now();
  insertSession(app.deps.db, { id: sha256(token), user_id: id, csrf_token: randomToken(24), created_at: now, last_seen_at: now, expires_at: now + 30 * 86_400_000, ip: "127.0.0.1", user_agent: "test" });
  const client = new Client(app.url, { cs_session: token });
  await client.get("/profile");
  return { client, id };
}

const one = <T>(sql: string, ...p: (string | number)[]) => app.deps.db.query<T>(sql).get(...p) as T;

/** A fake customer writes through the simulator; resolves to the conversation id once it is stored. */
async function customerWrites(phone: string, body: Record<string, unknown>, name?: string): Promise<number> {
  const r = await api(app.url, admin, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: phoneId, name, ...body });
  expect(r.status).toBe(202);
  const wamid = r.json.data.wamid as string;
  return (await eventually(() => one<{ conversation_id: number } | null>("SELECT conversation_id FROM messages WHERE wamid = ?", wamid)?.conversation_id))!;
}
const text = (phone: string, t: string, name?: string) => customerWrites(phone, { type: "text", text: { body: t } }, name);

/** Posts a Meta webhook for the demo number, signed, and processes it at once. */
async function deliver(body: any) {
  for (const e of body.entry) for (const c of e.changes) if (c.value.metadata) c.value.metadata.phone_number_id = phoneId;
  const raw = escapedJson(body);
  const r = await fetch(`${app.url}/webhooks/whatsapp`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, webhookSecret(app.deps.cfg)) }, body: raw });
  expect(r.status).toBe(200);
  app.deps.intake.flush();
  app.deps.processor.drain();
}

/** Advances the virtual clock in steps until `fn` holds (the send loop and the simulator's ticks run on it). */
async function until(fn: () => boolean | Promise<boolean>, stepMs = 500) {
  await eventually(async () => {
    if (await fn()) return true;
    app.clock.advance(stepMs);
    return false;
  }, 10_000);
}

const statusOf = (messageId: number) => one<{ status: string }>("SELECT status FROM messages WHERE id = ?", messageId).status;
const lastOut = (conv: number) => one<{ id: number; type: string; status: string; text: string; payload: string }>("SELECT * FROM messages WHERE conversation_id = ? AND direction = 'out' ORDER BY id DESC LIMIT 1", conv);
const simOut = (text: string) => one<{ n: number }>("SELECT count(*) AS n FROM sim_messages WHERE direction = 'out' AND payload LIKE ?", `%${text}%`).n;

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "on" });
  admin = app.token("admin");
  const n = await eventually(async () => (await api(app.url, admin, "GET", "/api/v1/numbers")).json.data[0]);
  numberId = Number(n.id);
  phoneId = n.phone_number_id;
  await api(app.url, admin, "PATCH", `/api/v1/numbers/${numberId}`, { send_rate_per_min: 600 });
  const d = app.deps;
  teamId = d.teams.create({ name: "Vendite" }, system).id;
  await d.numbers.update(numberId, { team_ids: [teamId] }, { actor: ownerActor(d) });
});
afterAll(() => app.stop());

/** An agent of the number's team. */
async function agent(email: string) {
  const a = await as("agent", email);
  app.deps.teams.addMember(teamId, a.id, system);
  return a;
}

describe("the conversation list", () => {
  test("views, filters and an explicit sort; unread counts and the 24h countdown on each row", async () => {
    const { client, id } = await agent("lista@test.local");
    const first = await text("+393330000101", "Prima domanda", "Anna Prima");
    app.clock.advance(60_000);
    const second = await text("+393330000102", "Seconda domanda", "Bruno Secondo");
    app.deps.contacts.addTag(app.deps.conversations.get(second)!.contact_id, "vip", system);

    const unassigned = await client.get("/inbox?view=unassigned");
    expect(unassigned.status).toBe(200);
    expect(unassigned.text).toContain('data-view="unassigned"');
    expect(unassigned.text).toMatch(/<option value="waiting" selected>Longest waiting first/);
    const order = [...unassigned.text.matchAll(/id="conv-(\d+)"/g)].map((m) => Number(m[1]));
    expect(order.indexOf(first)).toBeLessThan(order.indexOf(second));
    expect(unassigned.text).toContain('data-testid="conv-unread"');
    expect(unassigned.text).toMatch(/class="window window-open[^"]*"[^>]*data-left="\d+"/);
    expect(unassigned.text).toContain('data-testid="queue-position"');

    const recent = await client.get("/inbox?view=unassigned&sort=recent");
    const newest = [...recent.text.matchAll(/id="conv-(\d+)"/g)].map((m) => Number(m[1]));
    expect(newest.indexOf(second)).toBeLessThan(newest.indexOf(first));

    const vip = await client.get("/inbox?view=unassigned&tag=VIP");
    expect(vip.text).toContain(`id="conv-${second}"`);
    expect(vip.text).not.toContain(`id="conv-${first}"`);
    expect((await client.get(`/inbox?view=unassigned&number=${numberId + 100}`)).text).not.toContain(`id="conv-${first}"`);
    expect((await client.get("/inbox?view=unassigned&status=resolved")).text).not.toContain(`id="conv-${first}"`);

    app.deps.routing.assign(first, { agentId: id }, system);
    const mine = await client.get("/inbox?view=mine");
    expect(mine.text).toContain(`id="conv-${first}"`);
    expect(mine.text).not.toContain(`id="conv-${second}"`);
    expect((await client.get("/inbox?view=unassigned")).text).not.toContain(`id="conv-${first}"`);
    expect((await client.get("/inbox?view=team")).text).toContain(`id="conv-${second}"`);
    // `all` needs conversations:read_all: an agent asking for it gets its default view.
    expect((await client.get("/inbox?view=all")).text).toContain('data-view="mine"');
    const sup = await as("supervisor", "capo@test.local");
    const all = await sup.client.get(`/inbox?view=all&assignee=${id}`);
    expect(all.text).toContain(`id="conv-${first}"`);
    expect(all.text).not.toContain(`id="conv-${second}"`);

    // More rows come as a fragment of rows only.
    const frag = await client.get("/inbox/list?view=unassigned", { "hx-request": "true" });
    expect(frag.text).not.toContain("<html");
    expect(frag.text).toContain(`id="conv-${second}"`);
  });

  test("waiting: longest unanswered first, counted from the first message after the last reply; queue positions", async () => {
    // The list test's agent (one more colleague would crowd the @mention suggestions below).
    const { client } = await as("agent", "lista@test.local");
    const early = await text("+393330000111", "Scrivo per primo");
    app.clock.advance(60_000);
    const later = await text("+393330000112", "Scrivo per secondo");
    const waiting = async () => [...(await client.get("/inbox?view=waiting")).text.matchAll(/id="conv-(\d+)"/g)].map((m) => Number(m[1]));
    let order = await waiting();
    expect(order.indexOf(early)).toBeLessThan(order.indexOf(later));
    // Answered, it leaves the view; the customer writes again: it waits since that new message, after `later`.
    expect((await client.post(`/inbox/${early}/messages`, { text: "Eccomi" }, { headers: { "hx-request": "true" } })).status).toBe(200);
    expect(await waiting()).not.toContain(early);
    const repliedAt = app.deps.conversations.get(early)!.last_reply_at!;
    app.clock.advance(60_000);
    await text("+393330000111", "Un'altra domanda");
    order = await waiting();
    expect(order.indexOf(later)).toBeLessThan(order.indexOf(early));
    const conv = app.deps.conversations.get(early)!;
    expect(conv.unanswered_since).toBeGreaterThan(repliedAt);
    expect(conv.unanswered_since).toBe(one<{ at: number }>("SELECT max(created_at) AS at FROM messages WHERE conversation_id = ? AND direction = 'in'", early).at);
    // Every queue position on a page (read at once) is the conversation's own position.
    await text("+393330000113", "Anch'io aspetto");
    const page = (await client.get("/inbox?view=unassigned")).text;
    const shown = [...page.matchAll(/<li id="conv-(\d+)"[\s\S]*?<\/li>/g)].map((m) => ({ id: Number(m[1]), pos: /data-testid="queue-position">[^<]*?(\d+)/.exec(m[0])?.[1] }));
    expect(shown.length).toBeGreaterThan(2);
    for (const r of shown) expect(`${r.id}: ${r.pos ?? null}`).toBe(`${r.id}: ${app.deps.routing.position(r.id) ?? null}`);
  });

  test("agents land in the inbox; the navigation starts with it", async () => {
    const { client } = await agent("casa@test.local");
    const home = await client.get("/");
    expect(home.status).toBe(303);
    expect(home.headers.get("location")).toBe("/inbox");
    expect((await client.get("/inbox")).text).toMatch(/<nav class="nav">\s*<ul>\s*<li><a href="\/inbox"/);
  });
});

describe("the conversation view", () => {
  test("renders every inbound type of Meta's examples, reactions on their message, safely", async () => {
    const { client } = await as("supervisor", "tipi@test.local");
    // Meta's examples share message ids; each gets its own here, as real messages have.
    const unique = (name: string) => {
      const body = fixture(name);
      body.entry[0].changes[0].value.messages[0].id = `wamid.inbox-${name}`;
      return body;
    };
    const textId = "wamid.inbox-01-text";
    const reaction = unique("04-reaction");
    reaction.entry[0].changes[0].value.messages[0].reaction.message_id = textId;
    for (const f of ["01-text", "02-text", "03-text"]) await deliver(unique(f));
    await deliver(reaction);
    // The system message (a changed number) comes last: after it the customer writes from the new number.
    for (const f of ["05-image", "06-location", "07-contact", "08-unsupported", "09-button", "10-interactive", "11-interactive", "12-order", "13-system"]) await deliver(unique(f));
    const conv = one<{ conversation_id: number }>("SELECT conversation_id FROM messages WHERE wamid = ?", textId).conversation_id;
    const page = await client.get(`/inbox/${conv}`);
    expect(page.status).toBe(200);
    const html = page.text;
    for (const type of ["text", "image", "location", "contacts", "unsupported", "button", "interactive", "order"]) expect(html).toContain(`data-type="${type}"`);
    expect(html).toContain('href="https://www.openstreetmap.org/?mlat=');
    expect(html).toMatch(/data-testid="map-link"/);
    expect(html).toContain("Lucía Gómez");
    expect(html).toContain("+1 (983) 555-2319");
    expect(html).toContain("Message type is currently not supported.");
    expect(html).toContain("WhatsApp did not pass this message on");
    expect(html).toMatch(/data-testid="order"[\s\S]*di9ozbzfi4[\s\S]*Total 85 USD/);
    expect(html).toMatch(/data-testid="reply-tap"/);
    expect(html).toContain("changed from 16505551234 to 12195555358");
    expect(html).toContain("Summer Succulents are here!");
    expect(html).toContain('href="https://fb.me/3cr4Wqqkv" target="_blank" rel="noopener noreferrer nofollow"');
    // The reaction sits on the message it reacts to, not as a bubble of its own.
    const textBubble = html.slice(html.indexOf(`id="msg-${one<{ id: number }>("SELECT id FROM messages WHERE wamid = ?", textId).id}"`));
    expect(textBubble.slice(0, textBubble.indexOf('<div class="msg', 10))).toContain('data-testid="reactions"');
    expect(html).not.toContain('data-type="reaction"');
    expect(html).toMatch(/class="day-sep"/);
  });

  test("media from the simulator shows from the authorized route; documents as a named download", async () => {
    const { client } = await as("supervisor", "media@test.local");
    const conv = await customerWrites("+393330000201", { type: "image", image: { data_base64: PNG.toString("base64"), mime_type: "image/png", caption: "la mia foto" } });
    await app.deps.media.round();
    const page = await client.get(`/inbox/${conv}`);
    const src = /<img class="msg-image" src="(\/media\/\d+)"/.exec(page.text)?.[1];
    expect(src).toBeDefined();
    const file = await client.get(src!);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(page.text).toContain("la mia foto");
    // A document the customer sends: stored at the fake Meta, announced by webhook, downloaded, linked by name.
    const { storeMedia } = await import("../src/simulator/media");
    const pdf = storeMedia(app.deps.simulator.sim, phoneId, new TextEncoder().encode("%PDF-1.4\n%…\n"), "application/pdf", "fattura <2026>.pdf");
    const doc = fixture("01-text");
    const m = doc.entry[0].changes[0].value.messages[0];
    m.id = "wamid.document-1";
    m.from = "393330000201";
    m.type = "document";
    delete m.text;
    m.document = { id: pdf.media_id, mime_type: "application/pdf", sha256: pdf.sha256, filename: "fattura <2026>.pdf" };
    doc.entry[0].changes[0].value.contacts[0].wa_id = "393330000201";
    await deliver(doc);
    await app.deps.media.round();
    const again = await client.get(`/inbox/${conv}`);
    expect(again.text).toMatch(/<a class="msg-doc" href="\/media\/\d+" download data-testid="document-link">[\s\S]*fattura &lt;2026&gt;.pdf/);
  });

  test("older history loads page by page as the agent scrolls, and continues into earlier conversations", async () => {
    const { client } = await as("supervisor", "storia@test.local");
    const old = await text("+393330000301", "messaggio della vecchia conversazione");
    app.deps.conversations.resolve(old, system);
    const conv = await text("+393330000301", "nuovo 0");
    for (let i = 1; i < 45; i++) await text("+393330000301", `nuovo ${i}`);
    const page = await client.get(`/inbox/${conv}`);
    const older = /hx-get="([^"]+)" hx-trigger="revealed"/.exec(page.text)![1]!.replaceAll("&amp;", "&");
    expect(page.text).toContain("nuovo 44");
    expect(page.text).not.toContain(">nuovo 0<");
    const page2 = await client.get(older, { "hx-request": "true" });
    expect(page2.text).toContain(">nuovo 0<");
    const earlier = /hx-get="([^"]+)" hx-trigger="revealed"/.exec(page2.text)![1]!.replaceAll("&amp;", "&");
    expect(earlier).toContain(`conv=${old}`);
    const page3 = await client.get(earlier, { "hx-request": "true" });
    expect(page3.text).toContain("messaggio della vecchia conversazione");
    expect(page3.text).toContain(`Conversation #${old} started`);
    // The side panel lists the contact's conversations: one timeline across them.
    expect(page.text).toMatch(new RegExp(`data-testid="contact-history"[\\s\\S]*href="/inbox/${old}"`));
  });
});

describe("the composer", () => {
  test("a reply is queued, reaches the simulated phone, and its ticks move", async () => {
    const { client, id } = await agent("risponde@test.local");
    const conv = await text("+393330000401", "Avete la taglia M?");
    app.deps.routing.assign(conv, { agentId: id }, system);
    const page = await client.get(`/inbox/${conv}`);
    expect(page.text).toContain('data-window="open"');
    const r = await client.post(`/inbox/${conv}/messages`, { text: "Sì, domani in negozio!" }, { headers: { "hx-request": "true" } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('id="composer-');
    expect(r.text).toContain('hx-swap-oob="beforeend:#inbox-feed"');
    expect(r.text).toContain("Sì, domani in negozio!");
    const m = lastOut(conv);
    expect(m.text).toBe("Sì, domani in negozio!");
    await until(() => simOut("Sì, domani in negozio!") === 1);
    await until(() => ["delivered", "read"].includes(statusOf(m.id)));
    const view = await client.get(`/inbox/${conv}`);
    expect(view.text).toMatch(new RegExp(`id="msg-${m.id}"[\\s\\S]*?data-testid="ticks" data-status="(delivered|read)"`));
  });

  test("outside the 24h window the composer offers approved templates; free text is refused, never shown as sent", async () => {
    const { client, id } = await agent("finestra@test.local");
    const conv = await text("+393330000501", "Ciao");
    app.deps.routing.assign(conv, { agentId: id }, system);
    app.clock.advance(25 * 3_600_000);
    const page = await client.get(`/inbox/${conv}`);
    expect(page.text).toContain('data-testid="template-picker"');
    expect(page.text).toContain('value="ordine_spedito|it"');
    expect(page.text).not.toContain('value="promo_estate|it"');
    const before = one<{ n: number }>("SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'out'", conv).n;
    const refused = await client.post(`/inbox/${conv}/messages`, { text: "Ci sei?" }, { headers: { "hx-request": "true" } });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('data-testid="composer-error"');
    expect(refused.text).toContain("only an approved template");
    expect(refused.text).not.toContain("inbox-feed");
    expect(one<{ n: number }>("SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'out'", conv).n).toBe(before);

    const form = await client.get(`/inbox/${conv}/template-form?template=${encodeURIComponent("ordine_spedito|it")}`, { "hx-request": "true" });
    expect(form.text).toContain('name="p_body_1"');
    expect(form.text).toContain('name="p_body_2"');
    const bad = await client.post(`/inbox/${conv}/template`, { template: "ordine_spedito|it", p_body_1: "Giulia", p_body_2: "A\n1042" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("No new lines or tabs");
    const empty = await client.post(`/inbox/${conv}/template`, { template: "ordine_spedito|it", p_body_1: " ", p_body_2: "A-1042" });
    expect(empty.text).toContain("Fill in this value.");
    const ok = await client.post(`/inbox/${conv}/template`, { template: "ordine_spedito|it", p_body_1: "Giulia", p_body_2: "A-1042" }, { headers: { "hx-request": "true" } });
    expect(ok.status).toBe(200);
    const m = lastOut(conv);
    expect(m.type).toBe("template");
    expect(JSON.parse(m.payload).template.components[0].parameters.map((p: { text: string }) => p.text)).toEqual(["Giulia", "A-1042"]);
    await until(() => simOut("ordine_spedito") >= 1);
  });

  test("a failed message shows Meta's reason, and Retry really queues it again", async () => {
    const { client, id } = await agent("riprova@test.local");
    const conv = await text("+393330000601", "Mi rispondete?");
    app.deps.routing.assign(conv, { agentId: id }, system);
    await api(app.url, admin, "POST", "/api/v1/simulator/faults", { next_errors: { count: 1, code: 131026, mode: "sync" } });
    await client.post(`/inbox/${conv}/messages`, { text: "Eccoci" });
    const m = lastOut(conv);
    await until(() => statusOf(m.id) === "failed");
    const page = await client.get(`/inbox/${conv}`);
    expect(page.text).toContain("The message could not be delivered");
    expect(page.text).toContain(`hx-post="/inbox/${conv}/messages/${m.id}/retry"`);
    const r = await client.post(`/inbox/${conv}/messages/${m.id}/retry`, {}, { headers: { "hx-request": "true" } });
    expect(r.status).toBe(200);
    expect(r.text).toContain(`id="msg-${m.id}"`);
    await until(() => ["sent", "delivered", "read"].includes(statusOf(m.id)));
    expect(simOut("Eccoci")).toBe(1);
  });

  test("an attachment is checked, uploaded to the number's Graph media endpoint and sent by id", async () => {
    const { client, id } = await agent("allegati@test.local");
    const conv = await text("+393330000701", "Mandami la foto");
    app.deps.routing.assign(conv, { agentId: id }, system);
    const post = (file: File, caption = "") => {
      const body = new FormData();
      body.set("_csrf", client.csrf);
      body.set("text", caption);
      body.set("file", file);
      return client.request("POST", `/inbox/${conv}/messages`, { body, headers: { "hx-request": "true" } });
    };
    const simMedia = () => one<{ n: number }>("SELECT count(*) AS n FROM sim_media").n;
    const before = simMedia();
    const wrong = await post(new File([new TextEncoder().encode("MZ\x90")], "virus.exe", { type: "application/x-msdownload" }));
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain("WhatsApp does not accept files of type application/x-msdownload");
    const liar = await post(new File([new TextEncoder().encode("<html>no</html>")], "x.png", { type: "image/png" }));
    expect(liar.text).toContain("is not a image/png file");
    expect(simMedia()).toBe(before);

    const ok = await post(new File([PNG], "prodotto.png", { type: "image/png" }), "Ecco il prodotto");
    expect(ok.status).toBe(200);
    expect(simMedia()).toBe(before + 1);
    const m = lastOut(conv);
    expect(m.type).toBe("image");
    expect(JSON.parse(m.payload).image.caption).toBe("Ecco il prodotto");
    const media = one<{ id: number; status: string }>("SELECT id, status FROM media WHERE message_id = ?", m.id);
    expect(media.status).toBe("ready");
    expect(ok.text).toContain(`src="/media/${media.id}"`);
    expect((await client.get(`/media/${media.id}`)).headers.get("content-type")).toBe("image/png");
    await until(() => ["sent", "delivered", "read"].includes(statusOf(m.id)));

    await api(app.url, admin, "POST", "/api/v1/simulator/faults", { outage: "error" });
    const down = await post(new File([PNG], "again.png", { type: "image/png" }));
    await api(app.url, admin, "DELETE", "/api/v1/simulator/faults");
    expect(down.status).toBe(502);
    expect(down.text).toContain("The upload to WhatsApp failed");
    expect(lastOut(conv).id).toBe(m.id);
  });

  test("a /shortcut suggests quick replies rendered for this customer; @ suggests colleagues; notes mention them", async () => {
    const { client, id } = await agent("rapide@test.local");
    const colleague = await agent("collega@test.local");
    const conv = await text("+393330000801", "Orari?", "Carla Verdi");
    app.deps.routing.assign(conv, { agentId: id }, system);
    const actor = { ...ownerActor(app.deps), userId: id, name: "Test agent" };
    app.deps.quickReplies.create({ shortcut: "orari", text: "Ciao {{contact.first_name}}, siamo aperti 9-18. {{agent.name}}" }, { actor });
    const s = await client.get(`/inbox/${conv}/suggest?mode=reply&text=${encodeURIComponent("/ora")}`, { "hx-request": "true" });
    expect(s.text).toContain("/orari");
    expect(s.text).toContain("Ciao Carla, siamo aperti 9-18. Test agent");
    expect((await client.get(`/inbox/${conv}/suggest?mode=reply&text=ciao`)).text.trim()).toBe("");
    const at = await client.get(`/inbox/${conv}/suggest?mode=note&text=${encodeURIComponent("guarda @Test")}`);
    expect(at.text).toContain('data-kind="mention"');
    expect(at.text).toContain("collega@test.local");
    const note = await client.post(`/inbox/${conv}/notes`, { text: "@Test agent puoi richiamare?" }, { headers: { "hx-request": "true" } });
    expect(note.status).toBe(200);
    expect(note.text).toContain('data-testid="note"');
    expect(app.deps.notifications.unreadCount(colleague.id)).toBe(1);
    expect((await client.get(`/inbox/${conv}`)).text).toContain("puoi richiamare?");
  });

  test("a role without conversations:reply sees why it cannot write", async () => {
    const { client } = await as("analyst", "analista@test.local");
    const conv = await text("+393330000901", "Salve");
    const page = await client.get(`/inbox/${conv}`);
    expect(page.text).toContain('data-testid="composer-disabled"');
    expect(page.text).not.toContain('data-testid="composer-form"');
    expect((await client.post(`/inbox/${conv}/messages`, { text: "x" })).status).toBe(403);
  });
});

describe("the lifecycle", () => {
  test("snooze until a preset time; the scheduler wakes it on the virtual clock; both are events", async () => {
    const { client, id } = await agent("posticipa@test.local");
    const conv = await text("+393330001001", "Richiamami domani");
    app.deps.routing.assign(conv, { agentId: id }, system);
    const r = await client.post(`/inbox/${conv}/snooze`, { preset: "1h" }, { headers: { "hx-request": "true" } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('data-status="snoozed"');
    expect(app.deps.conversations.get(conv)!.status).toBe("snoozed");
    app.clock.advance(61 * 60_000);
    await app.deps.scheduler.runNow("conversations.snooze");
    expect(app.deps.conversations.get(conv)!.status).toBe("open");
    const page = await client.get(`/inbox/${conv}`);
    expect(page.text).toContain('data-kind="snoozed"');
    expect(page.text).toContain('data-kind="woke"');
    const tomorrow = await client.post(`/inbox/${conv}/snooze`, { preset: "tomorrow" });
    expect(tomorrow.status).toBe(200);
    const until = app.deps.conversations.get(conv)!.snoozed_until!;
    expect(new Date(until).getUTCMinutes()).toBe(0);
    expect(until - app.clock.now()).toBeLessThanOrEqual(33 * 3_600_000);
    expect((await client.post(`/inbox/${conv}/wake`, {})).status).toBe(200);
    expect((await client.post(`/inbox/${conv}/snooze`, { preset: "custom", until: "not a time" })).status).toBe(422);
  });

  test("transfer to a colleague with a note, take it back, mark unread, resolve and reopen", async () => {
    const first = await agent("primo@test.local");
    const second = await agent("secondo@test.local");
    const conv = await text("+393330001101", "Vorrei un reso");
    app.deps.routing.assign(conv, { agentId: first.id }, system);
    const form = await first.client.get(`/inbox/${conv}/transfer`, { "hx-request": "true" });
    expect(form.text).toContain(`<option value="${second.id}">`);
    const r = await first.client.post(`/inbox/${conv}/transfer`, { agent: String(second.id), note: "Segue lei i resi" }, { headers: { "hx-request": "true" } });
    expect(r.status).toBe(200);
    expect(app.deps.conversations.get(conv)!.assignee_id).toBe(second.id);
    expect(r.text).toContain("Segue lei i resi");
    const view = await second.client.get(`/inbox/${conv}`);
    expect(view.text).toMatch(/data-kind="transferred"[\s\S]*Segue lei i resi/);
    expect(view.text).toContain('data-testid="decision"');
    // Opening it as its assignee clears the unread count; marking it unread brings it back.
    expect(app.deps.conversations.get(conv)!.unread).toBe(0);
    await second.client.post(`/inbox/${conv}/unread`, {});
    expect(app.deps.conversations.get(conv)!.unread).toBe(1);
    await first.client.post(`/inbox/${conv}/take`, {});
    expect(app.deps.conversations.get(conv)!.assignee_id).toBe(first.id);
    await first.client.post(`/inbox/${conv}/resolve`, {});
    expect(app.deps.conversations.get(conv)!.status).toBe("resolved");
    const resolved = await first.client.get(`/inbox/${conv}`);
    expect(resolved.text).toContain('data-testid="composer-resolved"');
    expect(resolved.text).toContain('data-kind="resolved"');
    await first.client.post(`/inbox/${conv}/reopen`, {});
    expect(app.deps.conversations.get(conv)!.status).toBe("open");
    // After a resolve, the customer's next message opens a new conversation shown in the same history.
    await first.client.post(`/inbox/${conv}/resolve`, {});
    const next = await text("+393330001101", "Ancora io");
    expect(next).not.toBe(conv);
    expect((await first.client.get(`/inbox/${next}`)).text).toMatch(new RegExp(`data-testid="contact-history"[\\s\\S]*href="/inbox/${conv}"`));
  });

  test("an agent starts a conversation with a typed phone number and a template; it is theirs", async () => {
    const { client, id } = await agent("inizia@test.local");
    const page = await client.get("/inbox/new");
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="hello_world|en_US"');
    const bad = await client.post("/inbox/new", { number: String(numberId), phone: "12", template: "hello_world|en_US" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("country code");
    const r = await client.post("/inbox/new", { number: String(numberId), phone: "+39 333 000 1201", template: "ordine_spedito|it", p_body_1: "Dario", p_body_2: "B-7" });
    expect(r.status).toBe(303);
    const conv = Number(/\/inbox\/(\d+)/.exec(r.headers.get("location")!)![1]);
    expect(app.deps.conversations.get(conv)!.assignee_id).toBe(id);
    await until(() => simOut("B-7") === 1);
  });
});

describe("the customer panel", () => {
  test("name, language, tags and attributes are edited inline", async () => {
    const { client, id } = await agent("pannello@test.local");
    const conv = await text("+393330001301", "Buongiorno", "Elena");
    app.deps.routing.assign(conv, { agentId: id }, system);
    const cid = app.deps.conversations.get(conv)!.contact_id;
    const h = { headers: { "hx-request": "true" } };
    const tag = await client.post(`/inbox/${conv}/contact/tags`, { tag: "rimborso" }, h);
    expect(tag.text).toMatch(/id="tags-\d+"[\s\S]*rimborso/);
    expect(app.deps.contacts.tags(cid)).toEqual(["rimborso"]);
    await client.post(`/inbox/${conv}/contact/tags/remove`, { tag: "rimborso" }, h);
    expect(app.deps.contacts.tags(cid)).toEqual([]);
    const attr = await client.post(`/inbox/${conv}/contact/attributes`, { key: "citta", value: "Bari" }, h);
    expect(attr.text).toContain("Bari");
    expect(app.deps.contacts.attributes(cid)).toEqual({ citta: "Bari" });
    const badKey = await client.post(`/inbox/${conv}/contact/attributes`, { key: "Città!", value: "x" }, h);
    expect(badKey.status).toBe(422);
    await client.post(`/inbox/${conv}/contact/attributes/remove`, { key: "citta" }, h);
    expect(app.deps.contacts.attributes(cid)).toEqual({});
    const edit = await client.get(`/inbox/${conv}/contact?edit=1`, { "hx-request": "true" });
    expect(edit.text).toContain('data-testid="contact-form"');
    const saved = await client.post(`/inbox/${conv}/contact`, { name: "Elena Neri", language: "it" }, h);
    expect(saved.text).toContain("Elena Neri");
    expect(app.deps.contacts.get(cid)!.name).toBe("Elena Neri");
    expect((await client.post(`/inbox/${conv}/contact`, { name: "x", language: "italiano" }, h)).status).toBe(422);
  });
});

describe("hostile customer content", () => {
  test("names and text are escaped in the list, the view, and the fragments", async () => {
    const { client } = await as("supervisor", "sicurezza@test.local");
    const conv = await text("+393330001401", HOSTILE_TEXT, HOSTILE_NAME);
    await text("+393330001401", "https://evil.example/<b>x\" onmouseover=alert(1)");
    const pages = [
      (await client.get("/inbox?view=all")).text,
      (await client.get(`/inbox/${conv}`)).text,
      (await client.get(`/inbox/${conv}`, { "hx-request": "true", "hx-target": "section#conv-pane" })).text,
      (await client.get("/inbox/list?view=all", { "hx-request": "true" })).text,
    ];
    for (const html of pages) {
      expect(html).not.toContain("<script>window.__pwned");
      expect(html).not.toContain('<img src=x onerror="window.__pwned=1">');
      expect(html).toContain("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;");
    }
    expect(pages[1]).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt; &amp; &quot;quotes&quot;");
    // A link made from customer text is the URL parser's (encoded) form, inside a quoted attribute.
    expect(pages[1]).toContain('<a href="https://evil.example/" target="_blank" rel="noopener noreferrer nofollow">https://evil.example/</a>&lt;b&gt;x&quot; onmouseover=alert(1)');
    expect(pages[2]).not.toContain("<html");
    // The header's search dropdown: snippets escaped, matches wrapped in <mark>, the conversation linked.
    const found = await client.get(`/inbox/search?q=quotes`, { "hx-request": "true" });
    expect(found.text).toContain(`href="/inbox/${conv}#msg-`);
    expect(found.text).toContain("<mark>quotes</mark>");
    expect(found.text).toContain("&lt;script&gt;");
    expect(found.text).not.toContain("<script>");
    expect(found.text).toContain('href="/search?q=quotes"');
  });
});
