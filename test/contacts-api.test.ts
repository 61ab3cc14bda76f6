// The contacts API over real HTTP: the contact's shape (E.164 phone, country, language, tags, attributes,
// opt-out), filters by tags and text with cursor pagination, the side panel's edits with their validation
// messages (all or nothing), contact.updated and audit entries, and who may read or edit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ownerActor, startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";

let app: TestApp;
let agent: string;
const ids = { maria: 0, luca: 0, hans: 0, anon: 0 };
const system = { actor: null, system: true };

/** A contact we wrote to first, with optional tags. */
function makeContact(phone: string, name: string, tags: string[] = []): number {
  const d = app.deps;
  const id = d.contacts.resolveOutbound(phone, "en").contact.id;
  if (name) d.contacts.update(id, { name }, system);
  for (const t of tags) d.contacts.addTag(id, t, system);
  return id;
}

const patch = (id: number, body: unknown, token = agent) => api(app.url, token, "PATCH", `/api/v1/contacts/${id}`, body);
const get = (path: string, token = agent) => api(app.url, token, "GET", path);

beforeAll(async () => {
  app = await startTestApp();
  agent = app.token("agent");
  ids.maria = makeContact("+393331234567", "Maria Rossi", ["vip", "Milano"]);
  ids.luca = makeContact("+393339876543", "Luca Bianchi", ["VIP"]);
  ids.hans = makeContact("+4930123456", "Hans Müller", ["milano", "berlin"]);
  ids.anon = makeContact("+5511987654321", "");
});
afterAll(() => app.stop());

describe("reading", () => {
  test("a contact with tags, attributes, country, language and opt-out", async () => {
    const r = await get(`/api/v1/contacts/${ids.maria}`);
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ id: String(ids.maria), phone: "+393331234567", name: "Maria Rossi", country: "IT", language: "it", tags: ["Milano", "vip"], attributes: {}, opted_out: false, consent: false });
    expect((await get(`/api/v1/contacts/${ids.anon}`)).json.data).toMatchObject({ country: "BR", language: "pt", name: "" });
    expect((await get("/api/v1/contacts/999999")).status).toBe(404);
  });

  test("tag filters: repeatable, all must match, without case", async () => {
    const names = async (qs: string) => (await get(`/api/v1/contacts?${qs}`)).json.data.map((c: { name: string }) => c.name);
    expect(await names("tag=vip")).toEqual(["Maria Rossi", "Luca Bianchi"]);
    expect(await names("tag=VIP&tag=milano")).toEqual(["Maria Rossi"]);
    expect(await names("tag=milano")).toEqual(["Maria Rossi", "Hans Müller"]);
    expect(await names("tag=vip&tag=vip")).toEqual(["Maria Rossi", "Luca Bianchi"]);
    expect(await names("tag=nobody")).toEqual([]);
  });

  test("q searches names (accents folded) and phone prefixes", async () => {
    const names = async (q: string, more = "") => (await get(`/api/v1/contacts?q=${encodeURIComponent(q)}${more}`)).json.data.map((c: { name: string }) => c.name);
    expect(await names("muller")).toEqual(["Hans Müller"]);
    expect(await names("ross")).toEqual(["Maria Rossi"]);
    expect(await names("+39 333")).toEqual(["Maria Rossi", "Luca Bianchi"]);
    expect(await names("+39 333", "&tag=milano")).toEqual(["Maria Rossi"]);
    expect(await names('NEAR(" *')).toEqual([]);
  });

  test("cursor pagination", async () => {
    const first = await get("/api/v1/contacts?limit=3");
    expect(first.json.data).toHaveLength(3);
    expect(first.json.next_cursor).toBeString();
    const second = await get(`/api/v1/contacts?limit=3&cursor=${first.json.next_cursor}`);
    expect(second.json.data.map((c: { id: string }) => c.id)).toEqual([String(ids.anon)]);
    expect(second.json.next_cursor).toBeNull();
    expect((await get("/api/v1/contacts?cursor=garbage")).status).toBe(400);
  });
});

