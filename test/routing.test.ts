// Routing and assignment (PRODUCT.md C6) over real HTTP: customers write through signed webhooks, agents change
// presence through the API and the inbox endpoints, and virtual time drives the heartbeat grace period and the
// "not answered" reassignment. Each scenario has its own number, team and agents, so they do not share capacity.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, ownerActor, PASSWORD, startTestApp, type TestApp } from "./support/app";
import { api, Client } from "./support/client";
import { fakeNumber, startFakeGraph, type FakeGraph } from "./support/fake-graph";
import { escapedJson, signBody, webhookSecret } from "../src/whatsapp";
import { insertSession } from "../src/auth/store";
import { randomToken, sha256 } from "../src/platform/ids";

const WABA = "102290129340398";
let app: TestApp;
let graph: FakeGraph;
let admin: string;
let seq = 0;

beforeAll(async () => {
  graph = startFakeGraph();
  app = await startTestApp({ WA_GRAPH_URL: graph.url, WA_APP_SECRET: "routing-secret" });
  admin = app.token("admin");
});
afterAll(async () => {
  await app.stop();
  graph.stop();
});

interface Scenario {
  numberId: number;
  phoneId: string;
  teamId: number;
  agents: number[];
}

/** A team serving a new number, with `n` agents in it. */
async function scenario(name: string, n: number, o: { capacity?: number; strategy?: string } = {}): Promise<Scenario> {
  const d = app.deps;
  const actor = { actor: ownerActor(d) };
  const teamId = d.teams.create({ name }, actor).id;
  const phoneId = String(900_000 + ++seq);
  const r = await api(app.url, admin, "POST", "/api/v1/numbers", { ...fakeNumber(graph, phoneId, WABA), name, team_ids: [String(teamId)] });
  expect(r.status).toBe(201);
  const numberId = Number(r.json.data.id);
  const agents: number[] = [];
  for (let i = 1; i <= n; i++) {
    const u = await d.users.create({ email: `${name.toLowerCase()}-${i}@test.local`, name: `${name} ${i}`, password: PASSWORD, role: "agent", team_ids: [teamId], capacity: o.capacity }, actor);
    agents.push(u.id);
  }
  if (o.strategy) expect((await api(app.url, admin, "PATCH", `/api/v1/routing/numbers/${numberId}`, { strategy: o.strategy })).status).toBe(200);
  return { numberId, phoneId, teamId, agents };
}

async function presence(userId: number, status: string, token = admin) {
  return api(app.url, token, "POST", `/api/v1/agents/${userId}/presence`, { status });
}

/** A customer writes to the scenario's number; returns the conversation id. */
async function customerWrites(s: Scenario, from: string, text = "hello") {
  const value = {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "15550000000", phone_number_id: s.phoneId },
    contacts: [{ profile: { name: `Customer ${from}` }, wa_id: from }],
    messages: [{ from, id: `wamid.ROUTE${++seq}`, timestamp: String(Math.floor(app.clock.now() / 1000)), type: "text", text: { body: text } }],
  };
  const raw = escapedJson({ object: "whatsapp_business_account", entry: [{ id: WABA, changes: [{ field: "messages", value }] }] });
  const r = await fetch(app.url + "/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, webhookSecret(app.deps.cfg)) }, body: raw });
  expect(r.status).toBe(200);
  app.deps.intake.flush();
  app.deps.processor.drain();
  return eventually(async () => {
    const list = (await api(app.url, admin, "GET", `/api/v1/conversations?number_id=${s.numberId}&status=open`)).json.data as { id: string; contact: { wa_id: string } }[];
    return Number(list.find((c) => c.contact.wa_id === from)?.id ?? 0);
  });
}

async function assignee(conversationId: number): Promise<number | null> {
  const c = (await api(app.url, admin, "GET", `/api/v1/conversations/${conversationId}`)).json.data;
  return c.assignee_id === null ? null : Number(c.assignee_id);
}

