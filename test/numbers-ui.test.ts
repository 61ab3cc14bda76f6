// The numbers pages over real HTTP against a fake Graph API on a real port: connect through the form (Meta's
// refusal, duplicates, validation), the health panel (refresh, templates sync, edit, token replacement, disable),
// the webhook setup card, the WA_APP_SECRET warning (also in /healthz), failed webhook events with replay,
// permissions in the UI and escaping of hostile names.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, startTestApp, type TestApp } from "./support/app";
import type { Client } from "./support/client";
import { escapedJson, signBody, webhookSecret } from "../src/whatsapp";
import { getEvent, listEvents } from "../src/whatsapp/store";

const GOOD = "good-token-0123456789";
const BAD = "bad-token-SHOULD-NOT-ECHO-42";
const WABA = "102290129340398";

/** A scripted Graph API: numbers by phone number id, templates by WABA, valid tokens, and every call seen. */
function fakeGraph() {
  const state = {
    tokens: new Set([GOOD]),
    numbers: new Map<string, Record<string, unknown>>(),
    templates: new Map<string, Record<string, unknown>[]>(),
    /** WABAs whose template list answers a permission error. */
    refuseTemplates: new Set<string>(),
    auths: [] as string[],
  };
  const err = (code: number, message: string, status = 400) => Response.json({ error: { message, type: "OAuthException", code, fbtrace_id: "AfakeTrace" } }, { status });
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req): Response {
      const url = new URL(req.url);
      const auth = (req.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      state.auths.push(auth);
      if (!state.tokens.has(auth)) return err(190, "Invalid OAuth access token - Cannot parse access token", 401);
      const [version, id, edge] = url.pathname.split("/").filter(Boolean);
      if (version !== "v23.0" || !id) return err(100, "Unsupported request");
      if (req.method === "GET" && !edge && url.searchParams.has("fields") && state.numbers.has(id)) return Response.json({ id, ...state.numbers.get(id) });
      if (req.method === "POST" && edge === "subscribed_apps") return Response.json({ success: true });
      if (req.method === "GET" && edge === "message_templates") {
        if (state.refuseTemplates.has(id)) return err(200, "Requires whatsapp_business_management permission", 403);
        return Response.json({ data: state.templates.get(id) ?? [], paging: { cursors: { before: "b", after: "a" } } });
      }
      return err(100, `Unsupported ${req.method} request to ${url.pathname}`);
    },
  });
  return { ...state, url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const fields = (over: Record<string, unknown> = {}) => ({
  display_phone_number: "+39 333 123 4567",
  verified_name: "Bottega Rossi",
  quality_rating: "GREEN",
  messaging_limit_tier: "TIER_1K",
  throughput: { level: "STANDARD" },
  name_status: "APPROVED",
  ...over,
});
const template = (name: string, status: string, extra: Record<string, unknown> = {}) => ({ id: `t-${name}`, name, language: "it", category: "UTILITY", status, components: [], ...extra });
const connectForm = (phoneId: string, over: Record<string, string | string[]> = {}) => ({
  phone_number_id: phoneId,
  waba_id: WABA,
  display_phone_number: "+39 333 123 4567",
  name: "Bottega",
  access_token: GOOD,
  send_rate_per_min: "",
  default_language: "it",
  ...over,
});

let graph: ReturnType<typeof fakeGraph>;
let app: TestApp;
let owner: Client;

/** Follows a 303 and returns the page it leads to (with its flash). */
async function follow(c: Client, r: { status: number; headers: Headers }) {
  expect(r.status).toBe(303);
  return c.get(r.headers.get("location")!);
}

beforeAll(async () => {
  graph = fakeGraph();
  graph.numbers.set("1065403522", fields());
  graph.templates.set(WABA, [template("order_ready", "APPROVED"), template("promo_spring", "REJECTED", { category: "MARKETING", rejected_reason: "PROMOTIONAL" })]);
  app = await startTestApp({ WA_GRAPH_URL: graph.url });
  owner = await app.as("owner");
});
afterAll(async () => {
  await app.stop();
  graph.stop();
});

describe("before any number", () => {
  test("the list shows an empty state with a call to action and the webhook setup for admins", async () => {
    const r = await owner.get("/numbers");
    expect(r.status).toBe(200);
    expect(r.text).toContain("No numbers connected");
    expect(r.text).toContain('href="/numbers/new"');
    expect(r.text).toContain(`${app.deps.cfg.baseUrl}/webhooks/whatsapp`);
    expect(r.text).toContain(`data-copy="${app.deps.cfg.waVerifyToken}"`);
    expect(r.text).not.toContain('data-testid="secret-missing"');
    expect(r.text).toContain('href="/numbers"'); // the navigation entry
    expect((await (await fetch(app.url + "/healthz")).json()).status).toBe("ok");
  });

  test("the page is in Italian for an Italian reader", async () => {
    const it = await app.as("admin");
    await it.get("/lang/it");
    const r = await it.get("/numbers");
    expect(r.text).toContain("Nessun numero collegato");
    expect(r.text).toContain("Configurazione del webhook");
  });
});

describe("connect", () => {
  test("empty fields come back with a message on each", async () => {
    await owner.get("/numbers/new");
    const r = await owner.post("/numbers", { name: "Vuoto" });
    expect(r.status).toBe(422);
    for (const f of ["phone_number_id", "waba_id", "display_phone_number", "access_token"]) expect(r.text).toContain(`id="${f}-error"`);
    expect(r.text).toContain("must be the numeric Phone number ID");
    expect(r.text).toContain('value="Vuoto"');
  });

  test("a token Meta refuses is a 422 with Meta's message, and the token is not echoed back", async () => {
    const r = await owner.post("/numbers", connectForm("1065403522", { access_token: BAD, send_rate_per_min: "45" }));
    expect(r.status).toBe(422);
    expect(r.text).toContain("Meta refused this token");
    expect(r.text).toContain("Invalid OAuth access token");
    expect(r.text).not.toContain(BAD);
    expect(r.text).toContain('value="1065403522"');
    expect(r.text).toContain('value="45"');
    expect(app.deps.numbers.list()).toHaveLength(0);
  });

  test("a good token connects: redirect, flash, quality, verified name and templates on the number's page", async () => {
    const r = await owner.post("/numbers", connectForm("1065403522"));
    const page = await follow(owner, r);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Number Bottega connected.");
    expect(page.text).toContain("GREEN · high");
    expect(page.text).toContain("Bottega Rossi");
    expect(page.text).toContain("TIER_1K");
    expect(page.text).toContain('id="templates"');
    expect(page.text).toContain("order_ready");
    expect(page.text).toMatch(/badge-success">APPROVED/);
    expect(page.text).toMatch(/badge-danger">REJECTED/);
    expect(page.text).toContain("PROMOTIONAL");
    expect(page.text).toContain("20/min");
    expect(page.text).not.toContain(GOOD);
    const list = await owner.get("/numbers");
    expect(list.text).toContain("Bottega");
    expect(list.text).toContain("+393331234567");
  });

  test("a number already connected is a 409 on the form", async () => {
    const r = await owner.post("/numbers", connectForm("1065403522"));
    expect(r.status).toBe(409);
    expect(r.text).toContain("already connected");
    expect(r.text).not.toContain(GOOD);
  });
});

const theNumber = () => app.deps.numbers.byPhoneId("1065403522") ?? app.deps.numbers.list().find((n) => n.phone_number_id === "1065403522")!;

describe("the WA_APP_SECRET warning", () => {
  test("shows on /numbers and makes /healthz degraded while a real number runs without it", async () => {
    const r = await owner.get("/numbers");
    expect(r.text).toContain('data-testid="secret-missing"');
    expect(r.text).toContain("WA_APP_SECRET is not set: webhook POSTs are refused until it is set");
    const h = await (await fetch(app.url + "/healthz")).json();
    expect(h.status).toBe("degraded");
    expect(h.warnings.join(" ")).toContain("WA_APP_SECRET is not set");
  });
});

describe("the health panel", () => {
  test("Refresh now reads Meta again and records a quality change", async () => {
    const n = theNumber();
    graph.numbers.set("1065403522", fields({ quality_rating: "YELLOW", messaging_limit_tier: "TIER_10K" }));
    await owner.get(`/numbers/${n.id}`);
    const page = await follow(owner, await owner.post(`/numbers/${n.id}/health`));
    expect(page.text).toContain("Health refreshed from Meta.");
    expect(page.text).toContain("YELLOW · medium");
    expect(page.text).toContain("TIER_10K");
    expect(page.text).toContain("Quality GREEN → YELLOW");
  });

  test("Sync templates picks up new ones; Meta's refusal is a flash error, not a crash", async () => {
    const n = theNumber();
    graph.templates.set(WABA, [template("order_ready", "APPROVED"), template("back_in_stock", "PAUSED")]);
    const r = await owner.post(`/numbers/${n.id}/templates/sync`);
    expect(r.headers.get("location")).toBe(`/numbers/${n.id}#templates`);
    const page = await follow(owner, r);
    expect(page.text).toContain("2 templates synced from Meta.");
    expect(page.text).toMatch(/badge-warning">PAUSED/);
    expect(page.text).not.toContain("promo_spring");
    graph.refuseTemplates.add(WABA);
    const bad = await follow(owner, await owner.post(`/numbers/${n.id}/templates/sync`));
    expect(bad.status).toBe(200);
    expect(bad.text).toContain("Template sync failed");
    expect(bad.text).toContain("Requires whatsapp_business_management permission");
    expect(bad.text).toContain("back_in_stock");
    graph.refuseTemplates.delete(WABA);
  });

  test("saving without a token keeps the current one; a refused new token is a 422 that does not echo it", async () => {
    const n = theNumber();
    const saved = await follow(owner, await owner.post(`/numbers/${n.id}`, { name: "Bottega Centro", portfolio: "Rossi SRL", send_rate_per_min: "90", default_language: "it", access_token: "" }));
    expect(saved.text).toContain("Saved.");
    expect(saved.text).toContain("Bottega Centro");
    expect(saved.text).toContain("90/min");
    expect(saved.text).not.toContain('name="access_token" value');
    graph.auths.length = 0;
    await owner.post(`/numbers/${n.id}/health`);
    expect(graph.auths).toEqual([GOOD]);

    const refused = await owner.post(`/numbers/${n.id}`, { name: "Bottega Centro", send_rate_per_min: "", default_language: "it", access_token: BAD });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("Meta refused this token");
    expect(refused.text).not.toContain(BAD);
    expect(app.deps.numbers.get(n.id)!.send_rate_per_min).toBe(90);

    const invalid = await owner.post(`/numbers/${n.id}`, { name: "", send_rate_per_min: "fast", default_language: "it" });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain("must be 1 to 80 characters");
    expect(invalid.text).toContain("must be a whole number from 1 to 4800");
  });

  test("a revoked token shows as an error flash and status; a replacement token brings the number back", async () => {
    const n = theNumber();
    graph.tokens.delete(GOOD);
    const page = await follow(owner, await owner.post(`/numbers/${n.id}/health`));
    expect(page.status).toBe(200);
    expect(page.text).toContain("Meta refused the health check");
    expect(page.text).toMatch(/badge-danger" data-testid="number-status">Error/);
    expect(page.text).toContain('data-testid="last-error"');
    const NEW = "new-token-9876543210";
    graph.tokens.add(NEW);
    await follow(owner, await owner.post(`/numbers/${n.id}`, { name: "Bottega Centro", send_rate_per_min: "", default_language: "it", access_token: NEW }));
    const back = await follow(owner, await owner.post(`/numbers/${n.id}/health`));
    expect(back.text).toContain("Health refreshed from Meta.");
    expect(back.text).toMatch(/badge-success" data-testid="number-status">Connected/);
    expect(back.text).not.toContain(NEW);
    expect(graph.auths.at(-1)).toBe(NEW);
  });

  test("Disable asks first and stops the number; Enable brings it back", async () => {
    const n = theNumber();
    const before = await owner.get(`/numbers/${n.id}`);
    expect(before.text).toContain("data-confirm=\"Disable Bottega Centro?");
    const off = await follow(owner, await owner.post(`/numbers/${n.id}/status`, { status: "disabled" }));
    expect(off.text).toContain("Bottega Centro is disabled.");
    expect(off.text).toMatch(/data-testid="number-status">Disabled/);
    expect(off.text).toContain('data-testid="enable"');
    // A disabled number receives nothing, so the missing secret no longer loses messages.
    expect((await owner.get("/numbers")).text).not.toContain('data-testid="secret-missing"');
    const on = await follow(owner, await owner.post(`/numbers/${n.id}/status`, { status: "connected" }));
    expect(on.text).toContain("Bottega Centro is enabled again.");
    expect(on.text).toMatch(/data-testid="number-status">Connected/);
    expect((await owner.post(`/numbers/${n.id}/status`, { status: "error" })).status).toBe(422);
  });

  test("a team page lists the numbers it serves, linked", async () => {
    const n = theNumber();
    const team = app.deps.teams.create({ name: "Vendite" }, { actor: null, system: true });
    await follow(owner, await owner.post(`/numbers/${n.id}`, { name: "Bottega Centro", send_rate_per_min: "", default_language: "it", team_ids: [String(team.id)] }));
    const t = await owner.get(`/teams/${team.id}`);
    expect(t.text).toContain(`href="/numbers/${n.id}"`);
    expect(t.text).toContain("Bottega Centro");
    expect((await owner.get(`/numbers/${n.id}`)).text).toContain(`href="/teams/${team.id}"`);
  });
});

describe("roles", () => {
  test("an agent cannot open the numbers pages", async () => {
    const agent = await app.as("agent");
    expect((await agent.get("/numbers/new")).status).toBe(403);
    expect((await agent.get("/numbers")).status).toBe(403);
    expect((await agent.get("/")).text).not.toContain('href="/numbers"');
  });

  test("a reader sees the numbers but no manage buttons, webhook setup or verify token", async () => {
    const analyst = await app.as("analyst");
    const n = theNumber();
    const list = await analyst.get("/numbers");
    expect(list.status).toBe(200);
    expect(list.text).toContain("Bottega Centro");
    expect(list.text).not.toContain('href="/numbers/new"');
    expect(list.text).not.toContain('data-testid="webhook-setup"');
    expect(list.text).not.toContain(app.deps.cfg.waVerifyToken!);
    const page = await analyst.get(`/numbers/${n.id}`);
    expect(page.status).toBe(200);
    for (const id of ["refresh", "disable", "sync-templates", "edit-number"]) expect(page.text).not.toContain(`data-testid="${id}"`);
    expect((await analyst.get("/numbers/new")).status).toBe(403);
    expect((await analyst.post(`/numbers/${n.id}/health`)).status).toBe(403);
    // templates:manage alone shows the sync button, not the number's settings.
    const marketer = await (await app.as("marketer")).get(`/numbers/${n.id}`);
    expect(marketer.text).toContain('data-testid="sync-templates"');
    expect(marketer.text).not.toContain('data-testid="edit-number"');
  });
});

describe("escaping", () => {
  test("a hostile number name stays text on every page", async () => {
    const evil = `<img src=x onerror=alert(1)>"'`;
    graph.numbers.set("2065403522", fields({ verified_name: "<b>Verified</b>" }));
    const team = app.deps.teams.create({ name: "Assistenza" }, { actor: null, system: true });
    const page = await follow(owner, await owner.post("/numbers", connectForm("2065403522", { name: evil, access_token: [...graph.tokens][0]!, team_ids: [String(team.id)] })));
    const id = app.deps.numbers.byPhoneId("2065403522")!.id;
    for (const r of [page, await owner.get("/numbers"), await owner.get(`/numbers/${id}`), await owner.get(`/teams/${team.id}`)]) {
      expect(r.text).not.toContain("<img src=x");
      expect(r.text).not.toContain("<b>Verified</b>");
      expect(r.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    }
  });
});

describe("with WA_APP_SECRET set", () => {
  let secured: TestApp;
  let admin: Client;
  const PHONE = "3065403522";

  beforeAll(async () => {
    graph.numbers.set(PHONE, fields());
    secured = await startTestApp({ WA_GRAPH_URL: graph.url, WA_APP_SECRET: "test-secret-123" });
    admin = await secured.as("admin");
    await admin.get("/numbers/new");
    await follow(admin, await admin.post("/numbers", connectForm(PHONE, { access_token: [...graph.tokens][0]! })));
  });
  afterAll(() => secured.stop());

  /** A signed message event whose message names no sender: the processor marks it failed. */
  async function postSenderless(wamid: string) {
    const body = escapedJson({
      object: "whatsapp_business_account",
      entry: [{ id: WABA, changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "393331234567", phone_number_id: PHONE }, messages: [{ id: wamid, timestamp: "1749416383", type: "text", text: { body: "ciao" } }] } }] }],
    });
    const r = await fetch(secured.url + "/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, webhookSecret(secured.deps.cfg)) }, body });
    expect(r.status).toBe(200);
  }
  const failed = () => listEvents(secured.deps.db, "failed", 0, 10);

  test("no warning with a real number connected, and /healthz is ok", async () => {
    const r = await admin.get("/numbers");
    expect(r.text).not.toContain('data-testid="secret-missing"');
    expect(r.text).toContain("WA_APP_SECRET is set");
    expect((await (await fetch(secured.url + "/healthz")).json()).status).toBe("ok");
  });

  test("a failed webhook event is linked from /numbers, listed with its error and body, and can be replayed", async () => {
    await postSenderless("wamid.NOSENDER1");
    const ev = (await eventually(() => failed()[0]))!;
    const list = await admin.get("/numbers");
    expect(list.text).toContain("Webhook events that failed processing: 1.");
    expect(list.text).toContain('href="/numbers/events"');

    const events = await admin.get("/numbers/events");
    expect(events.status).toBe(200);
    expect(events.text).toContain("names no sender");
    expect(events.text).toContain("<details>");
    expect(events.text).toContain("wamid.NOSENDER1");
    expect(events.text).toContain(`action="/numbers/events/${ev.id}/replay"`);

    const again = await follow(admin, await admin.post(`/numbers/events/${ev.id}/replay`));
    expect(again.text).toContain(`Event #${ev.id} failed again`);
    expect(getEvent(secured.deps.db, ev.id)!.attempts).toBe(2);
    expect(secured.deps.audit.list({ action: "webhooks.replay", beforeId: 0, limit: 5 })).toHaveLength(1);

    // Once the cause is fixed (here: the sender is added to the stored body), a replay processes it.
    const fixed = ev.body.replace('"id":"wamid.NOSENDER1"', '"from":"393330000001","id":"wamid.NOSENDER1"');
    secured.deps.db.query("UPDATE webhook_events SET body = ? WHERE id = ?").run(fixed, ev.id);
    const done = await follow(admin, await admin.post(`/numbers/events/${ev.id}/replay`));
    expect(done.text).toContain(`Event #${ev.id} was processed.`);
    expect(done.text).toContain("No failed webhook events.");
    const twice = await follow(admin, await admin.post(`/numbers/events/${ev.id}/replay`));
    expect(twice.text).toContain("has not failed");
    expect((await admin.post("/numbers/events/999999/replay")).status).toBe(404);
  });

  test("the events page is for admins only", async () => {
    expect((await (await secured.as("analyst")).get("/numbers/events")).status).toBe(403);
  });
});