describe("editing", () => {
  test("name, language, tags (replaced) and attributes (merged, null deletes)", async () => {
    const events: number[] = [];
    const off = app.deps.bus.on("contact.updated", (e) => events.push(e.contactId));
    await patch(ids.luca, { attributes: { city: "Roma", orders: 3, vip_since: "2024", newsletter: true } });
    const r = await patch(ids.luca, { name: "  Luca B. ", language: "pt-br", tags: ["Gold", "gold", " Roma "], attributes: { city: "Torino", vip_since: null } });
    off();
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ name: "Luca B.", language: "pt-BR", tags: ["Gold", "Roma"], attributes: { city: "Torino", orders: 3, newsletter: true } });
    expect(r.json.data.attributes).not.toHaveProperty("vip_since");
    expect(events).toEqual([ids.luca, ids.luca]);
    const back = await patch(ids.luca, { language: null });
    expect(back.json.data.language).toBe("it");
    const audit = app.deps.audit.list({ action: "contacts", beforeId: 0, limit: 50 });
    expect(audit.some((e) => e.action === "contacts.update" && e.target_id === String(ids.luca))).toBe(true);
  });

  test("an unchanged patch changes nothing and emits nothing", async () => {
    const events: number[] = [];
    const off = app.deps.bus.on("contact.updated", (e) => events.push(e.contactId));
    const before = (await get(`/api/v1/contacts/${ids.luca}`)).json.data;
    const r = await patch(ids.luca, { tags: ["roma", "GOLD"], name: "Luca B." });
    off();
    expect(r.json.data.tags).toEqual(before.tags);
    expect(r.json.data.updated_at).toBe(before.updated_at);
    expect(events).toEqual([]);
  });

  test("validation names each field and changes nothing", async () => {
    const before = (await get(`/api/v1/contacts/${ids.hans}`)).json.data;
    const cases: [unknown, string, string][] = [
      [{ tags: ["x".repeat(51)] }, "tags.0", "must be at most 50 characters"],
      [{ tags: ["ok", "a;b"] }, "tags.1", "must not contain ; or control characters"],
      [{ tags: ["ok", "   "] }, "tags.1", "must not be empty"],
      [{ tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }, "tags", "must have at most 100 items"],
      [{ attributes: { "Bad-Key": 1 } }, "attributes.Bad-Key", "must be 1 to 40 characters: lowercase letters, digits and _"],
      [{ attributes: { city: { nested: true } } }, "attributes.city", "has an unexpected value"],
      [{ language: "italiano!" }, "language", "must be a language code such as it, en or pt-BR"],
      [{ name: "" }, "name", "must not be empty"],
      [{ name: "Hans", opted_out: true }, "opted_out", "is not a known field"],
    ];
    for (const [body, field, message] of cases) {
      const r = await patch(ids.hans, { tags: ["changed"], ...(body as object) });
      expect(`${field} ${r.status}`).toBe(`${field} 422`);
      expect(r.json.error.code).toBe("validation_failed");
      expect(r.json.error.fields).toContainEqual({ field, message });
    }
    expect((await get(`/api/v1/contacts/${ids.hans}`)).json.data).toEqual(before);
    expect((await patch(999999, { name: "x" })).status).toBe(404);
  });

  test("the service: tags unique without case (accents too), 100 at most; attributes typed", () => {
    const d = app.deps;
    const id = makeContact("+447700900123", "Tag Tester");
    expect(d.contacts.addTag(id, " Città ", system)).toEqual(["Città"]);
    expect(d.contacts.addTag(id, "CITTÀ", system)).toEqual(["Città"]);
    expect(d.contacts.removeTag(id, "città", system)).toEqual([]);
    for (let i = 0; i < 100; i++) d.contacts.addTag(id, `t${i}`, system);
    expect(() => d.contacts.addTag(id, "one-too-many", system)).toThrow("at most 100 tags");
    expect(d.contacts.addTag(id, "T1", system)).toHaveLength(100);
    expect(() => d.contacts.addTag(id, "x".repeat(51), system)).toThrow("tag: must be at most 50 characters");
    expect(d.contacts.setAttribute(id, "orders", 2, system)).toEqual({ orders: 2 });
    expect(d.contacts.setAttribute(id, "vip", true, system)).toEqual({ orders: 2, vip: true });
    expect(d.contacts.setAttribute(id, "orders", null, system)).toEqual({ vip: true });
    expect(() => d.contacts.setAttribute(id, "City", "Roma", system)).toThrow("attributes.City");
    expect(() => d.contacts.setAttribute(id, "n", Number.NaN, system)).toThrow("must be a finite number");
    expect(d.contacts.update(id, { name: "Tag T." }, { actor: ownerActor(d) }).name).toBe("Tag T.");
  });
});

describe("permissions", () => {
  test("reading needs contacts:read, editing contacts:manage", async () => {
    const analyst = app.token("analyst");
    expect((await get(`/api/v1/contacts/${ids.maria}`, analyst)).status).toBe(200);
    const denied = await patch(ids.maria, { name: "Nope" }, analyst);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("permission_denied");
    app.deps.roles.create({ name: "Inbox only", permissions: ["conversations:read"] }, { actor: ownerActor(app.deps) });
    const inboxOnly = app.token("inbox-only");
    expect((await get("/api/v1/contacts", inboxOnly)).status).toBe(403);
    expect((await get("/api/v1/contacts")).status).toBe(200);
    expect((await api(app.url, null, "GET", "/api/v1/contacts")).status).toBe(401);
  });
});
