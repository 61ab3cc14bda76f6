// Live inbox audience (inbox/tabs.ts, inbox/live.ts): a page's stream receives only what that page shows: the
// rows its list holds or would place, the open conversation's timeline, nothing inbox for other pages; and a
// page's list rows are gathered into one message per flush and at most one message per window.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, ownerActor, startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";
import { randomToken, sha256 } from "../src/platform/ids";
import { insertSession } from "../src/auth/store";
import { liveOptions, tabOf, wantsRow } from "../src/inbox/tabs";

let app: TestApp;
let admin: string;
let pid = "";
let agent = { id: 0, cookie: "" };
const system = { actor: null, system: true };

async function signIn(email: string) {
  const id = await app.user("agent", email);
  const token = randomToken(32);
  const now = app.clock.now();
  insertSession(app.deps.db, { id: sha256(token), user_id: id, csrf_token: randomToken(24), created_at: now, last_seen_at: now, expires_at: now + 86_400_000, ip: "127.0.0.1", user_agent: "test" });
  return { id, cookie: `cs_session=${token}` };
}

async function customerWrites(phone: string, body: string): Promise<number> {
  const r = await api(app.url, admin, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: pid, type: "text", text: { body } });
  expect(r.status).toBe(202);
  const wamid = r.json.data.wamid as string;
  return (await eventually(() => app.deps.db.query<{ conversation_id: number }>("SELECT conversation_id FROM messages WHERE wamid = ?").get(wamid)?.conversation_id))!;
}

/** A page (`path`, or none: a stream with no inbox page) and its live stream, as the browser opens them. */
async function page(path: string | null) {
  const abort = new AbortController();
  let text = "";
  let tab: string | null = null;
  let events = "/events";
  if (path) {
    const html = await (await fetch(`${app.url}${path}`, { headers: { cookie: agent.cookie } })).text();
    events = /hx-sse:connect="([^"]+)"/.exec(html)![1]!.replaceAll("&amp;", "&");
    tab = /data-tab="([^"]+)"/.exec(html)?.[1] ?? null;
  }
  const before = app.deps.sse.size;
  const done = (async () => {
    const res = await fetch(`${app.url}${events}`, { headers: { cookie: agent.cookie, accept: "text/event-stream" }, signal: abort.signal });
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
  await eventually(() => app.deps.sse.size > before);
  return {
    tab,
    get text() {
      return text;
    },
    /** The messages carrying list rows. */
    rowFrames: () => text.split("\n\n").filter((f) => f.includes('<li id="conv-')),
    /** Opens a conversation in the page's pane, as a click on a row does (htmx, with the page's tab). */
    open: (id: number) => fetch(`${app.url}/inbox/${id}`, { headers: { cookie: agent.cookie, "hx-request": "true", "hx-target": "conv-pane", "x-live-tab": tab ?? "" } }),
    close: async () => (abort.abort(), await done.catch(() => {})),
  };
}

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "on" });
  admin = app.token("admin");
  const d = app.deps;
  const first = await eventually(async () => (await api(app.url, admin, "GET", "/api/v1/numbers")).json.data[0]);
  pid = first.phone_number_id;
  const team = d.teams.create({ name: "Front desk" }, system).id;
  await d.numbers.update(Number(first.id), { team_ids: [team] }, { actor: ownerActor(d) });
  agent = await signIn("agent-live@test.local");
  d.teams.addMember(team, agent.id, system);
  // Nobody is online: new conversations stay unassigned, in the queue.
});
afterAll(() => app.stop());

