// The inbox in a real browser: two agents of one team in two browser contexts; a customer writes through the
// simulator; the message appears live in both lists; one agent takes it (the row leaves the other's
// "unassigned" list), replies, and watches the ticks move to read without a reload; hostile customer content
// stays inert; a conversation with no open window offers the template picker, the template goes out, and
// the composer turns into free text when the customer answers; notifications, transfer, snooze and shortcuts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { eventually } from "../support/app";
import { CHROMIUM, E2E_TIMEOUT, api, launchBrowser, openPage, signIn, startServer, type Server, type Watched } from "./support";

const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1">`;
const HOSTILE_TEXT = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> serve aiuto`;
const PASSWORD = "agente-segreto-1";

/** Nothing hostile ran or became markup; the text is on the page as text. */
/** Navigates and waits for the page's live stream; the wait is armed first so a fast stream is not missed. */
async function gotoLive(page: Page, url: string): Promise<void> {
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === "/events");
  await page.goto(url);
  await stream;
}

async function expectInert(page: Page): Promise<void> {
  const dom = await page.evaluate(() => ({
    pwned: (window as { __pwned?: unknown }).__pwned,
    imgs: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter((s) => s.textContent?.includes("__pwned")).length,
  }));
  expect(dom).toEqual({ pwned: undefined, imgs: 0, scripts: 0 });
}

describe.skipIf(!CHROMIUM)("the inbox, live in two browsers", () => {
  let server: Server;
  let browser: Browser;
  let token: string;
  let anna: Watched;
  let bruno: Watched;
  let numberId: string;
  let phoneId: string;

  const customerWrites = (phone: string, body: string, name?: string) =>
    api(server.url, token, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: phoneId, type: "text", text: { body }, name });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    token = await server.cli("token", "create", "--name", "e2e-inbox", "--role", "admin");
    const number = (await api(server.url, token, "GET", "/api/v1/numbers")).data[0];
    numberId = number.id;
    phoneId = number.phone_number_id;
    const team = (await api(server.url, token, "POST", "/api/v1/teams", { name: "Assistenza" })).data;
    await api(server.url, token, "PATCH", `/api/v1/numbers/${numberId}`, { team_ids: [Number(team.id)] });
    // The simulated phone reads what it receives a moment later, so the ticks go all the way to read.
    await api(server.url, token, "POST", "/api/v1/simulator/faults", { delays: { sent_ms: 300, delivered_ms: 600, read_ms: 900 } });
    const people = [
      { email: "anna@example.it", name: "Anna Agente" },
      { email: "bruno@example.it", name: "Bruno Agente" },
    ];
    const pages: Watched[] = [];
    for (const p of people) {
      const u = (await api(server.url, token, "POST", "/api/v1/users", { ...p, password: PASSWORD, role: "agent", team_ids: [Number(team.id)] })).data;
      // Away: new conversations wait in the queue, so the test decides who takes them.
      await api(server.url, token, "POST", `/api/v1/agents/${u.id}/presence`, { status: "away" });
      const w = await openPage(browser);
      const stream = w.page.waitForResponse((r) => new URL(r.url()).pathname === "/events");
      await signIn(w.page, server.url, p.email, PASSWORD);
      await w.page.goto(`${server.url}/inbox?view=unassigned`);
      await stream;
      pages.push(w);
    }
    [anna, bruno] = pages as [Watched, Watched];
  }, E2E_TIMEOUT);

  afterAll(async () => {
    await anna?.close();
    await bruno?.close();
    await browser?.close();
    await server?.stop();
  }, E2E_TIMEOUT);

  test("agents land in the inbox after signing in", async () => {
    expect(new URL(anna.page.url()).pathname).toBe("/inbox");
    await anna.page.goto(`${server.url}/`);
    expect(new URL(anna.page.url()).pathname).toBe("/inbox");
    await gotoLive(anna.page, `${server.url}/inbox?view=unassigned`);
  }, E2E_TIMEOUT);

  test("a customer's message appears live; one agent takes it and replies; ticks move; the other list follows", async () => {
    const marker = await anna.page.evaluate(() => ((window as { __same?: number }).__same = 1));
    await customerWrites("+393401234567", HOSTILE_TEXT, HOSTILE_NAME);

    const annaRow = anna.page.locator('[data-testid="conv-row"]', { hasText: "serve aiuto" });
    const brunoRow = bruno.page.locator('[data-testid="conv-row"]', { hasText: "serve aiuto" });
    await annaRow.waitFor();
    await brunoRow.waitFor();
    await expect(annaRow.locator('[data-testid="conv-name"]').textContent()).resolves.toBe(HOSTILE_NAME);
    await expectInert(anna.page);

    await annaRow.locator("a.conv-link").click();
    await anna.page.locator('[data-testid="conversation"]').waitFor();
    await anna.page.locator('[data-testid="message"]', { hasText: "serve aiuto" }).waitFor();
    await anna.page.click('[data-testid="take"]');
    await anna.page.locator('[data-testid="assignment"]', { hasText: "Assigned to Anna Agente" }).waitFor();
    // Taken: it is no longer waiting for anyone, so it leaves Bruno's "unassigned" list by itself.
    await brunoRow.waitFor({ state: "detached" });

    await anna.page.fill('[data-testid="composer-text"]', "Buongiorno, come posso aiutarla?");
    await anna.page.press('[data-testid="composer-text"]', "Enter");
    const bubble = anna.page.locator('[data-testid="message"][data-dir="out"]', { hasText: "come posso aiutarla" });
    await bubble.waitFor();
    expect(await anna.page.inputValue('[data-testid="composer-text"]')).toBe("");
    await bubble.locator('[data-testid="ticks"][data-status="sent"], [data-testid="ticks"][data-status="delivered"], [data-testid="ticks"][data-status="read"]').waitFor();
    await bubble.locator('[data-testid="ticks"][data-status="delivered"], [data-testid="ticks"][data-status="read"]').waitFor();
    await bubble.locator('[data-testid="ticks"][data-status="read"]').waitFor({ timeout: 15_000 });
    expect(await bubble.count()).toBe(1);
    expect(await anna.page.evaluate(() => (window as { __same?: number }).__same)).toBe(marker);

    // The conversation opened in a full page shows the same, still inert.
    await bruno.page.goto(`${server.url}/inbox?view=team`);
    await bruno.page.locator('[data-testid="conv-row"]', { hasText: "come posso aiutarla" }).locator("a.conv-link").click();
    await bruno.page.locator('[data-testid="message"]', { hasText: "serve aiuto" }).waitFor();
    await expectInert(bruno.page);
    expect(await bruno.page.locator('[data-testid="message"][data-dir="in"] .msg-text').first().textContent()).toContain("<script>window.__pwned=1</script>");
    expect(anna.errors).toEqual([]);
    expect(bruno.errors).toEqual([]);
  }, E2E_TIMEOUT);

  test("with no open 24h window the composer offers templates, and the template is sent", async () => {
    // We write first (the customer never did): there is no window to answer in.
    await api(server.url, token, "POST", "/api/v1/messages", { number_id: numberId, to: "+393409876543", type: "template", template: { name: "hello_world", language: { code: "en_US" } } });
    const convs = (await api(server.url, token, "GET", "/api/v1/conversations")).data as { id: string; contact: { phone: string } }[];
    const id = convs.find((c) => c.contact.phone === "+393409876543")!.id;
    await anna.page.goto(`${server.url}/inbox/${id}`);
    await anna.page.locator('[data-testid="template-picker"]').waitFor();
    expect(await anna.page.locator('[data-testid="composer-text"]').count()).toBe(0);
    await anna.page.selectOption('[data-testid="template-select"]', "ordine_spedito|it");
    await anna.page.fill('[data-testid="tpl-body-1"]', "Giulia");
    await anna.page.fill('[data-testid="tpl-body-2"]', "A-1042");
    await anna.page.click('[data-testid="send-template"]');
    await anna.page.locator('[data-testid="message"][data-type="template"]', { hasText: "ordine_spedito" }).waitFor();
    await anna.page.locator('[data-testid="message"][data-type="template"]', { hasText: "Giulia" }).locator('[data-testid="ticks"]').waitFor();
    // The customer answers: the window opens, and the composer turns into free text by itself.
    await customerWrites("+393409876543", "Grazie, quando arriva?");
    await anna.page.locator('[data-testid="message"][data-dir="in"]', { hasText: "quando arriva" }).waitFor();
    await anna.page.locator('[data-testid="composer-text"]').waitFor();
    expect(await anna.page.locator('[data-testid="template-picker"]').count()).toBe(0);
    expect(anna.errors).toEqual([]);
  }, E2E_TIMEOUT);

  test("opted in, an agent gets a browser notification and an unread count in the tab title", async () => {
    // Record notifications instead of showing them (the page asks; headless Chromium has no notification centre).
    await anna.page.addInitScript(() => {
      const w = window as unknown as { __notes: string[][]; Notification: unknown };
      w.__notes = [];
      w.Notification = class {
        static permission = "granted";
        static requestPermission = () => Promise.resolve("granted");
        constructor(title: string, o?: { body?: string }) {
          w.__notes.push([title, o?.body ?? ""]);
        }
      };
    });
    await gotoLive(anna.page, `${server.url}/inbox?view=mine`);
    await anna.page.click('[data-testid="notify-toggle"]');
    expect(await anna.page.getAttribute('[data-testid="notify-toggle"]', "aria-pressed")).toBe("true");
    const base = await anna.page.getAttribute("#inbox", "data-title");
    const before = Number(await anna.page.getAttribute("#inbox-unread", "data-count"));
    const sent = await customerWrites("+393405550001", "avete il modello blu?", "Marta Blu");
    expect(sent.data.wamid).toBeTruthy();
    const conv = await eventually(async () => ((await api(server.url, token, "GET", "/api/v1/conversations")).data as { id: string; contact: { phone: string } }[]).find((c) => c.contact.phone === "+393405550001"));
    const annaId = (await api(server.url, token, "GET", "/api/v1/users?q=anna")).data[0].id;
    await api(server.url, token, "POST", `/api/v1/conversations/${conv!.id}/assign`, { agent_id: annaId });
    await anna.page.waitForFunction(() => (window as unknown as { __notes: string[][] }).__notes.length > 0);
    expect(await anna.page.evaluate(() => (window as unknown as { __notes: string[][] }).__notes[0])).toEqual(["New conversation assigned to you", "Marta Blu"]);
    await anna.page.waitForFunction((want) => document.title === want, `(${before + 1}) ${base}`);
    await anna.page.locator('[data-testid="conv-row"]', { hasText: "modello blu" }).waitFor();
    expect(anna.errors).toEqual([]);
  }, E2E_TIMEOUT);

  test("transfer with a note from the header: it arrives live in the colleague's list; snooze from the menu", async () => {
    await gotoLive(bruno.page, `${server.url}/inbox?view=mine`);
    await anna.page.goto(`${server.url}/inbox?view=mine&status=all`);
    await anna.page.locator('[data-testid="conv-row"]', { hasText: "modello blu" }).locator("a.conv-link").click();
    await anna.page.locator('[data-testid="conversation"]').waitFor();
    await anna.page.click('[data-testid="transfer-open"]');
    await anna.page.locator('[data-testid="transfer-agent"]').waitFor();
    const brunoId = await anna.page.locator('[data-testid="transfer-agent"] option', { hasText: "Bruno Agente" }).getAttribute("value");
    await anna.page.selectOption('[data-testid="transfer-agent"]', brunoId!);
    await anna.page.fill('[data-testid="transfer-note"]', "Segui tu il modello blu");
    await anna.page.click('[data-testid="transfer-form"] button[type="submit"]');
    await anna.page.locator('[data-testid="assignment"]', { hasText: "Assigned to Bruno Agente" }).waitFor();
    await anna.page.locator('[data-testid="event"][data-kind="transferred"]', { hasText: "Segui tu il modello blu" }).waitFor();
    await bruno.page.locator('[data-testid="conv-row"]', { hasText: "modello blu" }).waitFor();
    await anna.page.click('[data-testid="snooze-open"]');
    await anna.page.click('[data-testid="snooze-1h"]');
    await anna.page.locator('[data-testid="conv-status"]', { hasText: "Snoozed" }).waitFor();
    // Snoozed: it leaves Bruno's list of open conversations by itself.
    await bruno.page.locator('[data-testid="conv-row"]', { hasText: "modello blu" }).waitFor({ state: "detached" });
    expect(anna.errors).toEqual([]);
    expect(bruno.errors).toEqual([]);
  }, E2E_TIMEOUT);

  test("keyboard shortcuts: ? lists them; j opens the next conversation", async () => {
    await anna.page.goto(`${server.url}/inbox?view=all`);
    await anna.page.goto(`${server.url}/inbox?view=mine&status=all`);
    await anna.page.keyboard.press("?");
    await anna.page.locator("#inbox-help[open]").waitFor();
    await anna.page.keyboard.press("Escape");
    await anna.page.locator("#inbox-help[open]").waitFor({ state: "detached" });
    await anna.page.keyboard.press("j");
    await anna.page.locator('[data-testid="conversation"]').waitFor();
    await anna.page.locator(".conv-row.conv-active").waitFor();
    expect(anna.errors).toEqual([]);
  }, E2E_TIMEOUT);
});
