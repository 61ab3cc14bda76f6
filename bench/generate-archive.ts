// Builds a realistic Centralino archive straight into a SQLite file with the app's own schema: the fixture of the
// inbox and search benchmarks (PRODUCT.md P4, P5, P8 "at 10M messages"). The migrations are applied through
// src/platform/migrate.ts on a database opened by src/platform/db.ts, so the file is exactly what the server
// expects; then the rows are bulk-inserted with prepared statements in big transactions.
//
// What it holds (defaults): 10M messages, 1M contacts, 20 numbers, 10 teams serving 2 numbers each, 200 agents
// (20 per team, a tenth of them in a second team), 2 supervisors and an admin; conversations spread over 5 years
// with growth (recent years busier) and business hours, interleaved in time as they happen (ids follow time, a
// conversation's messages are not contiguous on disk), Italian/English text from bench/support/archive-text.ts
// with order numbers, tracking codes and rare words at known rates; in/out messages with statuses, images with
// media rows, reactions, campaign templates, notes, conversation events (assigned / queued / transferred /
// resolved), contact tags, 24-hour windows. The last ~36 hours hold the open conversations (assigned, queued,
// snoozed); everything older is resolved.
//
// Speed: the bulk tables' indexes and triggers are dropped during the load and recreated from the migrations'
// own SQL (read back from sqlite_master) at the end; the FTS5 tables are then filled with one INSERT … SELECT
// each, exactly as migration 0006 does for existing rows (`--fts triggers` keeps the FTS triggers during the load
// instead, for comparison). The load runs with journal_mode=OFF and synchronous=OFF into FILE.partial, which is
// renamed to FILE (journal_mode=WAL, as the app runs it) only when complete; `PRAGMA optimize` runs at the end
// as the server's nightly maintenance would (`--no-analyze` skips it).
//
// The file is reused: when FILE and its manifest (DIR/archive.json) exist with the same parameters, nothing is
// rebuilt (`--force` rebuilds). The server reads DATA_DIR/centralino.db, so FILE must be named centralino.db; its
// directory is the DATA_DIR (secrets.json, with the key that seals the numbers' access tokens, is written there).
//
//   bun run bench/generate-archive.ts [--messages 10000000] [--contacts 1000000] [--out FILE] [--force]
//                                     [--seed 1] [--fts bulk|triggers] [--no-analyze]
//   npm run bench -- generate-archive --messages 1000000 --contacts 100000
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { openDb } from "../src/platform/db";
import { migrate } from "../src/platform/migrate";
import { createSealer } from "../src/platform/crypto";
import { randomToken } from "../src/platform/ids";
import { PRESET_ROLES } from "../src/auth/permissions";
import { upsertPresetRole } from "../src/roles/store";
import { fmt, machine } from "./support/common";
import { BENCH_TOKEN } from "./support/fake-graph";
import { FIRST, LAST, NOTE_TEXT, RARE, SEARCH_CASES, TEMPLATE_TEXT, agentText, customerText, rng } from "./support/archive-text";
import { ARCHIVE_PASSWORD, archiveDefaultPath, type ArchiveManifest } from "./support/archive-manifest";

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", default: "10000000" },
    contacts: { type: "string", default: "1000000" },
    numbers: { type: "string", default: "20" },
    teams: { type: "string", default: "10" },
    agents: { type: "string", default: "200" },
    years: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
    fts: { type: "string", default: "bulk" },
    force: { type: "boolean", default: false },
    "no-analyze": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("usage: bun run bench/generate-archive.ts [--messages 10000000] [--contacts 1000000] [--numbers 20] [--teams 10] [--agents 200] [--years 5] [--out DIR/centralino.db] [--force] [--seed 1] [--fts bulk|triggers] [--no-analyze]");
  process.exit(0);
}

const M = Number(args.messages);
const C = Number(args.contacts);
const NUMBERS = Number(args.numbers);
const TEAMS = Number(args.teams);
const AGENTS = Number(args.agents);
const YEARS = Number(args.years);
const SEED = Number(args.seed);
const FTS_MODE = args.fts === "triggers" ? "triggers" : "bulk";
if (NUMBERS !== TEAMS * 2) throw new Error("each team serves 2 numbers: --numbers must be 2 × --teams");
const OUT = args.out ?? archiveDefaultPath(M, C);
if (basename(OUT) !== "centralino.db") throw new Error(`--out must be a file named centralino.db (the server reads DATA_DIR/centralino.db); got ${OUT}`);
const DIR = dirname(OUT);
const MANIFEST = join(DIR, "archive.json");
const params = { messages: M, contacts: C, numbers: NUMBERS, teams: TEAMS, agents: AGENTS, years: YEARS, seed: SEED };

if (!args.force && existsSync(OUT) && existsSync(MANIFEST)) {
  const m = JSON.parse(readFileSync(MANIFEST, "utf8")) as ArchiveManifest;
  if (JSON.stringify(m.params) === JSON.stringify(params)) {
    console.log(`archive present, not rebuilt (--force rebuilds): ${OUT}, ${fmt(statSync(OUT).size / 2 ** 30, 2)} GiB, built ${m.built_at} in ${fmt(m.build.total_s, 1)} s`);
    process.exit(0);
  }
  console.log(`archive at ${OUT} was built with other parameters (${JSON.stringify(m.params)}); rebuilding`);
}

