// Browser e2e against the server run from source: sign in, wrong password, Italian login page, sign out,
// and an owner switching their own UI to Italian from the profile.
import { expect, test } from "bun:test";
import { describeLoginFlow, seeText } from "./flows";
import { E2E_TIMEOUT, openPage, signIn, startServer } from "./support";

describeLoginFlow("login (server from source)", () => startServer(), ({ server, browser }) => {
  test("an owner who picks Italiano in the profile gets an Italian UI", async () => {
    // A second owner, made by the CLI on the same DATA_DIR, so the first one's language stays English.
    const owner = { email: "lucia.marino@example.it", password: "profilo-italiano-1" };
    await server().cli("admin", "create", "--email", owner.email, "--password", owner.password, "--name", "Lucia Marino");
    const { page, errors, close } = await openPage(browser());
    await signIn(page, server().url, owner.email, owner.password);
    await seeText(page, "main h2", "Welcome, Lucia Marino");

    await page.goto(`${server().url}/profile`);
    await page.selectOption('[data-testid="language"]', "it");
    await Promise.all([page.waitForURL((u) => u.pathname === "/profile"), page.click('[data-testid="save-preferences"]')]);
    await seeText(page, "#flash", "Preferenze salvate.");
    await seeText(page, ".topbar-title", "Profilo");
    expect(await page.getAttribute("html", "lang")).toBe("it");

    await page.goto(`${server().url}/`);
    await seeText(page, "main h2", "Benvenuto, Lucia Marino");
    await seeText(page, ".sidebar nav", "Utenti");
    expect(errors).toEqual([]);
    await close();
  }, E2E_TIMEOUT);
});
