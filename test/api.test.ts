// The REST API base: Bearer tokens (role or acting as a user), JSON errors, validation messages, body limits,
// cursor pagination, the users/teams/roles/tokens/settings resources and the OpenAPI document.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = app.token("admin");
});
afterAll(() => app.stop());

describe("authentication", () => {
  test("no token is 401 with a JSON error", async () => {
    const r = await api(app.url, null, "GET", "/api/v1/users");
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("unauthorized");
    expect(r.json.error.message).toContain("Bearer");
  });

  test("a wrong or revoked token is 401; an admin token is 200", async () => {
    expect((await api(app.url, "cen_notarealtoken", "GET", "/api/v1/users")).status).toBe(401);
    expect((await api(app.url, admin, "GET", "/api/v1/users")).status).toBe(200);
    const created = await api(app.url, admin, "POST", "/api/v1/tokens", { name: "short-lived", role: "analyst" });
    expect(created.status).toBe(201);
    const t = created.json.token as string;
    expect((await api(app.url, t, "GET", "/api/v1/me")).json.data.role).toBe("analyst");
    expect((await api(app.url, admin, "DELETE", `/api/v1/tokens/${created.json.data.id}`)).status).toBe(204);
    expect((await api(app.url, t, "GET", "/api/v1/me")).status).toBe(401);
  });

  test("a token without the permission is 403 permission_denied, and nothing is written", async () => {
    const agent = app.token("agent");
    const r = await api(app.url, agent, "POST", "/api/v1/users", { email: "x@test.local", name: "X", password: "long enough pw", role: "agent" });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("permission_denied");
    expect(r.json.error.message).toContain("users:create");
    expect(app.deps.users.byEmail("x@test.local")).toBeNull();
  });

  test("the API ignores session cookies (no CSRF through the API)", async () => {
    const c = await app.as("owner");
    const r = await fetch(app.url + "/api/v1/users", { headers: { cookie: `cs_session=${c.jar.cs_session}` } });
    expect(r.status).toBe(401);
  });

  test("a token acting as a user carries that user's role and its actions are attributed to them", async () => {
    const id = await app.user("supervisor", "sup@test.local");
    const made = await api(app.url, admin, "POST", "/api/v1/tokens", { name: "crm", user: "sup@test.local" });
    const t = made.json.token as string;
    const me = await api(app.url, t, "GET", "/api/v1/me");
    expect(me.json.data.user.id).toBe(String(id));
    expect(me.json.data.role).toBe("supervisor");
    expect((await api(app.url, t, "POST", "/api/v1/teams", { name: "From CRM" })).status).toBe(201);
    const entry = app.deps.audit.list({ action: "teams.create", beforeId: 0, limit: 5 })[0]!;
    expect(entry.actor_label).toBe("sup@test.local");
    expect(entry.actor_kind).toBe("user");
    expect(JSON.parse(entry.details!).via_token).toBe(Number(made.json.data.id));
  });
});

