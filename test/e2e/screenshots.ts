// README screenshots: `bun test/e2e/screenshots.ts` rewrites docs/screenshots/*.png from a fresh server seeded
// with a small Italian business. A script, not a test, so `npm test` never touches tracked images.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContextOptions } from "playwright-core";
import { CHROMIUM, ROOT, SOURCE_COMMAND, api, launchBrowser, openPage, runCli, signIn, startServer, type Server } from "./support";

const OUT = join(ROOT, "docs/screenshots");
const OWNER = { email: "roberta.gallo@otticaferri.it", password: "occhiali-da-sole-24", name: "Roberta Gallo" };
const TEAMS = [
  { name: "Vendite", description: "Preventivi, ordini e appuntamenti in negozio" },
  { name: "Assistenza clienti", description: "Riparazioni, garanzie e lenti a contatto" },
  { name: "Prenotazioni", description: "Visite optometriche e controlli della vista" },
];
// [name, email, role, team names, disabled?]
const PEOPLE: [string, string, string, string[], boolean?][] = [
  ["Sara Conti", "sara.conti", "admin", []],
  ["Giulia Romano", "giulia.romano", "supervisor", ["Assistenza clienti", "Prenotazioni"]],
  ["Marco Bianchi", "marco.bianchi", "agent", ["Vendite"]],
  ["Francesca Esposito", "francesca.esposito", "agent", ["Assistenza clienti"]],
  ["Luca Ferrari", "luca.ferrari", "agent", ["Vendite", "Prenotazioni"]],
  ["Chiara Colombo", "chiara.colombo", "marketer", []],
  ["Alessandro Ricci", "alessandro.ricci", "analyst", []],
  ["Davide Moretti", "davide.moretti", "agent", ["Vendite"], true],
];

async function seed(server: Server): Promise<void> {
  const token = await server.cli("token", "create", "--name", "screenshots", "--role", "admin");
  await api(server.url, token, "PATCH", "/api/v1/settings", { workspace_name: "Ottica Ferri" });
  const teamIds = new Map<string, string>();
  for (const t of TEAMS) teamIds.set(t.name, (await api(server.url, token, "POST", "/api/v1/teams", t)).data.id);
  for (const [name, local, role, teams, disabled] of PEOPLE) {
    const body = { name, email: `${local}@otticaferri.it`, role, password: "Benvenuti-in-negozio-1", team_ids: teams.map((t) => teamIds.get(t)!) };
    const user = (await api(server.url, token, "POST", "/api/v1/users", body)).data;
    if (disabled) await api(server.url, token, "PATCH", `/api/v1/users/${user.id}`, { status: "disabled" });
  }
}

async function shoot(browser: Browser, url: string, file: string, opts: BrowserContextOptions = {}): Promise<string[]> {
  const { page, errors, close } = await openPage(browser, opts);
  await page.goto(url);
  await page.screenshot({ path: join(OUT, file) });
  await close();
  return errors.map((e) => `${file}: ${e}`);
}

if (!CHROMIUM) {
  console.error("screenshots: no Chromium found (install Debian's chromium or set CHROMIUM_PATH)");
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
// The owner is made by the CLI before the first start, so it has a real name instead of ADMIN_EMAIL's "Admin".
const dataDir = mkdtempSync(join(tmpdir(), "centralino-shots-"));
await runCli(SOURCE_COMMAND, dataDir, ["admin", "create", "--email", OWNER.email, "--password", OWNER.password, "--name", OWNER.name]);
const [server, browser] = await Promise.all([startServer({ dataDir, admin: false, cleanup: [dataDir] }), launchBrowser()]);
try {
  await seed(server);
  const errors = await shoot(browser, `${server.url}/login`, "login.png");
  // Sign in once through the form, then reuse the cookies for every other shot.
  const login = await openPage(browser);
  await signIn(login.page, server.url, OWNER.email, OWNER.password);
  const storageState = await login.page.context().storageState();
  await login.close();
  const shots: [string, string, BrowserContextOptions?][] = [
    ["/", "home.png"],
    ["/users", "users.png"],
    ["/roles/new?from=supervisor", "roles.png"],
    ["/profile", "profile.png"],
    ["/users", "users-dark.png", { colorScheme: "dark" }],
    ["/", "mobile.png", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
  ];
  for (const [path, file, opts] of shots) errors.push(...(await shoot(browser, server.url + path, file, { storageState, ...opts })));
  if (errors.length) throw new Error(`JS errors while shooting:\n${errors.join("\n")}`);
  console.log(`wrote ${shots.length + 1} screenshots to ${OUT}`);
} finally {
  await browser.close();
  await server.stop();
}
