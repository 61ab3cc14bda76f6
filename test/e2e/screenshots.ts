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

// [phone, name, messages the customer writes]
const CUSTOMERS: [string, string, string[]][] = [
  ["+393471234501", "Elena Marchetti", ["Buongiorno! Avete ancora gli occhiali da sole Persol 714 in tartaruga?", "Li vorrei ritirare sabato mattina, se possibile."]],
  ["+393471234502", "Giorgio Lombardi", ["Salve, le mie lenti progressive sono pronte? Ordine 4711"]],
  ["+393471234503", "Martina Greco", ["Vorrei prenotare un controllo della vista per mia figlia 👓"]],
  ["+393471234504", "Paolo De Luca", ["La montatura si è rotta vicino alla cerniera, si può riparare in garanzia?"]],
  ["+393471234505", "Valentina Russo", ["Grazie mille, lenti a contatto arrivate!"]],
];

/** Customers write to the demo number through the simulator; the owner answers one and leaves a note. */
async function seedInbox(server: Server, token: string): Promise<string> {
  const number = (await api(server.url, token, "GET", "/api/v1/numbers")).data[0];
  const teams = (await api(server.url, token, "GET", "/api/v1/teams")).data as { id: string }[];
  await api(server.url, token, "PATCH", `/api/v1/numbers/${number.id}`, { name: "Negozio Milano", team_ids: teams.map((t) => Number(t.id)) });
  for (const [phone, name, texts] of CUSTOMERS)
    for (const body of texts) await api(server.url, token, "POST", `/api/v1/simulator/customers/${encodeURIComponent(phone)}/messages`, { number: number.phone_number_id, type: "text", text: { body }, name });
  let convs: { id: string; contact: { phone: string } }[] = [];
  for (let i = 0; i < 100 && convs.length < CUSTOMERS.length; i++) {
    convs = (await api(server.url, token, "GET", "/api/v1/conversations")).data;
    if (convs.length < CUSTOMERS.length) await Bun.sleep(50);
  }
  const first = convs.find((c) => c.contact.phone === CUSTOMERS[0]![0])!;
  const users = (await api(server.url, token, "GET", "/api/v1/users?q=marco")).data;
  await api(server.url, token, "POST", `/api/v1/conversations/${first.id}/assign`, { agent_id: users[0].id, note: "Cliente abituale: tenere da parte il modello in tartaruga" });
  // Marco answers (a user token acts as him), so the reply is his and the customer no longer waits.
  const marco = await server.cli("token", "create", "--name", "screenshots-marco", "--user", "marco.bianchi@otticaferri.it");
  await api(server.url, marco, "POST", "/api/v1/messages", { number_id: number.id, to: CUSTOMERS[0]![0], type: "text", text: { body: "Buongiorno Elena! Sì, ne abbiamo uno in tartaruga: glielo teniamo da parte fino a sabato." } });
  const other = convs.find((c) => c.contact.phone === CUSTOMERS[1]![0])!;
  await api(server.url, token, "POST", `/api/v1/conversations/${other.id}/assign`, { agent_id: (await api(server.url, token, "GET", "/api/v1/users?q=francesca")).data[0].id });
  await Bun.sleep(1500); // the simulated phone reads the reply: the ticks turn blue
  return first.id;
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
  const token = await server.cli("token", "create", "--name", "screenshots-inbox", "--role", "admin");
  const conversation = await seedInbox(server, token);
  const errors = await shoot(browser, `${server.url}/login`, "login.png");
  // Sign in once through the form, then reuse the cookies for every other shot.
  const login = await openPage(browser);
  await signIn(login.page, server.url, OWNER.email, OWNER.password);
  const storageState = await login.page.context().storageState();
  await login.close();
  const shots: [string, string, BrowserContextOptions?][] = [
    ["/", "home.png"],
    ["/inbox?view=all", "inbox.png", { viewport: { width: 1440, height: 860 } }],
    [`/inbox/${conversation}?view=all`, "conversation.png", { viewport: { width: 1440, height: 860 } }],
    [`/inbox/${conversation}?view=all`, "conversation-dark.png", { viewport: { width: 1440, height: 860 }, colorScheme: "dark" }],
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
