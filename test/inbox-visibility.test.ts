// R6 and team visibility in the inbox: an agent of team A never sees a conversation of team B's number, in
// pages, fragments, actions, media, search or the live SSE stream, while it does see its own team's.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, ownerActor, startTestApp, type TestApp } from "./support/app";
import { api, Client } from "./support/client";
import { randomToken, sha256 } from "../src/platform/ids";
import { insertSession } from "../src/auth/store";

let app: TestApp;
let admin: string;
const numbers: { A: { id: number; pid: string }; B: { id: number; pid: string } } = { A: { id: 0, pid: "" }, B: { id: 0, pid: "" } };
const agents: Record<"A" | "B", { id: number; client: Client; cookie: string }> = {} as never;
const convs = { A: 0, B: 0 };
const system = { actor: null, system: true };

async function signIn(email: string) {
  const id = await app.user("agent", email);
  const token = randomToken(32);
  const now = app.clock.now();
  insertSession(app.deps.db, { id: sha256(token), user_id: id, csrf_token: randomToken(24), created_at: now, last_seen_at: now, expires_at: now + 86_400_000, ip: "127.0.0.1", user_agent: "test" });
  const client = new Client(app.url, { cs_session: token });
  await client.get("/profile");
  return { id, client, cookie: `cs_session=${token}` };
}

async function customerWrites(pid: string, phone: string, body: string): Promise<number> {
  const r = await api(app.url, admin, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: pid, type: "text", text: { body } });
  expect(r.status).toBe(202);
  const wamid = r.json.data.wamid as string;
  return (await eventually(() => app.deps.db.query<{ conversation_id: number }>("SELECT conversation_id FROM messages WHERE wamid = ?").get(wamid)?.conversation_id))!;
}

/**
 * A raw SSE stream opened with fetch, as the browser's page would: `page` is rendered first (it registers what
 * the page shows, inbox/tabs.ts) and the stream is the one its layout names. Collects every frame.
 */
function stream(cookie: string, page = "/inbox?view=team") {
  const abort = new AbortController();
  let text = "";
  const done = (async () => {
    const html = await (await fetch(`${app.url}${page}`, { headers: { cookie } })).text();
    const path = /hx-sse:connect="([^"]+)"/.exec(html)![1]!.replaceAll("&amp;", "&");
    const res = await fetch(`${app.url}${path}`, { headers: { cookie, accept: "text/event-stream" }, signal: abort.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  // The simulator's fake phones push their own threads to simulator users; those frames are not the inbox's.
  const inbox = () => text.split("\n\n").filter((f) => !f.includes('class="sim-')).join("\n\n");
  return { get text() { return inbox(); }, close: async () => (abort.abort(), await done.catch(() => {})) };
}

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "on" });
  admin = app.token("admin");
  const d = app.deps;
  const first = await eventually(async () => (await api(app.url, admin, "GET", "/api/v1/numbers")).json.data[0]);
  numbers.A = { id: Number(first.id), pid: first.phone_number_id };
  const second = await api(app.url, admin, "POST", "/api/v1/simulator/numbers", { name: "Team B line" });
  expect(second.status).toBe(201);
  numbers.B = { id: Number(second.json.data.id), pid: second.json.data.phone_number_id };
  for (const k of ["A", "B"] as const) {
    const team = d.teams.create({ name: `Team ${k}` }, system).id;
    await d.numbers.update(numbers[k].id, { team_ids: [team] }, { actor: ownerActor(d) });
    agents[k] = await signIn(`agent-${k.toLowerCase()}@test.local`);
    d.teams.addMember(team, agents[k].id, system);
  }
  convs.A = await customerWrites(numbers.A.pid, "+393331110001", "buongiorno dal team A");
  convs.B = await customerWrites(numbers.B.pid, "+393331110002", "riservato al team B");
});
afterAll(() => app.stop());

