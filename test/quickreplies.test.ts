// Quick replies over real HTTP: personal ones are private, shared ones need quick_replies:manage_shared, one's
// own shortcut wins over a shared one, validation, placeholders with fallbacks (service and page preview), and
// the settings page's forms (create, 422 re-render, edit, delete).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ownerActor, startTestApp, type TestApp } from "./support/app";
import { api, type Client } from "./support/client";

let app: TestApp;
const tokens: Record<string, string> = {};
const users: Record<string, number> = {};
const qr = (who: string, method: string, path = "", body?: unknown) => api(app.url, tokens[who]!, method, `/api/v1/quick-replies${path}`, body);

beforeAll(async () => {
  app = await startTestApp();
  const d = app.deps;
  for (const [key, role, name] of [["anna", "agent", "Anna Agente"], ["bruno", "agent", "Bruno"], ["sara", "supervisor", "Sara Capo"]] as const) {
    users[key] = (await d.users.create({ email: `${key}@shop.test`, name, password: "correct horse battery", role }, { actor: ownerActor(d) })).id;
    tokens[key] = d.tokens.create({ name: key, user: `${key}@shop.test` }, { actor: ownerActor(d) }).token;
  }
});
afterAll(() => app.stop());

describe("personal and shared", () => {
  test("a personal reply is its owner's alone", async () => {
    const r = await qr("anna", "POST", "", { shortcut: "/Grazie", text: "Grazie {{contact.first_name | 'mille'}}!" });
    expect(r.status).toBe(201);
    expect(r.json.data).toMatchObject({ shortcut: "grazie", shared: false, owner_id: String(users.anna), editable: true });
    expect((await qr("bruno", "GET")).json.data).toEqual([]);
    expect((await qr("bruno", "PATCH", `/${r.json.data.id}`, { text: "mio" })).status).toBe(404);
    expect((await qr("bruno", "DELETE", `/${r.json.data.id}`)).status).toBe(404);
    const dup = await qr("anna", "POST", "", { shortcut: "grazie", text: "altro" });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toMatchObject({ code: "shortcut_taken", fields: [{ field: "shortcut" }] });
    // Another person may use the same shortcut for their own.
    expect((await qr("bruno", "POST", "", { shortcut: "grazie", text: "Grazie a te" })).status).toBe(201);
  });

  test("shared replies need quick_replies:manage_shared to create, change or delete", async () => {
    const denied = await qr("anna", "POST", "", { shortcut: "orari", text: "Siamo aperti 9-18", shared: true });
    expect(denied.status).toBe(403);
    const r = await qr("sara", "POST", "", { shortcut: "orari", text: "Siamo aperti 9-18", shared: true });
    expect(r.status).toBe(201);
    expect(r.json.data).toMatchObject({ shared: true, owner_id: null });
    const seen = (await qr("anna", "GET")).json.data;
    expect(seen.map((x: { shortcut: string; shared: boolean; editable: boolean }) => [x.shortcut, x.shared, x.editable])).toEqual([["grazie", false, true], ["orari", true, false]]);
    expect((await qr("anna", "PATCH", `/${r.json.data.id}`, { text: "chiuso" })).status).toBe(403);
    expect((await qr("anna", "DELETE", `/${r.json.data.id}`)).status).toBe(403);
    expect((await qr("sara", "PATCH", `/${r.json.data.id}`, { text: "Siamo aperti 9-19" })).json.data.text).toBe("Siamo aperti 9-19");
    expect(app.deps.audit.list({ action: "quick_replies", beforeId: 0, limit: 10 }).map((e) => e.action)).toEqual(["quick_replies.update", "quick_replies.create"]);
  });

  test("one's own shortcut wins over a shared one; the composer asks with or without the slash", async () => {
    await qr("sara", "POST", "", { shortcut: "grazie", text: "Grazie dal team", shared: true });
    const d = app.deps;
    expect(d.quickReplies.find(users.anna!, "/grazie")!.text).toStartWith("Grazie {{contact");
    expect(d.quickReplies.find(users.sara!, "grazie")!.text).toBe("Grazie dal team");
    expect(d.quickReplies.find(users.sara!, "nessuna")).toBeNull();
    const list = (await qr("anna", "GET")).json.data.map((x: { shortcut: string; shared: boolean }) => `${x.shortcut}:${x.shared}`);
    expect(list).toEqual(["grazie:false", "grazie:true", "orari:true"]);
    expect((await qr("anna", "GET", "?q=/or")).json.data.map((x: { shortcut: string }) => x.shortcut)).toEqual(["orari"]);
  });

  test("validation", async () => {
    const bad = await qr("anna", "POST", "", { shortcut: "ciao mondo!", text: "  " });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields).toEqual([
      { field: "shortcut", message: "must be 1 to 30 characters: letters a-z, digits, _ and -" },
      { field: "text", message: "must not be empty" },
    ]);
    const long = await qr("anna", "POST", "", { shortcut: "lungo", text: "x".repeat(4097) });
    expect(long.json.error.fields).toEqual([{ field: "text", message: "must be at most 4096 characters" }]);
    expect((await qr("anna", "POST", "", { shortcut: "a_b-9", text: "ok" })).status).toBe(201);
    // A role token acts as nobody, so it can only keep shared ones.
    const role = await api(app.url, app.token("admin"), "POST", "/api/v1/quick-replies", { shortcut: "tok", text: "x" });
    expect(role.status).toBe(422);
    expect(role.json.error.fields[0].field).toBe("shared");
    expect((await api(app.url, app.token("admin"), "POST", "/api/v1/quick-replies", { shortcut: "tok", text: "x", shared: true })).status).toBe(201);
  });

  test("placeholders render for a contact and agent, with fallbacks, as plain text", () => {
    const d = app.deps;
    const contact = d.contacts.resolveOutbound("+393331234567", "it").contact;
    d.contacts.update(contact.id, { name: "Giulia <b>Bianchi</b>" }, { actor: null, system: true });
    d.contacts.setAttribute(contact.id, "city", "Napoli", { actor: null, system: true });
    const row = d.contacts.get(contact.id)!;
    const text = "Ciao {{contact.first_name}} da {{agent.name}}: {{contact.attributes.city | 'cliente'}}, {{contact.attributes.cap | 'CAP?'}} {{contact.phone}} {{ordine.id}}";
    expect(d.quickReplies.render(text, { contact: row, agent: { name: "Anna" } })).toBe("Ciao Giulia da Anna: Napoli, CAP? +393331234567 {{ordine.id}}");
    expect(d.quickReplies.render("{{contact.name}}", { contact: row, agent: { name: "Anna" } })).toBe("Giulia <b>Bianchi</b>");
  });
});

