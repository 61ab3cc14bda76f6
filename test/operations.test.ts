// Operations: health, metrics, request ids, logs without secrets, security headers, static files, HTTPS,
// and the process itself (bad configuration, a too-new database, graceful shutdown, the CLI) as subprocesses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { PASSWORD, startTestApp, type TestApp } from "./support/app";
import { api, Client } from "./support/client";

const ROOT = join(import.meta.dir, "..");
const BUN = process.execPath;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

function tempDir() {
  return mkdtempSync(join(tmpdir(), "centralino-ops-"));
}

/** Runs the CLI as a subprocess and returns its exit code and output. */
async function cli(args: string[], env: Record<string, string>, timeoutMs = 15_000) {
  const proc = Bun.spawn([BUN, "run", join(ROOT, "src/main.ts"), ...args], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill(), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Starts `serve` as a subprocess and resolves once it logs that it listens. */
async function serveProcess(env: Record<string, string>) {
  const proc = Bun.spawn([BUN, "run", join(ROOT, "src/main.ts"), "serve"], { env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env }, stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  let out = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited early: ${out}`);
    out += new TextDecoder().decode(value);
    const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
    if (m) return { proc, url: m[1]!, reader, out: () => out };
  }
}

describe("health and metrics", () => {
  test("/healthz answers JSON with db and send loop state", async () => {
    const r = await fetch(app.url + "/healthz");
    expect(r.status).toBe(200);
    const h = await r.json();
    expect(h).toMatchObject({ status: "ok", db: "ok", warnings: [] });
    expect(typeof h.send_loop).toBe("string");
  });

  test("/metrics is Prometheus text with request counts by route pattern", async () => {
    await fetch(app.url + "/login");
    await fetch(app.url + "/api/v1/users/123");
    const text = await (await fetch(app.url + "/metrics")).text();
    expect(text).toContain("# TYPE centralino_http_requests_total counter");
    expect(text).toMatch(/centralino_http_requests_total\{method="GET",route="\/login",status="200"\} \d+/);
    expect(text).toContain('route="/api/v1/users/:id"');
    expect(text).not.toContain('route="/api/v1/users/123"');
    expect(text).toMatch(/centralino_http_request_duration_seconds_bucket\{method="GET",route="\/login",le="0.005"\}/);
    expect(text).toContain("centralino_sse_clients");
    expect(text).toContain('centralino_db_bytes{file="db"}');
  });

  test("every response carries a request id, security headers and a strict CSP", async () => {
    const r = await fetch(app.url + "/login", { headers: { "x-request-id": "trace-1234-abcd" } });
    expect(r.headers.get("x-request-id")).toBe("trace-1234-abcd");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(r.headers.get("content-security-policy")).toContain("script-src 'self'");
    const r2 = await fetch(app.url + "/login", { headers: { "x-request-id": "<bad id>" } });
    expect(r2.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("logs", () => {
  test("logs are JSON lines with request ids, and passwords, tokens and cookies never appear", async () => {
    const token = app.token("admin");
    await api(app.url, token, "GET", "/api/v1/users?token=leak");
    const c = app.anonymous();
    await c.get("/login");
    await c.post("/login", { email: "nobody@test.local", password: "Sup3r-Secret-Passw0rd" });
    const lines = app.logs.map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === "request" && l.rid && l.route === "/api/v1/users")).toBe(true);
    const all = app.logs.join("\n");
    expect(all).not.toContain("Sup3r-Secret-Passw0rd");
    expect(all).not.toContain(token);
    expect(all).not.toContain("leak");
    expect(all).not.toContain(c.jar.cs_csrf!);
  });
});

describe("static files", () => {
  test("vendored htmx is served locally with caching and ETag revalidation", async () => {
    const page = await (await fetch(app.url + "/login")).text();
    const src = /src="(\/public\/vendor\/htmx\.min\.js\?v=[\w-]+)"/.exec(page)![1]!;
    const r = await fetch(app.url + src);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("javascript");
    expect(r.headers.get("cache-control")).toContain("immutable");
    const again = await fetch(app.url + src, { headers: { "if-none-match": r.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect(page).toContain("/public/vendor/hx-sse.min.js");
    expect((await fetch(app.url + "/public/..%2F..%2Fpackage.json")).status).toBe(404);
    expect((await fetch(app.url + "/public/nope.js")).status).toBe(404);
  });
});

describe("HTTPS", () => {
  test("with TLS_CERT/TLS_KEY it serves HTTPS, marks cookies Secure and sends HSTS", async () => {
    const tls = await startTestApp({ TLS_CERT: join(ROOT, "test/fixtures/tls/cert.pem"), TLS_KEY: join(ROOT, "test/fixtures/tls/key.pem") });
    try {
      expect(tls.url.startsWith("https://")).toBe(true);
      const opts = { tls: { rejectUnauthorized: false }, redirect: "manual" } as RequestInit;
      const r = await fetch(tls.url + "/login", opts);
      expect(r.status).toBe(200);
      expect(r.headers.get("strict-transport-security")).toContain("max-age=");
      expect(r.headers.getSetCookie().every((c) => c.includes("Secure"))).toBe(true);
      await tls.user("agent");
      const csrf = /name="csrf-token" content="([^"]+)"/.exec(await r.text())![1]!;
      const cookie = r.headers.getSetCookie()[0]!.split(";")[0]!;
      const login = await fetch(tls.url + "/login", {
        ...opts,
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: "agent@test.local", password: PASSWORD, _csrf: csrf }),
      });
      expect(login.status).toBe(303);
      expect(login.headers.getSetCookie().find((c) => c.startsWith("cs_session="))).toContain("Secure");
    } finally {
      await tls.stop();
    }
  });
});

describe("process", () => {
  test("a bad environment value stops startup, naming the variable", async () => {
    const r = await cli(["serve"], { PORT: "eighty", DATA_DIR: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("PORT must be a whole number");
  });

  test("the server refuses a database newer than the code", async () => {
    const dir = tempDir();
    expect((await cli(["migrate"], { DATA_DIR: dir })).code).toBe(0);
    const db = new Database(join(dir, "centralino.db"));
    db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', 0)");
    db.close();
    const r = await cli(["serve"], { DATA_DIR: dir, PORT: "0" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("schema version 999");
    rmSync(dir, { recursive: true, force: true });
  });

  test("`migrate` applies pending migrations and says so; the second run finds none", async () => {
    const dir = tempDir();
    const first = await cli(["migrate"], { DATA_DIR: dir });
    expect(first.stdout).toContain("applied 1 platform");
    expect((await cli(["migrate"], { DATA_DIR: dir })).stdout).toBe("database is up to date\n");
    rmSync(dir, { recursive: true, force: true });
  });

  test("`token create` prints only a token, which opens the API with its role", async () => {
    const dir = tempDir();
    const r = await cli(["token", "create", "--name", "x", "--role", "admin"], { DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cen_[\w-]{40}\n$/);
    const agent = await cli(["token", "create", "--name", "y", "--role", "agent"], { DATA_DIR: dir });
    const bad = await cli(["token", "create", "--name", "z", "--role", "wizard"], { DATA_DIR: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown role wizard");
    const server = await serveProcess({ DATA_DIR: dir });
    try {
      expect((await api(server.url, r.stdout.trim(), "GET", "/api/v1/users")).status).toBe(200);
      expect((await api(server.url, null, "GET", "/api/v1/users")).status).toBe(401);
      const denied = await api(server.url, agent.stdout.trim(), "POST", "/api/v1/users", { email: "a@b.co", name: "A", password: "long enough pw", role: "agent" });
      expect(denied.status).toBe(403);
      // the CLI works on DATA_DIR while the server runs (WAL)
      const live = await cli(["admin", "create", "--email", "boss@test.local", "--password", "long enough pw"], { DATA_DIR: dir });
      expect(live.stdout).toBe("created owner boss@test.local\n");
      const users = await api(server.url, r.stdout.trim(), "GET", "/api/v1/users");
      expect(users.json.data.map((u: { email: string }) => u.email)).toContain("boss@test.local");
    } finally {
      server.proc.kill("SIGTERM");
      await server.proc.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a fresh start without ADMIN_EMAIL prints a one-time setup link that creates the owner once", async () => {
    const dir = tempDir();
    const server = await serveProcess({ DATA_DIR: dir });
    try {
      const errReader = server.proc.stderr.getReader();
      let err = "";
      while (!/setup\?token=([\w-]+)/.test(err)) err += new TextDecoder().decode((await errReader.read()).value);
      const token = /setup\?token=([\w-]+)/.exec(err)![1]!;
      const c = new Client(server.url);
      expect((await c.get("/login")).text).toContain('data-testid="setup-pending"');
      expect((await c.get("/setup?token=wrong")).status).toBe(403);
      expect((await c.get(`/setup?token=${token}`)).status).toBe(200);
      const weak = await c.post("/setup", { token, name: "Maria", email: "maria@test.local", password: "short" });
      expect(weak.status).toBe(422);
      expect(weak.text).toContain("at least 10 characters");
      const ok = await c.post("/setup", { token, name: "Maria", email: "maria@test.local", password: "una password lunga" });
      expect(ok.status).toBe(303);
      expect((await c.get("/")).text).toContain("Maria");
      expect((await new Client(server.url).get(`/setup?token=${token}`)).status).toBe(403);
    } finally {
      server.proc.kill("SIGTERM");
      await server.proc.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("SIGTERM drains and exits 0", async () => {
    const dir = tempDir();
    const server = await serveProcess({ DATA_DIR: dir, ADMIN_EMAIL: "a@test.local", ADMIN_PASSWORD: "long enough pw" });
    expect((await fetch(server.url + "/healthz")).status).toBe(200);
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    let rest = server.out();
    for (;;) {
      const { value, done } = await server.reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain('"msg":"stopped"');
    rmSync(dir, { recursive: true, force: true });
  });
});