describe("an agent of team A", () => {
  test("cannot open team B's conversation or any of its fragments and actions (404)", async () => {
    const c = agents.A.client;
    const B = convs.B;
    expect((await c.get(`/inbox/${convs.A}`)).status).toBe(200);
    for (const path of [`/inbox/${B}`, `/inbox/${B}/history`, `/inbox/${convs.A}/history?conv=${B}`, `/inbox/${B}/composer`, `/inbox/${B}/suggest?text=/x`, `/inbox/${B}/transfer`, `/inbox/${B}/contact`]) {
      const r = await c.get(path, { "hx-request": "true" });
      expect(`${path} ${r.status}`).toBe(`${path} 404`);
      expect(r.text).not.toContain("riservato al team B");
    }
    for (const path of [`/inbox/${B}/messages`, `/inbox/${B}/notes`, `/inbox/${B}/resolve`, `/inbox/${B}/snooze`, `/inbox/${B}/take`, `/inbox/${B}/unread`, `/inbox/${B}/contact/tags`, `/inbox/${B}/template`]) {
      const r = await c.post(path, { text: "x", tag: "x", preset: "1h" });
      expect(`${path} ${r.status}`).toBe(`${path} 404`);
    }
    expect(app.deps.conversations.get(B)!.status).toBe("open");
    expect(app.deps.contacts.tags(app.deps.conversations.get(B)!.contact_id)).toEqual([]);
  });

  test("does not get its rows in any list view, page of rows, or search", async () => {
    const c = agents.A.client;
    for (const view of ["mine", "unassigned", "waiting", "team", "all"]) {
      for (const path of [`/inbox?view=${view}&status=all`, `/inbox/list?view=${view}&status=all`]) {
        const html = (await c.get(path)).text;
        expect(html).not.toContain(`id="conv-${convs.B}"`);
        expect(html).not.toContain("riservato al team B");
      }
    }
    expect((await c.get("/inbox?view=unassigned")).text).toContain(`id="conv-${convs.A}"`);
    expect((await c.get(`/inbox/search?q=${encodeURIComponent("riservato")}`)).text).not.toContain("riservato al team B");
    // Team B's agent sees it; visibility follows the teams, not the role.
    expect((await agents.B.client.get("/inbox?view=unassigned")).text).toContain(`id="conv-${convs.B}"`);
  });

  test("does not receive its SSE pushes, while its own team's arrive live", async () => {
    // Each agent's page shows its team's list and a conversation open: the other team's conversation is in
    // neither, and must not arrive however the page is set up.
    const a = stream(agents.A.cookie, `/inbox/${convs.A}?view=team&status=all`);
    const b = stream(agents.B.cookie, `/inbox/${convs.B}?view=team&status=all`);
    try {
      await eventually(() => app.deps.sse.size >= 2);
      await customerWrites(numbers.B.pid, "+393331110002", "seconda riservata B");
      await customerWrites(numbers.A.pid, "+393331110001", "seconda visibile A");
      await eventually(() => a.text.includes("seconda visibile A") && b.text.includes("seconda riservata B"));
      // And one more change on B (an assignment) after A's frame, so a late B frame would be seen too.
      app.deps.routing.assign(convs.B, { agentId: agents.B.id }, system);
      await eventually(() => b.text.includes(`data-assignee="${agents.B.id}"`));
      await customerWrites(numbers.A.pid, "+393331110001", "terza visibile A");
      await eventually(() => a.text.includes("terza visibile A"));
      expect(a.text).toContain(`id="conv-${convs.A}"`);
      expect(a.text).not.toContain(`conv-${convs.B}"`);
      expect(a.text).not.toContain(`thread-${convs.B}"`);
      expect(a.text).not.toContain(`conv-head-${convs.B}"`);
      expect(a.text).not.toContain("riservat");
      expect(b.text).not.toContain("visibile A");
    } finally {
      await a.close();
      await b.close();
    }
  });
});