describe("bad input", () => {
  test("malformed JSON is 400 invalid_json", async () => {
    const r = await api(app.url, admin, "POST", "/api/v1/users", "{bad json");
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_json");
  });

  test("a non-JSON content type is 415", async () => {
    const r = await api(app.url, admin, "POST", "/api/v1/users", "email=a", { "content-type": "application/x-www-form-urlencoded" });
    expect(r.status).toBe(415);
    expect(r.json.error.code).toBe("unsupported_media_type");
  });

  test("an oversized body is 413 and nothing is written", async () => {
    const r = await api(app.url, admin, "POST", "/api/v1/teams", { name: "Big", description: "x".repeat(2 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe("payload_too_large");
    expect(app.deps.teams.list().some((t) => t.name === "Big")).toBe(false);
  });

  test("validation names each bad field in a 422", async () => {
    const r = await api(app.url, admin, "POST", "/api/v1/users", { email: "not-an-email", name: "", password: "short", role: "agent", extra: 1 });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe("validation_failed");
    const fields = Object.fromEntries(r.json.error.fields.map((f: { field: string; message: string }) => [f.field, f.message]));
    expect(fields.email).toBe("must be a valid email address");
    expect(fields.password).toBe("must be at least 10 characters");
    expect(fields.name).toBe("must not be empty");
    expect(fields.extra).toBe("is not a known field");
    expect(r.json.error.message).toContain("email: must be a valid email address");
  });

  test("an unknown role, a taken email and unknown teams get precise errors", async () => {
    const base = { email: "dup@test.local", name: "Dup", password: "long enough pw", role: "agent" };
    expect((await api(app.url, admin, "POST", "/api/v1/users", base)).status).toBe(201);
    const dup = await api(app.url, admin, "POST", "/api/v1/users", base);
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("email_taken");
    const role = await api(app.url, admin, "POST", "/api/v1/users", { ...base, email: "r@test.local", role: "wizard" });
    expect(role.status).toBe(422);
    expect(role.json.error.fields[0].message).toContain("unknown role wizard");
    const teams = await api(app.url, admin, "POST", "/api/v1/users", { ...base, email: "t@test.local", team_ids: ["999"] });
    expect(teams.json.error.fields[0]).toEqual({ field: "team_ids", message: "unknown team id 999" });
  });

  test("unknown API routes get a JSON 404; bad path ids are 404; bad query parameters are 400", async () => {
    const r = await api(app.url, admin, "GET", "/api/v1/nothing-here");
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe("not_found");
    expect((await api(app.url, admin, "GET", "/api/v1/users/abc")).status).toBe(404);
    expect((await api(app.url, admin, "GET", "/api/v1/users/99999")).status).toBe(404);
    const q = await api(app.url, admin, "GET", "/api/v1/users?limit=5000");
    expect(q.status).toBe(400);
    expect(q.json.error.message).toContain("limit");
    expect((await api(app.url, admin, "GET", "/api/v1/users?cursor=garbage")).json.error.code).toBe("invalid_cursor");
  });

  test("an unknown page is an HTML 404", async () => {
    const r = await fetch(app.url + "/no/such/page");
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(await r.text()).toContain("Page not found");
  });
});

describe("users API", () => {
  test("create, read, update, disable; the password hash never leaves", async () => {
    const team = (await api(app.url, admin, "POST", "/api/v1/teams", { name: "Vendite" })).json.data;
    const made = await api(app.url, admin, "POST", "/api/v1/users", { email: "Giulia@Test.local", name: "Giulia Bianchi", password: "una frase lunga", role: "agent", team_ids: [team.id], capacity: 4 });
    expect(made.status).toBe(201);
    const u = made.json.data;
    expect(u).toMatchObject({ email: "giulia@test.local", role: "agent", team_ids: [team.id], capacity: 4, status: "active", totp_enabled: false });
    expect(JSON.stringify(made.json)).not.toContain("argon2");
    const patched = await api(app.url, admin, "PATCH", `/api/v1/users/${u.id}`, { role: "supervisor", status: "disabled" });
    expect(patched.json.data).toMatchObject({ role: "supervisor", status: "disabled" });
    expect((await api(app.url, admin, "GET", `/api/v1/users/${u.id}`)).json.data.status).toBe("disabled");
  });

  test("an admin cannot create or promote an owner; the last owner cannot be demoted", async () => {
    const r = await api(app.url, admin, "POST", "/api/v1/users", { email: "boss@test.local", name: "Boss", password: "long enough pw", role: "owner" });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain("workspace:own");
    const ownerId = await app.user("owner", "only-owner@test.local");
    const ownerToken = app.token("owner");
    // demote every other owner, so only-owner is the last one
    const owners = (await api(app.url, admin, "GET", "/api/v1/users?role=owner")).json.data as { id: string }[];
    for (const o of owners.filter((o) => o.id !== String(ownerId))) expect((await api(app.url, ownerToken, "PATCH", `/api/v1/users/${o.id}`, { role: "admin" })).status).toBe(200);
    const demote = await api(app.url, ownerToken, "PATCH", `/api/v1/users/${ownerId}`, { role: "admin" });
    expect(demote.status).toBe(409);
    expect(demote.json.error.code).toBe("last_owner");
    expect((await api(app.url, admin, "PATCH", `/api/v1/users/${ownerId}`, { name: "Hacked" })).status).toBe(403);
  });

  test("cursor pagination walks every user exactly once", async () => {
    for (let i = 0; i < 7; i++) await api(app.url, admin, "POST", "/api/v1/users", { email: `page${i}@test.local`, name: `Page ${i}`, password: "long enough pw", role: "agent" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/users?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await api(app.url, admin, "GET", q);
      expect(r.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...r.json.data.map((u: { id: string }) => u.id));
      cursor = r.json.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await api(app.url, admin, "GET", "/api/v1/users?limit=200")).json.data.length);
  });
});

describe("roles, teams, settings", () => {
  test("custom roles: create from the catalogue, cannot grant more than you hold, cannot delete while held", async () => {
    const perms = await api(app.url, admin, "GET", "/api/v1/permissions");
    expect(perms.json.data.find((g: { group: string }) => g.group === "users").permissions).toContain("users:create");
    const r = await api(app.url, admin, "POST", "/api/v1/roles", { name: "Night shift", permissions: ["conversations:read", "conversations:reply"] });
    expect(r.status).toBe(201);
    expect(r.json.data).toMatchObject({ key: "night-shift", preset: false });
    const bad = await api(app.url, admin, "POST", "/api/v1/roles", { name: "Bogus", permissions: ["users:fly"] });
    expect(bad.status).toBe(422);
    const sup = app.token("supervisor");
    const escalate = await api(app.url, sup, "POST", "/api/v1/roles", { name: "Sneaky", permissions: ["settings:manage"] });
    expect(escalate.status).toBe(403);
    await api(app.url, admin, "POST", "/api/v1/users", { email: "night@test.local", name: "Night", password: "long enough pw", role: "night-shift" });
    const del = await api(app.url, admin, "DELETE", `/api/v1/roles/${r.json.data.id}`);
    expect(del.status).toBe(409);
    expect(del.json.error.code).toBe("role_in_use");
    const preset = (await api(app.url, admin, "GET", "/api/v1/roles")).json.data.find((x: { key: string }) => x.key === "agent");
    expect((await api(app.url, admin, "PATCH", `/api/v1/roles/${preset.id}`, { name: "Agent", permissions: ["users:read"] })).status).toBe(403);
  });

  test("teams and their members", async () => {
    const t = (await api(app.url, admin, "POST", "/api/v1/teams", { name: "Assistenza", description: "Post-vendita" })).json.data;
    const uid = String(await app.user("agent", "member@test.local"));
    const added = await api(app.url, admin, "POST", `/api/v1/teams/${t.id}/members`, { user_id: uid });
    expect(added.json.data.member_ids).toEqual([uid]);
    expect((await api(app.url, admin, "POST", "/api/v1/teams", { name: "assistenza" })).json.error.code).toBe("team_exists");
    expect((await api(app.url, admin, "POST", `/api/v1/teams/${t.id}/members`, { user_id: "424242" })).status).toBe(422);
    expect((await api(app.url, admin, "DELETE", `/api/v1/teams/${t.id}/members/${uid}`)).json.data.member_ids).toEqual([]);
  });

  test("settings are validated all-or-nothing", async () => {
    const bad = await api(app.url, admin, "PATCH", "/api/v1/settings", { workspace_name: "Ok name", lockout_threshold: 1 });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields[0].field).toBe("lockout_threshold");
    expect((await api(app.url, admin, "GET", "/api/v1/settings")).json.data.workspace_name).toBe("Centralino");
    const ok = await api(app.url, admin, "PATCH", "/api/v1/settings", { timezone: "Europe/Rome", default_capacity: 5 });
    expect(ok.json.data).toMatchObject({ timezone: "Europe/Rome", default_capacity: 5 });
    expect((await api(app.url, admin, "PATCH", "/api/v1/settings", { timezone: "Mars/Olympus" })).status).toBe(422);
  });

  test("the audit log is searchable by action prefix and time", async () => {
    const r = await api(app.url, admin, "GET", "/api/v1/audit-log?action=roles");
    expect(r.status).toBe(200);
    expect(r.json.data.every((e: { action: string }) => e.action.startsWith("roles."))).toBe(true);
    expect(r.json.data.some((e: { action: string }) => e.action === "roles.create")).toBe(true);
    const tokens = await api(app.url, admin, "GET", "/api/v1/audit-log?action=tokens.create");
    expect(tokens.json.data.length).toBeGreaterThan(0);
    expect((await api(app.url, admin, "GET", "/api/v1/audit-log?from=yesterday")).status).toBe(400);
  });
});

describe("OpenAPI", () => {
  test("the document lists every API route with its permission, and the docs page renders them", async () => {
    const doc = (await api(app.url, null, "GET", "/api/v1/openapi.json")).json;
    expect(doc.openapi).toBe("3.1.0");
    const apiRoutes = app.running.routes.filter((r) => r.path.startsWith("/api/v1/"));
    const ops = Object.values(doc.paths as Record<string, Record<string, unknown>>).reduce((n, p) => n + Object.keys(p).length, 0);
    expect(ops).toBe(apiRoutes.length);
    const create = doc.paths["/api/v1/users"].post;
    expect(create["x-permission"]).toBe("users:create");
    expect(create.requestBody.content["application/json"].schema.required).toContain("email");
    expect(create.responses["422"]).toBeDefined();
    expect(doc.paths["/api/v1/users/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
    const page = await fetch(app.url + "/api/docs");
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("/api/v1/users/{id}");
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
  });
});
