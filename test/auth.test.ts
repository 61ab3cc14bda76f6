// Sign-in, sessions, throttling, CSRF, passwords and two-step verification over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PASSWORD, ownerActor, startTestApp, type TestApp } from "./support/app";
import { Client } from "./support/client";
import { totpAt, stepOf, base32Decode } from "../src/auth/totp";
import { sha256 } from "../src/platform/ids";

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await app.user("owner", "owner@test.local");
  await app.user("agent", "agent@test.local");
});
afterAll(() => app.stop());

async function login(email: string, password = PASSWORD, client = app.anonymous()) {
  await client.get("/login");
  const res = await client.post("/login", { email, password });
  return { client, res };
}

describe("sign-in", () => {
  test("the login page renders with a CSRF token and no session", async () => {
    const c = app.anonymous();
    const res = await c.get("/login");
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="password"');
    expect(c.csrf.length).toBeGreaterThan(20);
    expect(c.jar.cs_session).toBeUndefined();
  });

  test("a correct password starts a session: HttpOnly, SameSite=Lax cookie, and reaches the home page", async () => {
    const { client, res } = await login("agent@test.local");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.cookies.find((c) => c.startsWith("cs_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    // An agent's home is the inbox.
    expect((await client.get("/")).headers.get("location")).toBe("/inbox");
    const home = await client.get("/inbox");
    expect(home.status).toBe(200);
    expect(home.text).toContain("Test agent");
    const row = app.deps.db.query<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE id = ?").get(sha256(client.jar.cs_session!));
    expect(row!.n).toBe(1);
  });

  test("wrong password and unknown email get the same generic 401 message", async () => {
    const wrong = (await login("agent@test.local", "not the password")).res;
    const unknown = (await login("nobody@test.local", "not the password")).res;
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const msg = (t: string) => /data-testid="login-error">([^<]*)</.exec(t)![1];
    expect(msg(wrong.text)).toBe("Wrong email or password.");
    expect(msg(unknown.text)).toBe(msg(wrong.text));
    const failed = app.deps.audit.list({ action: "auth.login_failed", beforeId: 0, limit: 10 });
    expect(failed.some((f) => f.actor_label === "nobody@test.local" && f.ip)).toBe(true);
  });

  test("signing in again rotates the session: the old cookie stops working", async () => {
    const { client } = await login("agent@test.local");
    const old = client.jar.cs_session!;
    await client.post("/login", { email: "agent@test.local", password: PASSWORD });
    expect(client.jar.cs_session).not.toBe(old);
    const stale = new Client(app.url, { cs_session: old });
    const res = await stale.get("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
  });

  test("after the threshold the account is locked with 429, an alert is posted, and an admin can unlock", async () => {
    const id = await app.user("analyst", "victim@test.local");
    for (let i = 0; i < 5; i++) expect((await login("victim@test.local", "bad password!")).res.status).toBe(401);
    const locked = await login("victim@test.local");
    expect(locked.res.status).toBe(429);
    expect(locked.res.text).toContain("Too many failed attempts");
    expect(app.deps.alerts.listOpen().some((a) => a.title.includes("victim@test.local"))).toBe(true);
    // an unknown address locks the same way, so a lockout reveals nothing
    for (let i = 0; i < 5; i++) await login("ghost@test.local", "bad password!");
    expect((await login("ghost@test.local", "bad password!")).res.status).toBe(429);
    const owner = await app.as("owner");
    await owner.get(`/users/${id}`);
    expect((await owner.post(`/users/${id}/unlock`)).status).toBe(303);
    expect((await login("victim@test.local")).res.status).toBe(303);
  });

  test("the lock ends by itself after the lockout time (virtual clock)", async () => {
    await app.user("marketer", "late@test.local");
    for (let i = 0; i < 5; i++) await login("late@test.local", "bad password!");
    expect((await login("late@test.local")).res.status).toBe(429);
    app.clock.advance(16 * 60_000);
    expect((await login("late@test.local")).res.status).toBe(303);
  });

  test("a disabled user cannot sign in", async () => {
    const id = await app.user("agent", "gone@test.local");
    await app.deps.users.update(id, { status: "disabled" }, { actor: ownerActor(app.deps) });
    expect((await login("gone@test.local")).res.status).toBe(401);
  }, 10_000);

  test("next= only follows local paths", async () => {
    const c = app.anonymous();
    await c.get("/login");
    const res = await c.post("/login", { email: "agent@test.local", password: PASSWORD, next: "//evil.example/x" });
    expect(res.headers.get("location")).toBe("/");
    const c2 = app.anonymous();
    await c2.get("/login");
    expect((await c2.post("/login", { email: "agent@test.local", password: PASSWORD, next: "/profile" })).headers.get("location")).toBe("/profile");
  });

  test("a page behind sign-in redirects to /login?next=", async () => {
    const res = await app.anonymous().get("/users?q=x");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fusers%3Fq%3Dx");
  });
});

describe("CSRF", () => {
  test("a form post without the token is refused with 403 and changes nothing", async () => {
    const c = await app.as("owner");
    const res = await c.post("/teams", { name: "No Token" }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.text).toContain("Reload the page");
    expect(app.deps.teams.list().some((t) => t.name === "No Token")).toBe(false);
  });

  test("a wrong token is refused; the right one in the X-CSRF-Token header works", async () => {
    const c = await app.as("owner");
    await c.get("/teams");
    expect((await c.post("/teams", { name: "Bad Token", _csrf: "x".repeat(32) })).status).toBe(403);
    const ok = await c.request("POST", "/teams", { body: new URLSearchParams({ name: "Header Token" }), headers: { "content-type": "application/x-www-form-urlencoded", "x-csrf-token": c.csrf } });
    expect(ok.status).toBe(303);
  });

  test("cross-site requests are refused even with a token", async () => {
    const c = await app.as("owner");
    await c.get("/teams");
    const res = await c.post("/teams", { name: "Cross Site" }, { headers: { "sec-fetch-site": "cross-site" } });
    expect(res.status).toBe(403);
  });

  test("the login form itself needs its CSRF cookie", async () => {
    const c = app.anonymous();
    const res = await c.post("/login", { email: "agent@test.local", password: PASSWORD, _csrf: "forged-token-value-forged" });
    expect(res.status).toBe(403);
  });
});

describe("sessions and passwords", () => {
  test("logout ends the session", async () => {
    const { client } = await login("agent@test.local");
    await client.get("/");
    const res = await client.post("/logout");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    expect(client.jar.cs_session).toBeUndefined();
  });

  test("changing the password keeps this session and ends the others", async () => {
    await app.user("supervisor", "pw@test.local");
    const a = (await login("pw@test.local")).client;
    const b = (await login("pw@test.local")).client;
    await a.get("/profile");
    const bad = await a.post("/profile/password", { current_password: "wrong one!!", new_password: "another long passphrase" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("is not your current password");
    const ok = await a.post("/profile/password", { current_password: PASSWORD, new_password: "another long passphrase" });
    expect(ok.status).toBe(303);
    expect((await a.get("/profile")).status).toBe(200);
    expect((await b.get("/profile")).status).toBe(303);
    expect((await login("pw@test.local", "another long passphrase")).res.status).toBe(303);
  });

  test("logout everywhere from the profile ends other devices only", async () => {
    await app.user("agent", "many@test.local");
    const a = (await login("many@test.local")).client;
    const b = (await login("many@test.local")).client;
    await a.get("/profile");
    expect((await a.post("/profile/sessions/end")).status).toBe(303);
    expect((await a.get("/profile")).status).toBe(200);
    expect((await b.get("/profile")).status).toBe(303);
  });

  test("an admin reset signs the person out and forces a new password before anything else", async () => {
    const id = await app.user("agent", "reset@test.local");
    const victim = (await login("reset@test.local")).client;
    const admin = await app.as("admin");
    await admin.get(`/users/${id}`);
    const short = await admin.post(`/users/${id}/password`, { new_password: "short" });
    expect(short.status).toBe(422);
    expect(short.text).toContain("at least 10 characters");
    expect((await admin.post(`/users/${id}/password`, { new_password: "temporary pass 123" })).status).toBe(303);
    expect((await victim.get("/inbox")).status).toBe(303);
    const again = (await login("reset@test.local", "temporary pass 123")).res;
    expect(again.headers.get("location")).toBe("/profile?must=1#password");
    const c = (await login("reset@test.local", "temporary pass 123")).client;
    const forced = await c.get("/users");
    expect(forced.status).toBe(303);
    expect(forced.headers.get("location")).toBe("/profile?must=1#password");
    await c.get("/profile");
    await c.post("/profile/password", { current_password: "temporary pass 123", new_password: "my own passphrase" });
    expect((await c.get("/inbox")).status).toBe(200);
  });

  test("an idle session expires (virtual clock)", async () => {
    const { client } = await login("agent@test.local");
    expect((await client.get("/inbox")).status).toBe(200);
    app.clock.advance(169 * 3_600_000);
    expect((await client.get("/inbox")).status).toBe(303);
  });
});

describe("two-step verification", () => {
  test("set up with a QR code, then sign in with password + code; replayed codes and wrong codes fail; recovery codes work once", async () => {
    await app.user("agent", "totp@test.local");
    const { client } = await login("totp@test.local");
    await client.get("/profile");
    const setup = await client.post("/profile/totp/start");
    expect(setup.status).toBe(200);
    const secret = /data-testid="totp-secret">([^<]*)</.exec(setup.text)![1]!.replace(/\s/g, "");
    expect(base32Decode(secret).length).toBe(20);
    const qr = await client.get("/profile/totp/qr.svg");
    expect(qr.headers.get("content-type")).toBe("image/svg+xml");
    expect(qr.text).toContain("<svg");
    const wrong = await client.post("/profile/totp/confirm", { code: "000000" === totpAt(secret, stepOf(app.clock.now())) ? "111111" : "000000" });
    expect(wrong.status).toBe(303);
    const on = await client.post("/profile/totp/confirm", { code: totpAt(secret, stepOf(app.clock.now())) });
    expect(on.status).toBe(200);
    const codes = [...on.text.matchAll(/<li><code>([a-z0-9]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes.length).toBe(10);

    // password alone leads to the second step, not a session
    const c = app.anonymous();
    await c.get("/login");
    const first = await c.post("/login", { email: "totp@test.local", password: PASSWORD });
    expect(first.headers.get("location")).toBe("/login/totp");
    expect(c.jar.cs_session).toBeUndefined();
    await c.get("/login/totp");
    expect((await c.post("/login/totp", { code: "12345x" })).status).toBe(401);
    app.clock.advance(30_000);
    const code = totpAt(secret, stepOf(app.clock.now()));
    expect((await c.post("/login/totp", { code })).status).toBe(303);
    expect(c.jar.cs_session).toBeDefined();

    // the same code cannot be used twice
    const r = app.anonymous();
    await r.get("/login");
    await r.post("/login", { email: "totp@test.local", password: PASSWORD });
    await r.get("/login/totp");
    expect((await r.post("/login/totp", { code })).status).toBe(401);
    // a recovery code works once
    expect((await r.post("/login/totp", { code: codes[0]! })).status).toBe(303);
    const again = app.anonymous();
    await again.get("/login");
    await again.post("/login", { email: "totp@test.local", password: PASSWORD });
    await again.get("/login/totp");
    expect((await again.post("/login/totp", { code: codes[0]! })).status).toBe(401);
  });

  test("signing in again with two-step verification also ends the browser's previous session", async () => {
    const id = await app.user("agent", "rotate2fa@test.local");
    const secret = app.deps.auth.beginTotp(id).secret;
    app.deps.auth.confirmTotp(id, totpAt(secret, stepOf(app.clock.now())), { actor: null, system: true });
    const c = app.anonymous();
    const signIn = async () => {
      await c.get("/login");
      await c.post("/login", { email: "rotate2fa@test.local", password: PASSWORD });
      app.clock.advance(31_000);
      await c.get("/login/totp");
      expect((await c.post("/login/totp", { code: totpAt(secret, stepOf(app.clock.now())) })).status).toBe(303);
    };
    await signIn();
    const first = c.jar.cs_session!;
    await signIn();
    expect(c.jar.cs_session).not.toBe(first);
    expect((await new Client(app.url, { cs_session: first }).get("/profile")).status).toBe(303);
  });

  test("an admin can turn off a person's second factor", async () => {
    const id = await app.user("agent", "lost@test.local");
    const secret = app.deps.auth.beginTotp(id).secret;
    app.deps.auth.confirmTotp(id, totpAt(secret, stepOf(app.clock.now())), { actor: null, system: true });
    const admin = await app.as("admin");
    await admin.get(`/users/${id}`);
    expect((await admin.post(`/users/${id}/totp/reset`)).status).toBe(303);
    expect((await login("lost@test.local")).res.headers.get("location")).toBe("/");
  });
});

describe("audit", () => {
  test("logins record IP and user agent; settings and role changes are recorded", async () => {
    const c = app.anonymous();
    await c.get("/login");
    await c.request("POST", "/login", {
      body: new URLSearchParams({ email: "agent@test.local", password: PASSWORD, _csrf: c.csrf }),
      headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "AuditAgent/1.0" },
    });
    const entry = app.deps.audit.list({ action: "auth.login", beforeId: 0, limit: 20 }).find((e) => e.user_agent === "AuditAgent/1.0");
    expect(entry?.ip).toBe("127.0.0.1");
    expect(entry?.actor_label).toBe("agent@test.local");
    const owner = await app.as("owner");
    await owner.get("/settings");
    await owner.post("/settings", { workspace_name: "Bottega Rossi" });
    const s = app.deps.audit.list({ action: "settings.update", beforeId: 0, limit: 5 })[0]!;
    expect(JSON.parse(s.details!)).toEqual({ workspace_name: { from: "Centralino", to: "Bottega Rossi" } });
  });
});