/** The latest routing event of a conversation, with its detail. */
function lastEvent(conversationId: number): Record<string, unknown> {
  const e = app.deps.conversations.events(conversationId).filter((x) => ["assigned", "queued", "transferred", "unassigned"].includes(x.kind)).at(-1)!;
  return { kind: e.kind, ...(JSON.parse(e.detail ?? "{}") as Record<string, unknown>) };
}

/** A browser session of a given user. */
function sessionOf(userId: number): Client {
  const token = randomToken(32);
  const now = app.clock.now();
  insertSession(app.deps.db, { id: sha256(token), user_id: userId, csrf_token: randomToken(24), created_at: now, last_seen_at: now, expires_at: now + 86_400_000, ip: "127.0.0.1", user_agent: "test" });
  return new Client(app.url, { cs_session: token });
}

const userToken = (userId: number) => app.deps.tokens.create({ name: `as-${userId}-${++seq}`, user: userId }, { actor: ownerActor(app.deps) }).token;

describe("queue and capacity", () => {
  test("capacity 1: the second conversation waits at position 1 and gets the agent when the first is resolved", async () => {
    const s = await scenario("Queue", 1, { capacity: 1 });
    const [agent] = s.agents as [number];
    const early = await customerWrites(s, "393330000001");
    expect(await assignee(early)).toBeNull();
    expect(lastEvent(early)).toMatchObject({ kind: "queued", reason: "no agent online" });

    expect((await presence(agent, "online")).status).toBe(200);
    await eventually(async () => (await assignee(early)) === agent);
    const second = await customerWrites(s, "393330000002");
    app.clock.advance(1000);
    const third = await customerWrites(s, "393330000003");
    expect(await assignee(second)).toBeNull();
    expect(lastEvent(second)).toMatchObject({ kind: "queued", reason: "all agents busy" });
    expect(app.deps.routing.position(second)).toBe(1);
    expect(app.deps.routing.position(third)).toBe(2);
    expect(app.deps.routing.position(early)).toBeNull();

    expect((await api(app.url, admin, "POST", `/api/v1/conversations/${early}/resolve`)).status).toBe(200);
    await eventually(async () => (await assignee(second)) === agent);
    expect(lastEvent(second)).toMatchObject({ kind: "assigned", agent_id: agent });
    expect(app.deps.routing.position(third)).toBe(1);
  });
});

describe("presence", () => {
  test("an agent going offline hands their conversations on; with nobody left they wait", async () => {
    const s = await scenario("Offline", 2, { capacity: 3 });
    const [a, b] = s.agents as [number, number];
    await presence(a, "online");
    await presence(b, "online");
    const c1 = await customerWrites(s, "393331000001");
    const c2 = await customerWrites(s, "393331000002");
    expect(new Set([await assignee(c1), await assignee(c2)])).toEqual(new Set([a, b]));
    const ofA = (await assignee(c1)) === a ? c1 : c2;

    expect((await presence(a, "offline")).status).toBe(200);
    await eventually(async () => (await assignee(ofA)) === b);
    expect(lastEvent(ofA)).toMatchObject({ kind: "transferred", from_agent_id: a, agent_id: b, reason: "agent went offline" });

    await presence(b, "offline");
    await eventually(async () => (await assignee(c1)) === null && (await assignee(c2)) === null);
    expect(String(lastEvent(c1).reason)).toContain("agent went offline");
    // Back online: the queue drains to them.
    await presence(a, "online");
    await eventually(async () => (await assignee(c1)) === a && (await assignee(c2)) === a);
  });

  test("the inbox page's heartbeat keeps an agent online; after the grace period without it they go offline", async () => {
    const s = await scenario("Beat", 2, { capacity: 5 });
    const [a, b] = s.agents as [number, number];
    const page = sessionOf(a);
    await page.get("/profile");
    expect((await page.post("/presence", { status: "online" })).status).toBe(303);
    expect((await page.post("/presence/heartbeat")).status).toBe(204);
    expect(app.deps.routing.presenceOf(a)).toBe("online");
    // From the inbox page (htmx), the answer is the switch itself, showing the new status.
    const away = await page.post("/presence", { status: "away" }, { headers: { "hx-request": "true" } });
    expect(away.text).toContain('id="presence"');
    expect(away.text).toMatch(/value="away" selected/);
    expect(app.deps.routing.presenceOf(a)).toBe("away");
    await page.post("/presence", { status: "online" });
    const conv = await customerWrites(s, "393332000001");
    expect(await assignee(conv)).toBe(a);

    app.clock.advance(120_000);
    await page.post("/presence/heartbeat");
    app.clock.advance(120_000);
    await app.deps.scheduler.runNow("routing.presence");
    expect(app.deps.routing.presenceOf(a)).toBe("online");

    await presence(b, "online");
    app.clock.advance(181_000);
    await app.deps.scheduler.runNow("routing.presence");
    expect(app.deps.routing.presenceOf(a)).toBe("offline");
    await eventually(async () => (await assignee(conv)) === b);
    expect(lastEvent(conv)).toMatchObject({ reason: "agent went offline" });
    // The tab wakes up: the next beat brings the agent back.
    await page.post("/presence/heartbeat");
    expect(app.deps.routing.presenceOf(a)).toBe("online");
  });
});

