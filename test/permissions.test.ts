// R5, generated from the route tables: every route × every preset role. A role without the route's permission
// gets 403 permission_denied (API) or the 403 page (UI) before anything runs; a role with it is let through.
// Sessions are minted per request (no password round trip), so the whole matrix takes a few seconds.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ownerActor, startTestApp, type TestApp } from "./support/app";
import { PRESET_ROLES, ALL_PERMISSIONS, PRESET_KEYS } from "../src/auth/permissions";
import type { AnyRoute } from "../src/platform/http";

let app: TestApp;
const victims: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  const d = app.deps;
  const system = { actor: null, system: true };
  for (const role of PRESET_KEYS) await app.user(role);
  victims.user = String(await app.user("agent", "victim@test.local"));
  victims.team = String(d.teams.create({ name: "Victims" }, system).id);
  const actor = ownerActor(d);
  victims.role = String(d.roles.create({ name: "Victim role", permissions: ["contacts:read"] }, { actor }).id);
  victims.token = String(d.tokens.create({ name: "victim", role: "analyst" }, { actor }).view.id);
  victims.alert = String(d.alerts.post({ level: "info", title: "victim" }));
});
afterAll(() => app.stop());

/** The id a path parameter should take: an object that exists, so a permitted request reaches its handler. */
function fill(path: string): string {
  const kind = path.includes("/teams") ? "team" : path.includes("/roles") ? "role" : path.includes("tokens") ? "token" : path.includes("/alerts") ? "alert" : "user";
  return path.replace(/:userId/g, victims.user!).replace(/:id/g, victims[kind]!).replace(/\*/g, "app.css").replace(/:code/g, "it");
}

async function call(r: AnyRoute, role: string) {
  const path = fill(r.path);
  if (r.path.startsWith("/api/v1/")) {
    const headers: Record<string, string> = { authorization: `Bearer ${app.token(role)}` };
    if (r.body) headers["content-type"] = "application/json";
    return fetch(app.url + path, { method: r.method, headers, body: r.body ? "{}" : undefined, redirect: "manual" });
  }
  const c = await app.as(role);
  if (r.method === "GET") return fetch(app.url + path, { headers: { cookie: `cs_session=${c.jar.cs_session}` }, redirect: "manual" });
  await c.get("/profile");
  return fetch(app.url + path, {
    method: r.method,
    headers: { cookie: `cs_session=${c.jar.cs_session}`, "content-type": "application/x-www-form-urlencoded", "x-csrf-token": c.csrf },
    body: "",
    redirect: "manual",
  });
}

describe("permission matrix (R5)", () => {
  test("every route declares its access, every permission exists, and routes are unique", () => {
    const seen = new Set<string>();
    for (const r of app.running.routes) {
      expect(r.access === "public" || r.access === "signed-in" || ALL_PERMISSIONS.includes(r.access as never)).toBe(true);
      const key = `${r.method} ${r.path}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  test("public routes are few and known", () => {
    const pub = app.running.routes.filter((r) => r.access === "public").map((r) => `${r.method} ${r.path}`).sort();
    expect(pub).toEqual(
      ["GET /webhooks/whatsapp", "POST /webhooks/whatsapp",
        // the built-in simulator's fake Graph API authenticates by its own Bearer tokens, like Meta's
        "GET /simulator/graph/:version/:id", "POST /simulator/graph/:version/:id/messages", "POST /simulator/graph/:version/:id/media",
        "POST /simulator/graph/:version/:id/subscribed_apps", "GET /simulator/graph/:version/:id/message_templates",
        "POST /simulator/graph/:version/:id/message_templates", "DELETE /simulator/graph/:version/:id/message_templates", "GET /simulator/media/:id", "GET /api/docs", "GET /api/v1/openapi.json", "GET /favicon.ico", "GET /healthz", "GET /lang/:code", "GET /login", "GET /login/totp", "GET /metrics", "GET /public/*", "GET /setup", "POST /login", "POST /login/totp", "POST /setup"].sort(),
    );
  });

  for (const preset of PRESET_ROLES) {
    test(`role ${preset.key}: denied exactly where it lacks the permission`, async () => {
      const problems: string[] = [];
      for (const r of app.running.routes) {
        if (r.access === "public") continue;
        // Signing out would end this role's session mid-run; it is covered in auth.test.ts.
        if (r.path === "/logout") continue;
        const res = await call(r, preset.key);
        const denied = res.status === 403 && res.headers.get("x-denied-permission") === r.access;
        const allowed = r.access === "signed-in" || preset.permissions.includes(r.access as never);
        if (allowed && (denied || res.status === 401)) problems.push(`${r.method} ${r.path}: allowed but got ${res.status}`);
        if (!allowed && !denied) problems.push(`${r.method} ${r.path}: should be denied (${r.access}) but got ${res.status}`);
        if (!allowed && r.path.startsWith("/api/v1/")) expect((await res.json()).error.code).toBe("permission_denied");
        else if (res.headers.get("content-type")?.startsWith("text/event-stream")) await res.body?.cancel();
        else await res.arrayBuffer();
      }
      expect(problems).toEqual([]);
    }, 30_000);
  }

  test("without a session or token, every non-public route is refused", async () => {
    for (const r of app.running.routes.filter((x) => x.access !== "public")) {
      const res = await fetch(app.url + fill(r.path), { method: r.method, redirect: "manual" });
      await res.body?.cancel();
      if (r.path.startsWith("/api/v1/")) expect(res.status).toBe(401);
      else if (r.method === "GET") expect([303, 401]).toContain(res.status);
      else expect([401, 403]).toContain(res.status);
    }
  });
});