const log = (s: string) => process.stderr.write(`[archive ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const T0 = Date.now();
const ms = Math.round;
const DAY = 86_400_000;
const SPAN = YEARS * 365 * DAY;
const OPEN_MS = 36 * 3_600_000;
const r = rng(SEED);

// ---- the file ----
mkdirSync(DIR, { recursive: true });
const PARTIAL = `${OUT}.partial`;
for (const f of [PARTIAL, `${PARTIAL}-wal`, `${PARTIAL}-shm`, `${PARTIAL}-journal`]) rmSync(f, { force: true });
const secretsFile = join(DIR, "secrets.json");
const secrets = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, "utf8")) as { secret_key: string; wa_verify_token: string }) : { secret_key: randomToken(32), wa_verify_token: randomToken(18) };
writeFileSync(secretsFile, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
const sealer = createSealer(secrets.secret_key);

const free = Bun.spawnSync(["df", "-k", "--output=avail", DIR]).stdout.toString().trim().split("\n").at(-1);
log(`building ${fmt(M)} messages / ${fmt(C)} contacts into ${PARTIAL} (free on that disk: ${fmt(Number(free) / 2 ** 20, 1)} GiB; load average ${loadavg()[0]!.toFixed(2)})`);

const tStart = performance.now();
const phases: Record<string, number> = {};
let tPhase = performance.now();
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = (now - tPhase) / 1000;
  tPhase = now;
  log(`${name}: ${fmt(phases[name]!, 1)} s`);
};

const app = openDb(PARTIAL);
migrate(app, T0);
app.close();
phase("migrations");

const db = new Database(PARTIAL, { strict: false });
db.run("PRAGMA journal_mode = OFF");
db.run("PRAGMA synchronous = OFF");
db.run("PRAGMA locking_mode = EXCLUSIVE");
db.run("PRAGMA foreign_keys = OFF");
db.run("PRAGMA cache_size = -1048576");
db.run("PRAGMA temp_store = FILE");

// ---- small tables: roles, numbers, teams, users ----
db.run("BEGIN");
const roleDb = { raw: db, path: PARTIAL, query: (sql: string) => db.query(sql), tx: <T>(fn: () => T) => fn(), txRelaxed: <T>(fn: () => T) => fn(), close: () => {} };
for (const role of PRESET_ROLES) upsertPresetRole(roleDb as never, { key: role.key, name: role.name, description: role.description, permissions: JSON.stringify(role.permissions) }, T0);
const roleId = (key: string) => (db.query("SELECT id FROM roles WHERE key = ?").get(key) as { id: number }).id;

const CITIES = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Verona", "Genova", "Bari", "Palermo"];
const teams: ArchiveManifest["teams"] = [];
const insTeam = db.query("INSERT INTO teams (id, name, description, created_at, updated_at, routing_strategy) VALUES (?, ?, ?, ?, ?, 'least_load')");
for (let t = 1; t <= TEAMS; t++) {
  const name = `Negozi ${CITIES[(t - 1) % CITIES.length]}${t > CITIES.length ? ` ${Math.ceil(t / CITIES.length)}` : ""}`;
  insTeam.run(t, name, `Team ${t}`, T0 - SPAN, T0 - SPAN);
  teams.push({ id: t, name, numbers: [2 * t - 1, 2 * t], agents: [] });
}
const teamOfNumber = (n: number) => Math.ceil(n / 2);
const numbers: ArchiveManifest["numbers"] = [];
const insNumber = db.query(
  `INSERT INTO numbers (id, phone_number_id, waba_id, display_phone_number, name, portfolio, access_token, simulated, status, send_rate_per_min, default_language,
     verified_name, quality_rating, messaging_limit_tier, throughput_level, name_status, code_verification_status, created_at, updated_at, routing_strategy, routing_team_id)
   VALUES (?, ?, ?, ?, ?, 'bench', ?, 0, 'connected', 600, 'it', 'Bottega Bench', 'GREEN', 'TIER_10K', 'STANDARD', 'APPROVED', 'VERIFIED', ?, ?, 'least_load', ?)`,
);
const insTeamNumber = db.query("INSERT INTO team_numbers (team_id, number_id) VALUES (?, ?)");
for (let n = 1; n <= NUMBERS; n++) {
  const phoneId = String(106540352200000 + n);
  const waba = String(102290129300000 + Math.ceil(n / 5));
  const display = `+3902${String(40000000 + n).padStart(8, "0")}`;
  const t = teamOfNumber(n);
  insNumber.run(n, phoneId, waba, display, `${teams[t - 1]!.name} ${n % 2 ? "vendite" : "assistenza"}`, sealer.seal(BENCH_TOKEN), T0 - SPAN, T0 - SPAN, t);
  insTeamNumber.run(t, n);
  numbers.push({ id: n, phone_number_id: phoneId, waba_id: waba, display_phone_number: display, team_id: t });
}

const hash = await Bun.password.hash(ARCHIVE_PASSWORD, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
const insUser = db.query(
  `INSERT INTO users (id, email, name, password_hash, role_id, status, capacity, password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'active', NULL, ?, ?, ?)`,
);
const insMember = db.query("INSERT INTO team_members (team_id, user_id, added_at) VALUES (?, ?, ?)");
let uid = 0;
const admin = { id: ++uid, email: "admin@bench.local" };
insUser.run(admin.id, admin.email, "Bench Admin", hash, roleId("admin"), T0 - SPAN, T0 - SPAN, T0 - SPAN);
const supervisors: { id: number; email: string }[] = [];
for (let s = 1; s <= 2; s++) {
  const u = { id: ++uid, email: `supervisor${s}@bench.local` };
  insUser.run(u.id, u.email, `Supervisor ${s}`, hash, roleId("supervisor"), T0 - SPAN, T0 - SPAN, T0 - SPAN);
  supervisors.push(u);
}
const agents: ArchiveManifest["agents"] = [];
const agentsOfTeam: number[][] = Array.from({ length: TEAMS + 1 }, () => []);
const agentName = new Map<number, string>();
for (let a = 1; a <= AGENTS; a++) {
  const id = ++uid;
  const email = `agent${String(a).padStart(3, "0")}@bench.local`;
  const name = `${FIRST[a % FIRST.length]} ${LAST[(a * 7) % LAST.length]} ${a}`;
  insUser.run(id, email, name, hash, roleId("agent"), T0 - SPAN, T0 - SPAN, T0 - SPAN);
  const main = ((a - 1) % TEAMS) + 1;
  const teamIds = [main];
  // A tenth of the agents also help a second team.
  if (a % 10 === 0) teamIds.push((main % TEAMS) + 1);
  for (const t of teamIds) {
    insMember.run(t, id, T0 - SPAN);
    agentsOfTeam[t]!.push(id);
    teams[t - 1]!.agents.push(id);
  }
  agentName.set(id, name);
  agents.push({ id, email, teams: teamIds });
}
db.run("COMMIT");
phase("numbers, teams, users");

// ---- drop the bulk tables' indexes and triggers (recreated from the same SQL at the end) ----
const BULK = ["contacts", "contact_tags", "contact_windows", "conversations", "messages", "conversation_events", "notes", "media"];
const schemaObjects = db
  .query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))")
  .all(JSON.stringify(BULK)) as { type: string; name: string; tbl_name: string; sql: string }[];
const keptTriggers = FTS_MODE === "triggers" ? schemaObjects.filter((o) => o.type === "trigger" && o.name.endsWith("_ai")) : [];
const dropped = schemaObjects.filter((o) => !keptTriggers.includes(o));
for (const o of dropped) db.run(`DROP ${o.type.toUpperCase()} ${o.name}`);
log(`dropped ${dropped.filter((o) => o.type === "index").length} indexes and ${dropped.filter((o) => o.type === "trigger").length} triggers for the load${keptTriggers.length ? `; kept ${keptTriggers.map((t) => t.name).join(", ")}` : ""}`);

// ---- plan the conversations ----
// Lengths: a mixture of short, medium, long and very long conversations (mean ≈ 15 messages), until M messages.
const lens: number[] = [];
for (let total = 0; total < M; ) {
  const x = r();
  let n = x < 0.3 ? 1 + Math.floor(r() * 4) : x < 0.8 ? 5 + Math.floor(r() * 11) : x < 0.95 ? 16 + Math.floor(r() * 35) : 51 + Math.floor(r() * 100);
  n = Math.min(n, M - total);
  lens.push(n);
  total += n;
}
const K = lens.length;
// Start times over the span: density grows linearly to 3× (the business grew), fewer at night.
const starts = new Float64Array(K);
for (let i = 0; i < K; ) {
  const u = r();
  const x = (-1 + Math.sqrt(1 + 8 * u)) / 2; // inverse CDF of density ∝ 1 + 2x on [0, 1]: (x + x²) / 2 = u
  const t = T0 - SPAN + x * (SPAN - 2 * 3_600_000);
  const hour = new Date(t).getUTCHours() + 1; // Italy, roughly
  if ((hour < 8 || hour > 21) && r() < 0.85) continue;
  starts[i++] = t;
}
starts.sort();
// Number: busier numbers first (Zipf-like); contact: 70% a new customer, else a returning one.
const numWeights = Array.from({ length: NUMBERS }, (_, i) => 1 / Math.pow(i + 1, 0.6));
const numTotal = numWeights.reduce((a, b) => a + b, 0);
const numberOf = new Uint8Array(K);
const contactOf = new Int32Array(K);
let nextContact = 1;
for (let i = 0; i < K; i++) {
  let x = r() * numTotal;
  let n = 0;
  while (x > numWeights[n]! && n < NUMBERS - 1) x -= numWeights[n++]!;
  numberOf[i] = n + 1;
  contactOf[i] = nextContact <= C && (nextContact === 1 || r() < 0.7) ? nextContact++ : 1 + Math.floor(r() * (nextContact - 1));
}
const CHATTED = nextContact - 1;

/** Message times of conversation i (deterministic: planned, then regenerated while streaming). */
function timesOf(i: number): Float64Array {
  const cr = rng(SEED * 1_000_003 + i);
  const n = lens[i]!;
  const t = new Float64Array(n);
  let at = starts[i]!;
  for (let j = 0; j < n; j++) {
    t[j] = Math.round(at);
    const x = cr();
    // Mostly a quick back and forth; sometimes the customer comes back hours or a day later.
    at += x < 0.7 ? 5_000 + cr() * 240_000 : x < 0.95 ? 300_000 + cr() * 3_300_000 : 3_600_000 + cr() * 30 * 3_600_000;
  }
  // Nothing after now: a conversation that would run past it is compressed to end somewhere between its start
  // and now (not all at now, which would pile the newest conversations onto one instant).
  const now = T0 - 60_000;
  const last = t[n - 1]!;
  if (last > now && n > 1) {
    const start = t[0]!;
    const end = start + Math.max(0, now - start) * (0.2 + 0.8 * cr());
    const f = (end - start) / (last - start);
    for (let j = 1; j < n; j++) t[j] = Math.round(start + (t[j]! - start) * f);
  }
  return t;
}

// Status: open only for the latest conversation of a (number, contact) that was active in the last 36 hours.
const STATUS_RESOLVED = 0, STATUS_OPEN = 1, STATUS_SNOOZED = 2;
const statusOf = new Uint8Array(K);
const openPairs = new Set<number>();
let openCount = 0;
for (let i = K - 1; i >= 0; i--) {
  if (starts[i]! < T0 - 30 * DAY) break;
  const ts = timesOf(i);
  if (ts[ts.length - 1]! < T0 - OPEN_MS) continue;
  const pair = numberOf[i]! * (C + 1) + contactOf[i]!;
  if (openPairs.has(pair)) continue;
  openPairs.add(pair);
  const x = r();
  statusOf[i] = x < 0.85 ? STATUS_OPEN : x < 0.9 ? STATUS_SNOOZED : STATUS_RESOLVED;
  if (statusOf[i] !== STATUS_RESOLVED) openCount++;
}
phase(`plan (${fmt(K)} conversations, ${fmt(CHATTED)} customers who wrote, ${fmt(openCount)} not resolved)`);

// ---- stream: conversations open as they start, their messages interleave in time ----
const insConv = db.query(
  `INSERT INTO conversations (id, number_id, contact_id, status, assignee_id, team_id, unread, last_message_at, last_inbound_at, snoozed_until, resolved_at, created_at,
     waiting_since, assigned_at, first_reply_at, last_reply_at, unanswered_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insMsg = db.query(
  `INSERT INTO messages (id, conversation_id, number_id, contact_id, wamid, direction, type, text, payload, context_wamid, author_kind, author_id, opaque, status,
     error_code, error_title, created_at, received_at, sent_at, delivered_at, read_at, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insEvent = db.query("INSERT INTO conversation_events (conversation_id, at, kind, actor_kind, actor_id, actor_label, detail) VALUES (?, ?, ?, ?, ?, ?, ?)");
const insNote = db.query("INSERT INTO notes (contact_id, conversation_id, author_id, author_label, text, created_at) VALUES (?, ?, ?, ?, ?, ?)");
const insMedia = db.query(
  "INSERT INTO media (message_id, number_id, direction, wa_media_id, mime_type, sha256, size, filename, path, status, attempts, created_at, ready_at) VALUES (?, ?, ?, ?, 'image/jpeg', ?, ?, NULL, ?, 'ready', 1, ?, ?)",
);

const lastInbound = new Float64Array(C + 1);
const firstSeen = new Float64Array(C + 1);
const windows = new Map<number, number>();
/** Long conversations per team, for the conversation-view bench: [id, messages, status]. */
const samples = new Map<number, { id: number; messages: number; status: string }[]>();
const counts = { messages: 0, in: 0, out: 0, images: 0, reactions: 0, templates: 0, events: 0, notes: 0 };

interface Live {
  i: number;
  j: number;
  times: Float64Array;
  dirs: Uint8Array; // 0 in, 1 out
  english: boolean;
  assignee: number | null;
  cr: () => number;
  lastOutWamid: string | null;
  lastInWamid: string | null;
  campaign: boolean;
  bot: boolean;
}

// A binary min-heap of live conversations keyed by their next message's time.
const heap: Live[] = [];
const keyOf = (l: Live) => l.times[l.j]!;
function push(l: Live) {
  heap.push(l);
  for (let k = heap.length - 1; k > 0; ) {
    const p = (k - 1) >> 1;
    if (keyOf(heap[p]!) <= keyOf(heap[k]!)) break;
    [heap[p], heap[k]] = [heap[k]!, heap[p]!];
    k = p;
  }
}
function pop(): Live {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length) {
    heap[0] = last;
    for (let k = 0; ; ) {
      const a = 2 * k + 1, b = a + 1;
      let m = k;
      if (a < heap.length && keyOf(heap[a]!) < keyOf(heap[m]!)) m = a;
      if (b < heap.length && keyOf(heap[b]!) < keyOf(heap[m]!)) m = b;
      if (m === k) break;
      [heap[m], heap[k]] = [heap[k]!, heap[m]!];
      k = m;
    }
  }
  return top;
}

const phoneDigits = (c: number) => {
  const k = c % 20;
  return k < 16 ? `393${100000000 + c}` : k < 18 ? `447${100000000 + c}` : k < 19 ? `4915${100000000 + c}` : `346${10000000 + (c % 90000000)}`;
};
const englishContact = (c: number) => c % 20 >= 16;

let convSeq = 0;
function openConversation(i: number) {
  const id = i + 1;
  const cr = rng(SEED * 7_919 + i * 31 + 17);
  const n = lens[i]!;
  const times = timesOf(i);
  const numberId = numberOf[i]!;
  const contactId = contactOf[i]!;
  const team = teamOfNumber(numberId);
  const english = englishContact(contactId) || cr() < 0.05;
  const campaign = cr() < 0.03;
  const bot = !campaign && cr() < 0.1;
  // Directions: the customer writes first (a campaign writes first), then turns of 1-3 messages each way.
  const dirs = new Uint8Array(n);
  let d = campaign ? 1 : 0;
  for (let j = 0; j < n; ) {
    const run = j === 0 ? 1 : 1 + Math.floor(cr() * (cr() < 0.6 ? 2 : 3));
    for (let k = 0; k < run && j < n; k++) dirs[j++] = d;
    d ^= 1;
  }
  if (bot && n > 1) dirs[1] = 1;
  const status = statusOf[i]!;
  const pool = agentsOfTeam[team]!;
  // Open ones: a fifth wait in the queue; everything else had an agent.
  const queued = status === STATUS_OPEN && cr() < 0.2;
  const assignee = queued ? null : pool[Math.floor(cr() * pool.length)]!;
  const start = times[0]!;
  const end = times[n - 1]!;
  let lastIn: number | null = null;
  let firstReply: number | null = null;
  let lastReply: number | null = null;
  let unread = 0;
  for (let j = 0; j < n; j++) {
    if (dirs[j] === 0) {
      lastIn = times[j]!;
      unread++;
    } else if (assignee !== null && !(bot && j === 1) && !(campaign && j === 0)) {
      firstReply ??= times[j]!;
      lastReply = times[j]!;
      unread = 0;
    }
  }
  // The first customer message after the last reply (what migration 0007 and the conversations store keep).
  let unansweredSince: number | null = null;
  for (let j = 0; j < n && unansweredSince === null; j++) if (dirs[j] === 0 && times[j]! > (lastReply ?? 0)) unansweredSince = times[j]!;
  const assignedAt = assignee === null ? null : ms(start + 1000 + cr() * 20_000);
  const resolvedAt = status === STATUS_RESOLVED ? ms(end + 60_000 + cr() * 3_600_000) : null;
  const snoozedUntil = status === STATUS_SNOOZED ? ms(T0 + DAY * (1 + cr() * 2)) : null;
  let waitingSince: number | null = null;
  if (queued) {
    // Since the first customer message nobody answered (or the last one).
    let w: number | null = null;
    for (let j = n - 1; j >= 0 && dirs[j] === 0; j--) w = times[j]!;
    waitingSince = w ?? lastIn ?? start;
  }
  insConv.run(
    id, numberId, contactId, status === STATUS_RESOLVED ? "resolved" : status === STATUS_OPEN ? "open" : "snoozed", assignee, team,
    status === STATUS_RESOLVED ? 0 : unread, end, lastIn, snoozedUntil, resolvedAt === null ? null : Math.min(resolvedAt, T0 - 1000), start,
    waitingSince, assignedAt, firstReply, lastReply, unansweredSince,
  );
  const teamName = teams[team - 1]!.name;
  if (assignee !== null) {
    insEvent.run(id, assignedAt, "assigned", "system", null, "system", JSON.stringify({ agent_id: assignee, team_id: team, reason: `least load in team ${teamName}`, strategy: "least_load", pick: "least_load" }));
    counts.events++;
  } else {
    insEvent.run(id, start + 500, "queued", "system", null, "system", JSON.stringify({ agent_id: null, team_id: team, reason: "all agents busy", position: 1 + Math.floor(cr() * 30), strategy: "least_load", pick: null }));
    counts.events++;
  }
  if (assignee !== null && cr() < 0.04 && n > 3) {
    // It started with another agent of the team, who passed it on.
    const from = pool[Math.floor(cr() * pool.length)]!;
    if (from !== assignee) {
      insEvent.run(id, times[Math.floor(n / 2)]!, "transferred", "user", from, agentName.get(from) ?? "agent", JSON.stringify({ agent_id: assignee, team_id: team, reason: "manual transfer", from_agent_id: from, note: "Passo a te, parla tedesco" }));
      counts.events++;
    }
  }
  if (resolvedAt !== null) {
    insEvent.run(id, Math.min(resolvedAt, T0 - 1000), "resolved", assignee === null ? "system" : "user", assignee, assignee === null ? "system" : (agentName.get(assignee) ?? "agent"), null);
    counts.events++;
  }
  if (assignee !== null && cr() < 0.03) {
    insNote.run(contactId, id, assignee, agentName.get(assignee) ?? "agent", NOTE_TEXT[Math.floor(cr() * NOTE_TEXT.length)]!(cr), ms(times[Math.floor(n / 2)]! + 1000));
    counts.notes++;
  }
  if (!firstSeen[contactId] || start < firstSeen[contactId]!) firstSeen[contactId] = start;
  if (n >= 50) {
    const list = samples.get(team) ?? samples.set(team, []).get(team)!;
    // Keep the latest ones (overwrite a random slot once full): the conversations agents actually open.
    const s = { id, messages: n, status: status === STATUS_RESOLVED ? "resolved" : status === STATUS_OPEN ? "open" : "snoozed" };
    if (list.length < 40) list.push(s);
    else list[Math.floor(cr() * 40)] = s;
  }
  convSeq++;
  push({ i, j: 0, times, dirs, english, assignee, cr, lastOutWamid: null, lastInWamid: null, campaign, bot });
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(10, "0");
let msgId = 0;
let opaqueSeq = 0;
function emit(l: Live) {
  const i = l.i;
  const id = ++msgId;
  const cr = l.cr;
  const at = l.times[l.j]!;
  const numberId = numberOf[i]!;
  const contactId = contactOf[i]!;
  const convId = i + 1;
  const dir = l.dirs[l.j]!;
  const digits = phoneDigits(contactId);
  if (dir === 0) {
    const wamid = `wamid.HBgM${digits}FQIAEhgU${hex(id)}${hex(contactId)}AA==`;
    const x = cr();
    let type = "text", text: string, payload: string, context: string | null = null;
    if (x < 0.015 && l.lastOutWamid) {
      type = "reaction";
      const emoji = ["👍", "❤️", "🙏", "😂"][Math.floor(cr() * 4)]!;
      text = emoji;
      context = l.lastOutWamid;
      payload = JSON.stringify({ reaction: { message_id: context, emoji } });
      counts.reactions++;
    } else if (x < 0.055) {
      type = "image";
      text = cr() < 0.5 ? customerText(cr, l.english) : "";
      const mediaId = String(1_000_000_000_000 + id);
      payload = JSON.stringify({ image: { id: mediaId, mime_type: "image/jpeg", sha256: "ZmFrZQ==", ...(text ? { caption: text } : {}) } });
      insMedia.run(id, numberId, "in", mediaId, "ZmFrZQ==", 80_000 + Math.floor(cr() * 900_000), `in/${new Date(at).getUTCFullYear()}/${id}.jpg`, at, at + 2000);
      counts.images++;
    } else {
      text = customerText(cr, l.english);
      payload = JSON.stringify({ text: { body: text } });
    }
    insMsg.run(id, convId, numberId, contactId, wamid, "in", type, text, payload, context, "customer", null, null, null, null, null, at, ms(at + 800 + cr() * 2000), null, null, null, null);
    l.lastInWamid = wamid;
    counts.in++;
    if (at > lastInbound[contactId]!) lastInbound[contactId] = at;
    const key = numberId * (C + 1) + contactId;
    if ((windows.get(key) ?? 0) < at) windows.set(key, at);
  } else {
    const wamid = `wamid.HBgM${digits}FQIAERgS${hex(id)}${hex(contactId)}AA==`;
    const isCampaign = l.campaign && l.j === 0;
    const isBot = l.bot && l.j === 1;
    const kind = isCampaign ? "campaign" : isBot ? "bot" : l.assignee === null ? "api" : cr() < 0.95 ? "agent" : "api";
    let type = "text", text: string, payload: string;
    if (isCampaign) {
      type = "template";
      text = TEMPLATE_TEXT[Math.floor(cr() * TEMPLATE_TEXT.length)]!.replace("{{1}}", FIRST[contactId % FIRST.length]!);
      payload = JSON.stringify({ template: { name: "promo_saldi", language: { code: l.english ? "en" : "it" }, components: [] } });
      counts.templates++;
    } else if (isBot) {
      text = l.english ? "Hi! Thanks for writing to us: an agent will answer shortly." : "Ciao! Grazie per averci scritto: un operatore ti risponderà a breve.";
      payload = JSON.stringify({ text: { body: text } });
    } else if (cr() < 0.03) {
      type = "image";
      text = l.english ? "Here is the photo of the item" : "Ecco la foto dell'articolo";
      const mediaId = String(2_000_000_000_000 + id);
      payload = JSON.stringify({ image: { id: mediaId, caption: text } });
      insMedia.run(id, numberId, "out", mediaId, "ZmFrZQ==", 120_000, `out/${id}.jpg`, at, at);
      counts.images++;
    } else {
      text = agentText(cr, l.english);
      payload = JSON.stringify({ text: { body: text } });
    }
    // Statuses: old messages were read or delivered; a few failed; the newest may still be on their way.
    const recent = at > T0 - 3_600_000;
    const x = cr();
    const st = recent && x < 0.3 ? "sent" : x < 0.75 ? "read" : x < 0.93 ? "delivered" : x < 0.97 ? "sent" : "failed";
    const sent = st === "failed" ? null : ms(at + 300 + cr() * 1500);
    const delivered = st === "delivered" || st === "read" ? ms(sent! + 500 + cr() * 60_000) : null;
    const read = st === "read" ? ms(delivered! + 5_000 + cr() * 3_600_000) : null;
    insMsg.run(
      id, convId, numberId, contactId, st === "failed" ? null : wamid, "out", type, text, payload, null, kind, kind === "agent" ? String(l.assignee) : null, `ob:${++opaqueSeq}`, st,
      st === "failed" ? 131026 : null, st === "failed" ? "Message undeliverable" : null, at, null, sent, delivered, read === null ? null : Math.min(read, T0), st === "failed" ? at + 2000 : null,
    );
    l.lastOutWamid = st === "failed" ? l.lastOutWamid : wamid;
    counts.out++;
  }
  counts.messages++;
}

const TX_ROWS = 100_000;
let inTx = 0;
db.run("BEGIN");
let p = 0;
let lastReport = performance.now();
const tStream = performance.now();
while (p < K || heap.length) {
  if (p < K && (!heap.length || starts[p]! <= keyOf(heap[0]!))) {
    openConversation(p++);
    continue;
  }
  const l = pop();
  emit(l);
  if (++l.j < l.times.length) push(l);
  if (++inTx >= TX_ROWS) {
    db.run("COMMIT");
    db.run("BEGIN");
    inTx = 0;
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      const s = (lastReport - tStream) / 1000;
      log(`${fmt(counts.messages)} / ${fmt(M)} messages (${fmt((counts.messages / M) * 100)}%), ${fmt(convSeq)} conversations, ${fmt(counts.messages / s)} messages/s, ${heap.length} live`);
    }
  }
}
// The outbox hands out `ob:<outbox id>` (AUTOINCREMENT): its sequence continues after the archive's last one.
db.query("DELETE FROM sqlite_sequence WHERE name = 'outbox'").run();
db.query("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(opaqueSeq);
db.run("COMMIT");
phase(`messages, conversations, events, notes, media (${fmt(counts.messages / ((performance.now() - tStream) / 1000))} messages/s)`);

// ---- contacts (with what the conversations told us), tags, windows ----
const TAGS = ["vip", "b2b", "newsletter", "reso", "milano", "roma", "fedeltà", "black-friday", "outlet", "wholesale", "stagione", "influencer"];
const insContact = db.query(
  `INSERT INTO contacts (id, phone, wa_id, user_id, name, profile_name, country, language, attributes, opted_out, opted_out_at, opted_out_source, consent_at, consent_source,
     last_inbound_at, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insTag = db.query("INSERT INTO contact_tags (contact_id, tag, added_at) VALUES (?, ?, ?)");
const COUNTRY = (c: number) => {
  const k = c % 20;
  return (k < 16 ? ["IT", "it"] : k < 18 ? ["GB", "en"] : k < 19 ? ["DE", "de"] : ["ES", "es"]) as [string, string];
};
db.run("BEGIN");
let tagRows = 0;
for (let c = 1; c <= C; c++) {
  const cr = rng(SEED * 104_729 + c);
  const digits = phoneDigits(c);
  const [country, language] = COUNTRY(c);
  const first = FIRST[Math.floor(cr() * FIRST.length)]!;
  const name = cr() < 0.1 ? "" : `${first} ${LAST[Math.floor(cr() * LAST.length)]}`;
  const created = ms(firstSeen[c] ? firstSeen[c]! - cr() * 30 * DAY * (cr() < 0.3 ? 1 : 0) : T0 - SPAN + cr() * SPAN);
  const last = lastInbound[c] || null;
  const opted = cr() < 0.02;
  const consent = cr() < 0.4 ? created : null;
  const attrs = cr() < 0.3 ? JSON.stringify({ city: CITIES[Math.floor(cr() * CITIES.length)], ...(cr() < 0.3 ? { spent: Math.floor(cr() * 5000) } : {}) }) : "{}";
  insContact.run(c, `+${digits}`, digits, name, name ? first : null, country, language, attrs, opted ? 1 : 0, opted ? created + DAY : null, opted ? "keyword" : null, consent, consent ? "import" : null, last, created, Math.max(created, last ?? 0));
  if (cr() < 0.25) {
    const n = 1 + Math.floor(cr() * 3);
    const seen = new Set<string>();
    for (let k = 0; k < n; k++) {
      const tag = TAGS[Math.floor(cr() * TAGS.length)]!;
      if (seen.has(tag)) continue;
      seen.add(tag);
      insTag.run(c, tag, created);
      tagRows++;
    }
  }
  if (c % TX_ROWS === 0) (db.run("COMMIT"), db.run("BEGIN"));
}
const insWindow = db.query("INSERT INTO contact_windows (number_id, contact_id, last_inbound_at) VALUES (?, ?, ?)");
for (const [key, at] of windows) insWindow.run(Math.floor(key / (C + 1)), key % (C + 1), at);
db.run("COMMIT");
phase(`contacts (${fmt(C)}), tags (${fmt(tagRows)}), windows (${fmt(windows.size)})`);

// ---- indexes, full-text search, triggers ----
for (const o of dropped.filter((x) => x.type === "index")) {
  const t = performance.now();
  db.run(o.sql);
  log(`  index ${o.name}: ${fmt((performance.now() - t) / 1000, 1)} s`);
}
phase("indexes");
if (FTS_MODE === "bulk") {
  for (const [table, sql] of [
    ["messages_fts", "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE text <> ''"],
    ["contacts_fts", "INSERT INTO contacts_fts (rowid, name, phone) SELECT id, name, coalesce(phone, '') FROM contacts"],
    ["notes_fts", "INSERT INTO notes_fts (rowid, text) SELECT id, text FROM notes"],
  ] as const) {
    const t = performance.now();
    db.run("BEGIN");
    db.run(sql);
    db.run("COMMIT");
    log(`  ${table}: ${fmt((performance.now() - t) / 1000, 1)} s`);
  }
  phase("full-text index (bulk)");
}
for (const o of dropped.filter((x) => x.type === "trigger")) db.run(o.sql);

// Sanity: the schema is the migrations' schema again.
const after = db.query("SELECT count(*) AS n FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))").get(JSON.stringify(BULK)) as { n: number };
if (after.n !== schemaObjects.length) throw new Error(`schema objects after the load: ${after.n}, before: ${schemaObjects.length}`);

// ---- term frequencies for the search bench (messages containing each term) ----
const termHits: Record<string, number> = {};
const countQ = db.query("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?");
for (const c of SEARCH_CASES) {
  const words = c.q.trim();
  const match = c.kind === "prefix" ? `"${words}"*` : c.kind === "phrase" ? words : words.split(/\s+/).map((w) => `"${w}"`).join(" ");
  termHits[c.q] = (countQ.get(match) as { n: number }).n;
}
phase("term counts");

if (!args["no-analyze"]) {
  db.run("PRAGMA optimize = 0x10002");
  phase("PRAGMA optimize (the nightly maintenance's)");
}
db.run("PRAGMA locking_mode = NORMAL");
db.run("PRAGMA journal_mode = WAL");
const totals = Object.fromEntries(
  ["contacts", "contact_tags", "contact_windows", "conversations", "messages", "conversation_events", "notes", "media"].map((t) => [t, (db.query(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
);
const openConv = db.query("SELECT status, count(*) AS n FROM conversations WHERE status <> 'resolved' OR id > (SELECT max(id) - 1 FROM conversations) GROUP BY status").all();
db.close();
for (const f of [OUT, `${OUT}-wal`, `${OUT}-shm`]) rmSync(f, { force: true });
renameSync(PARTIAL, OUT);
const totalS = (performance.now() - tStart) / 1000;
const size = statSync(OUT).size;

const manifest: ArchiveManifest = {
  params,
  built_at: new Date().toISOString(),
  t0: T0,
  fts_mode: FTS_MODE,
  analyzed: !args["no-analyze"],
  machine: machine(),
  build: { total_s: totalS, phases, rows_per_s: (counts.messages + totals.conversations! + totals.contacts! + totals.conversation_events!) / totalS, messages_per_s: counts.messages / totalS },
  size_bytes: size,
  counts: { ...totals, ...counts, chatted_contacts: CHATTED, not_resolved: openCount },
  password: ARCHIVE_PASSWORD,
  admin,
  supervisors,
  numbers,
  teams,
  agents,
  samples: Object.fromEntries(samples),
  terms: termHits,
  rare: RARE.map((w) => ({ ...w, expected: Math.round(w.rate * M) })),
};
writeFileSync(MANIFEST, JSON.stringify(manifest, null, 1) + "\n");
log(`status of the newest conversations: ${JSON.stringify(openConv)}`);
console.log(`archive built: ${OUT} (${fmt(size / 2 ** 30, 2)} GiB)`);
console.log(`  ${fmt(counts.messages)} messages (${fmt(counts.in)} in, ${fmt(counts.out)} out, ${fmt(counts.images)} images, ${fmt(counts.reactions)} reactions), ${fmt(totals.conversations!)} conversations, ${fmt(totals.contacts!)} contacts, ${fmt(totals.conversation_events!)} events, ${fmt(totals.notes!)} notes`);
console.log(`  total ${fmt(totalS, 1)} s: ${fmt(manifest.build.messages_per_s)} messages/s, ${fmt(manifest.build.rows_per_s)} rows/s (messages + conversations + contacts + events)`);
console.log(`  phases: ${Object.entries(phases).map(([k, v]) => `${k.split(" (")[0]} ${fmt(v, 1)} s`).join(", ")}`);
console.log(`  search terms (messages containing): ${Object.entries(termHits).map(([q, n]) => `${q.trim()} ${fmt(n)}`).join(", ")}`);
console.log(`  load average ${loadavg()[0]!.toFixed(2)}; manifest ${MANIFEST}`);