describe("settings page", () => {
  let page: Client;
  beforeAll(async () => {
    page = await app.as("agent");
  });

  test("lists own and shared, with the form and preview", async () => {
    const r = await page.get("/settings/quick-replies");
    expect(r.status).toBe(200);
    expect(r.text).toContain('data-testid="qr-shared"');
    expect(r.text).toContain("/orari");
    expect(r.text).not.toContain('name="shared"');
    expect(r.text).toContain('href="/settings/quick-replies" aria-current="page"');
  });

  test("create, 422 with the typed values, edit, delete", async () => {
    const bad = await page.post("/settings/quick-replies", { shortcut: "No Spaces", text: "Testo <i>mio</i>" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("must be 1 to 30 characters");
    expect(bad.text).toContain('value="No Spaces"');
    expect(bad.text).toContain("Testo &lt;i&gt;mio&lt;/i&gt;");
    const ok = await page.post("/settings/quick-replies", { shortcut: "saluti", text: "Saluti da {{agent.name}}" });
    expect(ok.status).toBe(303);
    const listed = await page.get("/settings/quick-replies");
    expect(listed.text).toContain("Quick reply /saluti created.");
    const id = app.deps.db.query<{ id: number }>("SELECT id FROM quick_replies WHERE shortcut = 'saluti'").get()!.id;
    const edit = await page.get(`/settings/quick-replies/${id}`);
    expect(edit.text).toContain("Saluti da Test agent");
    expect((await page.post(`/settings/quick-replies/${id}`, { shortcut: "saluti2", text: "Ciao" })).status).toBe(303);
    expect(app.deps.db.query<{ shortcut: string }>("SELECT shortcut FROM quick_replies WHERE id = ?").get(id)!.shortcut).toBe("saluti2");
    const shared = app.deps.db.query<{ id: number }>("SELECT id FROM quick_replies WHERE shortcut = 'orari'").get()!.id;
    expect((await page.post(`/settings/quick-replies/${shared}/delete`)).status).toBe(403);
    expect((await page.post(`/settings/quick-replies/${id}/delete`)).status).toBe(303);
    expect(app.deps.db.query("SELECT 1 FROM quick_replies WHERE id = ?").get(id)).toBeNull();
  });

  test("the preview fills placeholders on a sample customer, flags unknown ones and escapes", async () => {
    const text = "Ciao {{contact.first_name}}, {{contact.attributes.city | 'cliente'}} {{contact.attributes.zip | 'n/d'}} {{foo}} <script>x</script>";
    const r = await page.get(`/settings/quick-replies/preview?text=${encodeURIComponent(text)}`, { "hx-request": "true" });
    expect(r.status).toBe(200);
    expect(r.text).toContain("Ciao Maria, Milan n/d {{foo}} &lt;script&gt;x&lt;/script&gt;");
    expect(r.text).toContain("Unknown placeholders, sent as written: foo");
  });
});