describe("strategies", () => {
  test("a returning customer goes back to the agent who handled them", async () => {
    const s = await scenario("Sticky", 2, { capacity: 5 });
    const [a, b] = s.agents as [number, number];
    await presence(a, "online");
    await presence(b, "online");
    const first = await customerWrites(s, "393333000001");
    const mine = (await assignee(first))!;
    await api(app.url, admin, "POST", `/api/v1/conversations/${first}/resolve`);
    // Least load alone would now pick the same agent; give them more work so only stickiness explains it.
    await customerWrites(s, "393333000002");
    await customerWrites(s, "393333000003");
    const again = await customerWrites(s, "393333000001", "it's me again");
    expect(again).not.toBe(first);
    expect(await assignee(again)).toBe(mine);
    expect(lastEvent(again)).toMatchObject({ kind: "assigned", reason: "returning customer" });
  });

  test("a reopened conversation stays with its agent when they can take it, else goes to someone who can", async () => {
    const s = await scenario("Reopen", 2, { capacity: 5 });
    const [a, b] = s.agents as [number, number];
    await presence(a, "online");
    const conv = await customerWrites(s, "393333500001");
    const resolve = () => api(app.url, admin, "POST", `/api/v1/conversations/${conv}/resolve`);
    const reopen = async () => expect((await api(app.url, admin, "POST", `/api/v1/conversations/${conv}/reopen`)).status).toBe(200);
    await resolve();
    await reopen();
    expect(await assignee(conv)).toBe(a);
    await resolve();
    await presence(b, "online");
    await presence(a, "offline");
    await reopen();
    await eventually(async () => (await assignee(conv)) === b);
    expect(lastEvent(conv)).toMatchObject({ kind: "transferred", from_agent_id: a, reason: "agent unavailable" });
  });

  test("round robin takes turns in order", async () => {
    const s = await scenario("Rotation", 3, { capacity: 10, strategy: "round_robin" });
    for (const a of s.agents) await presence(a, "online");
    const got: (number | null)[] = [];
    for (let i = 0; i < 6; i++) got.push(await assignee(await customerWrites(s, `39333400000${i}`)));
    const [a, b, c] = [...s.agents].sort((x, y) => x - y);
    expect(got).toEqual([a!, b!, c!, a!, b!, c!]);
  });

  test("skills: the team by language, keyword in the first message, or tag", async () => {
    const s = await scenario("Skills", 1, { capacity: 10, strategy: "skills" });
    const d = app.deps;
    const actor = { actor: ownerActor(d) };
    const specialist = async (name: string, skills: Record<string, string[]>) => {
      const teamId = d.teams.create({ name }, actor).id;
      const u = await d.users.create({ email: `${name.toLowerCase()}@test.local`, name, password: PASSWORD, role: "agent", team_ids: [teamId] }, actor);
      expect((await api(app.url, admin, "PATCH", `/api/v1/routing/teams/${teamId}`, skills)).status).toBe(200);
      await presence(u.id, "online");
      return { teamId, userId: u.id };
    };
    const italian = await specialist("Italiano", { languages: ["it"] });
    const refunds = await specialist("Refunds", { keywords: ["refund", "rimborso"] });
    const vip = await specialist("VIP", { tags: ["vip"] });
    const teams = [s.teamId, italian.teamId, refunds.teamId, vip.teamId].map(String);
    expect((await api(app.url, admin, "PATCH", `/api/v1/numbers/${s.numberId}`, { team_ids: teams })).status).toBe(200);
    await presence(s.agents[0]!, "online");

    expect(await assignee(await customerWrites(s, "393335000001", "ciao"))).toBe(italian.userId);
    expect(await assignee(await customerWrites(s, "15551230001", "I need a REFUND for my order"))).toBe(refunds.userId);
    // A tagged contact (known from an earlier conversation elsewhere) is claimed by the VIP team.
    const elsewhere = await scenario("Elsewhere", 0);
    await customerWrites(elsewhere, "15551230002");
    const contactId = d.db.query<{ id: number }>("SELECT id FROM contacts WHERE wa_id = '15551230002'").get()!.id;
    d.db.query("INSERT INTO contact_tags (contact_id, tag, added_at) VALUES (?, 'VIP', 0)").run(contactId);
    const tagged = await customerWrites(s, "15551230002", "hello");
    expect(await assignee(tagged)).toBe(vip.userId);
    expect(String(lastEvent(tagged).reason)).toContain("tag vip");
    expect(await assignee(await customerWrites(s, "15551230003", "hello"))).toBe(s.agents[0]!);
  });

  test("not answered within N minutes: another agent gets it (virtual time)", async () => {
    const s = await scenario("Slow", 2, { capacity: 5 });
    const [a, b] = s.agents as [number, number];
    expect((await api(app.url, admin, "PATCH", "/api/v1/settings", { reassign_after_minutes: 5 })).status).toBe(200);
    await presence(a, "online");
    const conv = await customerWrites(s, "393336000001");
    const answered = await customerWrites(s, "393336000002");
    app.deps.conversations.noteReply(answered, app.clock.now() + 1000);
    await presence(b, "online");
    app.clock.advance(4 * 60_000);
    await app.deps.scheduler.runNow("routing.reassign");
    expect(await assignee(conv)).toBe(a);
    app.clock.advance(2 * 60_000);
    await app.deps.scheduler.runNow("routing.reassign");
    expect(await assignee(conv)).toBe(b);
    expect(lastEvent(conv)).toMatchObject({ kind: "transferred", from_agent_id: a, reason: "not answered within 5 minutes" });
    expect(await assignee(answered)).toBe(a);
    await api(app.url, admin, "PATCH", "/api/v1/settings", { reassign_after_minutes: 0 });
  });
});

