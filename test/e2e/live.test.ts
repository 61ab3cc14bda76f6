// Browser e2e of what only a real browser can show: the alerts bell updated over SSE without a reload, and
// hostile user names staying inert text on full pages and htmx fragments (R6).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { seeText } from "./flows";
import { ADMIN, CHROMIUM, E2E_TIMEOUT, api, launchBrowser, openPage, signIn, startServer, type Server } from "./support";

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;

/** Fails `count` sign-ins for `email` the way a script would: plain HTTP with the login form's CSRF pair. */
async function failLogins(base: string, email: string, count: number): Promise<void> {
  const form = await fetch(`${base}/login`);
  const cookie = form.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error("no _csrf field on /login");
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${base}/login`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf, email, password: `wrong-password-${i}` }),
      redirect: "manual",
    });
    if (res.status !== 401) throw new Error(`failed login ${i + 1} answered ${res.status}, expected 401`);
  }
}

/** The number on the bell's badge (no badge means 0). */
const bellCount = (page: Page) => page.evaluate(() => Number(document.querySelector('[data-testid="alerts-count"]')?.textContent?.trim() ?? 0));

/** Asserts the hostile name is on the page as visible text and nothing of it ran or became markup. */
async function expectInert(page: Page): Promise<void> {
  await page.getByText(HOSTILE).first().waitFor();
  const dom = await page.evaluate(() => ({
    pwned: (window as { __pwned?: unknown }).__pwned,
    imgs: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter((s) => s.textContent?.includes("__pwned")).length,
  }));
  expect(dom).toEqual({ pwned: undefined, imgs: 0, scripts: 0 });
}

describe.skipIf(!CHROMIUM)("live updates and hostile content", () => {
  let server: Server;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    // The CLI on the same DATA_DIR, as an operator would do it; it prints only the token.
    token = await server.cli("token", "create", "--name", "e2e", "--role", "admin");
  }, E2E_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, E2E_TIMEOUT);

  test("an alert raised elsewhere reaches the open page's bell over SSE, without a reload", async () => {
    const victim = { email: "marco.bianchi@example.it", name: "Marco Bianchi", password: "agente-segreto-1", role: "agent" };
    await api(server.url, token, "POST", "/api/v1/users", victim);

    const { page, errors, close } = await openPage(browser);
    // The stream must be open before the alert fires, or the page would rightly have nothing to receive.
    const streamOpen = page.waitForResponse((r) => new URL(r.url()).pathname === "/events");
    await signIn(page, server.url, ADMIN.email, ADMIN.password);
    await streamOpen;
    const before = await bellCount(page);
    // A marker on window survives only if the document is never reloaded; the history length shows no push.
    const historyBefore = await page.evaluate(() => ((window as { __samePage?: boolean }).__samePage = true, history.length));

    await failLogins(server.url, victim.email, 5); // the 5th failure locks the account and posts an alert

    await page.waitForFunction((n) => document.querySelector('[data-testid="alerts-count"]')?.textContent?.trim() === String(n), before + 1, { timeout: 15_000 });
    expect(await page.evaluate(() => [(window as { __samePage?: boolean }).__samePage, history.length])).toEqual([true, historyBefore]);
    // The swapped-in bell is a working menu that lists the new alert.
    await page.click('[data-testid="alerts-bell"]');
    await seeText(page, "#alerts .alert-list", `Sign-in locked for ${victim.email}`);
    expect(errors).toEqual([]);
    await close();
  }, E2E_TIMEOUT);

  test("a hostile user name stays inert text on the list, the search fragment and the user page", async () => {
    const created = await api(server.url, token, "POST", "/api/v1/users", { email: "ostile@example.it", name: HOSTILE, password: "nome-cattivo-123", role: "agent" });
    const { page, errors, close } = await openPage(browser);
    await signIn(page, server.url, ADMIN.email, ADMIN.password);

    await page.goto(`${server.url}/users`);
    await expectInert(page);

    // The search swaps in rows rendered as a fragment by htmx: a second escaping path.
    const fragment = page.waitForResponse((r) => r.url().includes("/users?q=ostile") && r.request().headers()["hx-request"] !== undefined);
    await page.fill('input[type="search"][name="q"]', "ostile");
    await fragment;
    await page.waitForFunction(() => document.querySelectorAll("#users-rows tr").length === 1);
    await expectInert(page);

    await page.goto(`${server.url}/users/${created.data.id}`);
    await expectInert(page);
    // The edit form holds the exact name, so saving it back would not mangle it.
    expect(await page.inputValue('input[name="name"]')).toBe(HOSTILE);
    expect(errors).toEqual([]);
    await close();
  }, E2E_TIMEOUT);
});
