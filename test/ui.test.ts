// The web UI over HTTP: every page renders for the owner, forms re-render with field errors (422) and keep what
// was typed, hostile names stay escaped, languages switch, live search returns just the rows, tokens show once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ownerActor, startTestApp, type TestApp } from "./support/app";
import type { Client } from "./support/client";

let app: TestApp;
let owner: Client;

beforeAll(async () => {
  app = await startTestApp();
  owner = await app.as("owner");
});
afterAll(() => app.stop());

describe("pages", () => {
  test("every page of the shell renders for the owner, with the navigation", async () => {
    const teamId = app.deps.teams.create({ name: "Vendite" }, { actor: null, system: true }).id;
    const agentId = await app.user("agent");
    for (const path of ["/", "/users", "/users/new", `/users/${agentId}`, "/teams", "/teams/new", `/teams/${teamId}`, "/roles", "/roles/new", "/roles/1", "/settings", "/settings/tokens", "/profile", "/api/docs"]) {
      const r = await owner.get(path);
      expect(`${path} ${r.status}`).toBe(`${path} 200`);
      expect(r.text).toContain('<nav class="nav">');
      expect(r.text).toContain('hx-sse:connect="/events"');
    }
  });

  test("the navigation shows only what the role may open", async () => {
    const agent = await app.as("agent");
    // Agents and supervisors land in the inbox; any page shows the navigation.
    const home = await agent.get("/profile");
    expect(home.text).not.toContain('href="/users"');
    expect(home.text).not.toContain('href="/settings"');
    expect(home.text).not.toContain('data-testid="alerts-bell"');
    const sup = await (await app.as("supervisor")).get("/profile");
    expect(sup.text).toContain('href="/users"');
    expect(sup.text).not.toContain('href="/settings"');
  });

  test("a page the role may not open is a 403 page saying which permission is missing", async () => {
    const r = await (await app.as("agent")).get("/settings");
    expect(r.status).toBe(403);
    expect(r.text).toContain("settings:read");
  });
});

describe("forms", () => {
  test("creating a user with bad input re-renders the form with messages and the typed values", async () => {
    await owner.get("/users/new");
    const r = await owner.post("/users", { name: "Luca Verdi", email: "not-an-email", role: "agent", password: "short" });
    expect(r.status).toBe(422);
    expect(r.text).toContain("must be a valid email address");
    expect(r.text).toContain("must be at least 10 characters");
    expect(r.text).toContain('value="Luca Verdi"');
    expect(r.text).not.toContain('value="short"');
    const ok = await owner.post("/users", { name: "Luca Verdi", email: "luca@test.local", role: "agent", password: "una frase lunga", must_change_password: "1" });
    expect(ok.status).toBe(303);
    const dup = await owner.post("/users", { name: "Luca Due", email: "luca@test.local", role: "agent", password: "una frase lunga" });
    expect(dup.status).toBe(409);
    expect(dup.text).toContain("already exists");
  });

  test("a custom role is built from checkboxes; an empty permission list is refused", async () => {
    await owner.get("/roles/new");
    const empty = await owner.post("/roles", { name: "Empty" });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain("choose at least one permission");
    const ok = await owner.post("/roles", { name: "Receptionist", description: "Front desk", permissions: ["conversations:read", "contacts:read"] });
    expect(ok.status).toBe(303);
    const page = await owner.get(ok.headers.get("location")!);
    expect(page.text).toMatch(/value="contacts:read" checked/);
    expect(page.text).not.toMatch(/value="users:read" checked/);
  });

  test("an API token is shown once on creation and never again", async () => {
    await owner.get("/settings/tokens");
    const r = await owner.post("/settings/tokens", { name: "ERP", kind: "role", role: "analyst" });
    expect(r.status).toBe(201);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const token = /data-testid="token-value">([^<]+)</.exec(r.text)![1]!;
    expect(token.startsWith("cen_")).toBe(true);
    expect((await owner.get("/settings/tokens")).text).not.toContain(token);
  });

  test("settings: a bad value is shown beside its field and nothing is saved", async () => {
    await owner.get("/settings");
    const r = await owner.post("/settings", { workspace_name: "Bottega", lockout_threshold: "1", timezone: "Europe/Rome" });
    expect(r.status).toBe(422);
    expect(r.text).toContain("must be a whole number from 3 to 50");
    expect(app.deps.settings.get("workspace_name")).toBe("Centralino");
  });
});

describe("escaping (customer and user text is hostile)", () => {
  test("a hostile name is rendered as text in lists, forms, teams and alerts", async () => {
    const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`;
    const id = (await app.deps.users.create({ email: "evil@test.local", name: evil, password: "long enough pw", role: "agent" }, { actor: ownerActor(app.deps) })).id;
    const team = app.deps.teams.create({ name: `<b>Team</b>` }, { actor: null, system: true });
    app.deps.teams.addMember(team.id, id, { actor: null, system: true });
    app.deps.alerts.post({ level: "warning", title: `Locked ${evil}`, body: evil });
    for (const path of ["/users", `/users/${id}`, `/teams/${team.id}`, "/"]) {
      const html = (await owner.get(path)).text;
      expect(`${path}: ${html.includes("<script>alert(1)")}`).toBe(`${path}: false`);
      expect(`${path}: ${html.includes("<img src=x")}`).toBe(`${path}: false`);
      expect(html).not.toContain("<b>Team</b>");
    }
    expect((await owner.get("/users")).text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("language and theme", () => {
  test("the browser's language is honoured, the switch overrides it, and the user's choice wins", async () => {
    const anon = app.anonymous();
    expect((await anon.get("/login", { "accept-language": "it-IT,it;q=0.9" })).text).toContain("Accedi");
    const sw = await anon.get("/lang/en?next=/login");
    expect(sw.status).toBe(303);
    expect((await anon.get("/login", { "accept-language": "it-IT" })).text).toContain("Sign in");
    expect((await anon.get("/lang/xx")).status).toBe(404);
    expect((await anon.get("/lang/it?next=https://evil.example")).headers.get("location")).toBe("/");
    const c = await app.as("marketer");
    await c.get("/profile");
    expect((await c.post("/profile", { name: "Test marketer", language: "it", theme: "dark" })).status).toBe(303);
    const home = await c.get("/", { "accept-language": "en" });
    expect(home.text).toContain('lang="it"');
    expect(home.text).toContain('data-theme="dark"');
    expect(home.text).toContain("Benvenuto");
  });
});

describe("htmx fragments", () => {
  test("live search answers just the table rows", async () => {
    const r = await owner.get("/users?q=luca", { "hx-request": "true", "hx-target": "tbody#users-rows", "hx-request-type": "partial" });
    expect(r.text.startsWith('<tbody id="users-rows">')).toBe(true);
    expect(r.text).toContain("luca@test.local");
    expect(r.text).not.toContain("<html");
  });

  test("an error in an htmx request comes back as a flash fragment retargeted to #flash", async () => {
    const c = await app.as("analyst");
    const r = await c.request("POST", "/teams", { body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true", "x-csrf-token": "bad" } });
    expect(r.status).toBe(403);
    expect(r.headers.get("hx-retarget")).toBe("#flash");
    expect(r.text).toContain('data-testid="flash"');
  });
});