describe("API and pages", () => {
  test("agents list presence, capacity and load; presence is one's own unless agents:presence_any", async () => {
    const s = await scenario("Api", 2, { capacity: 4 });
    const [a, b] = s.agents as [number, number];
    const mine = userToken(a);
    expect((await presence(a, "away", mine)).json.data).toMatchObject({ id: String(a), presence: "away", capacity: 4, open_conversations: 0, team_ids: [String(s.teamId)] });
    const denied = await presence(b, "online", mine);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("permission_denied");
    expect((await presence(b, "online", app.token("supervisor"))).status).toBe(200);
    const list = (await api(app.url, app.token("agent"), "GET", "/api/v1/agents")).json.data as { id: string; presence: string }[];
    expect(list.find((x) => x.id === String(b))?.presence).toBe("online");
    expect((await api(app.url, app.token("marketer"), "GET", "/api/v1/agents")).status).toBe(403);
  });

  test("manual assignment and transfer: permission, visibility, hard cap, queue", async () => {
    const s = await scenario("Manual", 2, { capacity: 1 });
    const [a, b] = s.agents as [number, number];
    const outsider = (await scenario("Outside", 1)).agents[0]!;
    const conv = await customerWrites(s, "393337000001");
    const assign = (body: unknown, token = app.token("supervisor")) => api(app.url, token, "POST", `/api/v1/conversations/${conv}/assign`, body);

    expect((await assign({ agent_id: String(a) }, app.token("agent"))).status).toBe(403);
    const ok = await assign({ agent_id: a, note: "VIP, be quick" });
    expect(ok.status).toBe(200);
    expect(ok.json.data.assignee_id).toBe(String(a));
    expect(lastEvent(conv)).toMatchObject({ kind: "assigned", agent_id: a, reason: "manual", note: "VIP, be quick" });
    expect((await assign({ agent_id: outsider })).json.error.code).toBe("not_allowed");
    expect((await assign({ agent_id: 999_999 })).json.error.code).toBe("agent_unavailable");
    expect((await assign({})).status).toBe(422);

    // Above the agent's own capacity is a person's call; the workspace's hard cap is not.
    const other = await customerWrites(s, "393337000002");
    expect((await api(app.url, admin, "POST", `/api/v1/conversations/${other}/assign`, { agent_id: a })).status).toBe(200);
    await api(app.url, admin, "PATCH", "/api/v1/settings", { max_capacity: 2 });
    const third = await customerWrites(s, "393337000003");
    const capped = await api(app.url, admin, "POST", `/api/v1/conversations/${third}/assign`, { agent_id: a });
    expect(capped.status).toBe(409);
    expect(capped.json.error.code).toBe("over_capacity");
    await api(app.url, admin, "PATCH", "/api/v1/settings", { max_capacity: 20 });

    const transfer = await assign({ agent_id: b });
    expect(transfer.json.data.assignee_id).toBe(String(b));
    expect(lastEvent(conv)).toMatchObject({ kind: "transferred", from_agent_id: a, agent_id: b });
    // The agent hears about it when the notifications capability is there.
    if ((app.deps as { notifications?: unknown }).notifications) {
      const kinds = app.deps.db.query<{ kind: string }>("SELECT kind FROM notifications WHERE user_id = ? AND conversation_id = ?").all(b, conv).map((r) => r.kind);
      expect(kinds).toEqual(["transferred"]);
    }
    const queued = await assign({ agent_id: null });
    expect(queued.status).toBe(200);
    expect(queued.json.data.assignee_id).toBeNull();
    expect(app.deps.routing.position(conv)).toBeGreaterThan(0);
  });

  test("the routing settings page: per number and team, in English and Italian, changes need the permission", async () => {
    const s = await scenario("Page", 1);
    const owner = await app.as("admin");
    const page = await owner.get("/settings/routing");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Routing and assignment");
    expect(page.text).toContain(`number-routing-${s.numberId}`);
    const saved = await owner.post(`/settings/routing/numbers/${s.numberId}`, { strategy: "round_robin", team_id: String(s.teamId) });
    expect(saved.status).toBe(303);
    const bad = await owner.post(`/settings/routing/teams/${s.teamId}`, { strategy: "skills", languages: "it, en" });
    expect(bad.status).toBe(422);
    expect((await owner.post(`/settings/routing/teams/${s.teamId}`, { strategy: "round_robin", languages: "it, en", keywords: "", tags: "vip" })).status).toBe(303);
    const routing = (await api(app.url, admin, "GET", "/api/v1/routing")).json.data;
    expect(routing.numbers.find((n: { id: string }) => n.id === String(s.numberId))).toMatchObject({ strategy: "round_robin", team_id: String(s.teamId) });
    expect(routing.teams.find((t: { id: string }) => t.id === String(s.teamId))).toMatchObject({ strategy: "round_robin", languages: ["it", "en"], tags: ["vip"] });

    const italian = await app.as("admin");
    italian.jar.cs_lang = "it";
    expect((await italian.get("/settings/routing")).text).toContain("Instradamento e assegnazione");
    const agent = await app.as("agent");
    expect((await agent.get("/settings/routing")).status).toBe(403);
  });
});
