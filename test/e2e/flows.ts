// The sign-in journey of the "Done when", shared by the source-tree run (login.test.ts) and the
// compiled-binary run (binary.test.ts) so both are held to the same checks.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { ADMIN, CHROMIUM, E2E_TIMEOUT, launchBrowser, openPage, signIn, type Server } from "./support";

export interface FlowContext {
  server: () => Server;
  browser: () => Browser;
}

/** Waits until `selector` shows `text` (Playwright auto-waits; no sleeps). */
export async function seeText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor();
}

// Chromium logs the 401 of a wrong-password page as a console error; that one is expected.
const WRONG_PASSWORD_STATUS = /status of 401/;

export function describeLoginFlow(label: string, start: () => Promise<Server>, extra?: (ctx: FlowContext) => void): void {
  describe.skipIf(!CHROMIUM)(label, () => {
    let server: Server;
    let browser: Browser;

    beforeAll(async () => {
      [server, browser] = await Promise.all([start(), launchBrowser()]);
    }, E2E_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    }, E2E_TIMEOUT);

    test("signs in and lands on the home page", async () => {
      const { page, errors, close } = await openPage(browser);
      await signIn(page, server.url, ADMIN.email, ADMIN.password);
      expect(new URL(page.url()).pathname).toBe("/");
      await seeText(page, "main h2", "Welcome, Admin");
      expect(errors).toEqual([]);
      await close();
    }, E2E_TIMEOUT);

    test("a wrong password shows the generic message", async () => {
      const { page, errors, close } = await openPage(browser, { allow: [WRONG_PASSWORD_STATUS] });
      await page.goto(`${server.url}/login`);
      await page.fill('input[name="email"]', ADMIN.email);
      await page.fill('input[name="password"]', "not-the-password");
      await page.click('form[action="/login"] button[type="submit"]');
      await seeText(page, '[data-testid="login-error"]', "Wrong email or password.");
      expect(new URL(page.url()).pathname).toBe("/login");
      // The form keeps the typed email, never the password.
      expect(await page.inputValue('input[name="email"]')).toBe(ADMIN.email);
      expect(await page.inputValue('input[name="password"]')).toBe("");
      expect(errors).toEqual([]);
      await close();
    }, E2E_TIMEOUT);

    test("the login page switches to Italian and back", async () => {
      const { page, errors, close } = await openPage(browser, { allow: [WRONG_PASSWORD_STATUS] });
      await page.goto(`${server.url}/login`);
      await page.click('.lang-switch a[hreflang="it"]');
      await seeText(page, "h1", "Accedi");
      expect(await page.getAttribute("html", "lang")).toBe("it");
      // An unknown email gets the same message as a wrong password (nothing is revealed), in Italian.
      await page.fill('input[name="email"]', "nessuno@example.it");
      await page.fill('input[name="password"]', "sbagliata-davvero");
      await page.click('form[action="/login"] button[type="submit"]');
      await seeText(page, '[data-testid="login-error"]', "Email o password errate.");
      await page.click('.lang-switch a[hreflang="en"]');
      await seeText(page, "h1", "Sign in");
      expect(errors).toEqual([]);
      await close();
    }, E2E_TIMEOUT);

    test("signs out from the user menu", async () => {
      const { page, errors, close } = await openPage(browser);
      await signIn(page, server.url, ADMIN.email, ADMIN.password);
      await page.click("details.user-menu > summary");
      await Promise.all([page.waitForURL((u) => u.pathname === "/login"), page.click('[data-testid="logout"]')]);
      await seeText(page, "#flash", "You have signed out.");
      // The session is really gone: the home page sends us back to the login form.
      await page.goto(`${server.url}/`);
      expect(new URL(page.url()).pathname).toBe("/login");
      expect(errors).toEqual([]);
      await close();
    }, E2E_TIMEOUT);

    extra?.({ server: () => server, browser: () => browser });
  });
}