describe("a page's stream", () => {
  test("gets the rows its list shows and the open conversation's timeline, nothing else", async () => {
    const x = await customerWrites("+393330000001", "primo X");
    const y = await customerWrites("+393330000002", "primo Y");
    const none = await page(null);
    const mine = await page("/inbox?view=mine");
    const queue = await page("/inbox?view=unassigned");
    const onX = await page(`/inbox/${x}?view=unassigned`);
    const onY = await page(`/inbox/${y}?view=unassigned`);
    try {
      await customerWrites("+393330000001", "secondo X");
      await eventually(() => onX.text.includes("secondo X") && queue.text.includes(`id="conv-${x}"`) && onY.text.includes(`id="conv-${x}"`));
      // The row goes to every list holding it; the message itself only to the page showing X.
      expect(onY.text).not.toContain(`thread-${x}"`);
      expect(queue.text).not.toContain(`thread-${x}"`);
      // A list of "mine" does not hold an unassigned conversation; a page without an inbox list gets nothing.
      expect(mine.text).not.toContain(`conv-${x}"`);

      // Assigned to the agent: "mine" now places it, the queue's list is told to drop it.
      app.deps.routing.assign(x, { agentId: agent.id }, system);
      await eventually(() => mine.text.includes(`data-assignee="${agent.id}"`) && queue.rowFrames().some((f) => f.includes(`data-assignee="${agent.id}"`)));

      // The page showing Y opens X in its pane: from then on X's timeline follows it there.
      expect((await onY.open(x)).status).toBe(200);
      await customerWrites("+393330000001", "terzo X");
      await eventually(() => onY.text.includes("terzo X") && onX.text.includes("terzo X"));
      expect(none.text).not.toContain("conv-");
      expect(none.text).not.toContain("thread-");
    } finally {
      for (const p of [none, mine, queue, onX, onY]) await p.close();
    }
  });

  test("a busy newest-first list remembers a bounded number of rows (memory with hundreds of tabs)", async () => {
    const html = await (await fetch(`${app.url}/inbox?view=team&sort=recent`, { headers: { cookie: agent.cookie } })).text();
    const tab = tabOf(app.deps, agent.id, /data-tab="([^"]+)"/.exec(html)![1]!)!;
    const facts = (id: number) => ({ status: "open", assignee: null, team: null, number: tab.teamNumbers[0]!, tags: "[]", unanswered: 1, recent: 1e13 + id, wait: 0, qwait: 0 });
    const busy = 999_999;
    expect(wantsRow(tab, busy, facts(busy))).toBe(true);
    for (let id = 1_000_000; id < 1_002_000; id++) {
      expect(wantsRow(tab, id, facts(id))).toBe(true);
      // One conversation keeps getting messages: it stays remembered, so its removal from the list is sent.
      if (id % 100 === 0) {
        expect(tab.shown.has(busy)).toBe(true);
        expect(wantsRow(tab, busy, facts(busy))).toBe(true);
      }
    }
    expect(tab.shown.size).toBe(400);
    expect(tab.shown.has(busy)).toBe(true);
    expect(wantsRow(tab, busy, { ...facts(busy), status: "resolved" })).toBe(true);
    // The newest are the ones kept; the list's own rows were pushed down and forgotten first.
    expect(tab.shown.has(1_001_999)).toBe(true);
    expect(tab.shown.has(1_000_000)).toBe(false);
  });

  test("a page whose stream is open stays live however many pages are rendered after it", async () => {
    const x = await customerWrites("+393330000077", "prima");
    liveOptions(app.deps).maxTabs = 3;
    const queue = await page("/inbox?view=unassigned");
    try {
      // Many page loads later (colleagues working, this tab left open), older tabs without a stream are forgotten...
      const rendered: string[] = [];
      for (let i = 0; i < 8; i++) {
        const html = await (await fetch(`${app.url}/inbox?view=unassigned`, { headers: { cookie: agent.cookie } })).text();
        rendered.push(/data-tab="([^"]+)"/.exec(html)![1]!);
      }
      expect(tabOf(app.deps, agent.id, rendered[0]!)).toBeNull();
      expect(tabOf(app.deps, agent.id, rendered.at(-1)!)).not.toBeNull();
      // ...but the open page keeps its tab and still gets its rows.
      expect(tabOf(app.deps, agent.id, queue.tab)).not.toBeNull();
      await customerWrites("+393330000077", "dopo tante pagine");
      await eventually(() => queue.rowFrames().some((f) => f.includes(`id="conv-${x}"`) && f.includes("dopo tante pagine")));
    } finally {
      liveOptions(app.deps).maxTabs = 2_000;
      await queue.close();
    }
  });

  test("gets one message per flush for a burst of rows, and at most one per window after that", async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await customerWrites(`+39333100000${i}`, `burst ${i}`));
    liveOptions(app.deps).listFrameMs = 2_000;
    const queue = await page("/inbox?view=unassigned");
    try {
      const changed = (some: number[]) => {
        for (const id of some) app.deps.bus.emit("inbox.changed", { conversationId: id });
      };
      // Three rows changed in one turn: one message carrying the three.
      changed(ids.slice(0, 3));
      await eventually(() => queue.rowFrames().length === 1);
      for (const id of ids.slice(0, 3)) expect(queue.rowFrames()[0]).toContain(`id="conv-${id}"`);
      // Two more changes in two later turns, inside the window: held, then sent together.
      changed(ids.slice(3, 5));
      await new Promise((r) => setImmediate(r));
      changed(ids.slice(5));
      await eventually(() => queue.rowFrames().length === 2, 6_000);
      for (const id of ids.slice(3)) expect(queue.rowFrames()[1]).toContain(`id="conv-${id}"`);
      expect(queue.rowFrames().length).toBe(2);
    } finally {
      liveOptions(app.deps).listFrameMs = 250;
      await queue.close();
    }
  });
});
