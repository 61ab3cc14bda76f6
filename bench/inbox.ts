// PRODUCT.md P4, P5 and P8 at 10M messages: the inbox list and the conversation view (p95 < 30 ms), full-text
// search over the archive (p95 < 100 ms), server time, for an agent limited to its teams, while 200 customer
// messages/s arrive on that agent's numbers; plus RSS with 500 live streams open and start-to-ready on the big file.
//
// The archive is bench/generate-archive.ts's (build it first; its manifest names the numbers, teams, agents, long
// conversations and search terms). Each run copies it to a fresh DATA_DIR (so runs do not drift; --in-place reuses
// the file itself), then, before the server starts, writes into the copy what a working day would have: browser
// sessions for the tabs, an API token for the agent, every agent online (presence set explicitly).
//
// Steps:
//   1. start to ready (P8): the server is started --starts times on the copy (exec → first 200 on /healthz and
//      /login, as bench/startup.ts measures), the last one stays up. With --cold the copy's pages are dropped from
//      the page cache first (dd iflag=nocache: that file only) for one extra start.
//   2. background load: bench/support/archive-webhooks.ts sends --rate signed webhooks/s (open loop) on the agent's
//      numbers: mostly customers with open conversations there, --new of them new customers (new conversations,
//      routed to the online agents). Its per-second ack latencies give each phase its own load figures, and 10 s
//      of it alone (no page requests) give the server's CPU for the load by itself.
//   3. phase A: the P4 / P5 cases below, --requests times each, interleaved round-robin (drift hits all cases
//      alike), one request at a time. SERVER time is the `ms` of the server's own JSON request log line
//      (LOG_LEVEL=info; matched by x-request-id): from the request entering the route layer to the response being
//      built (handler, queries, rendering). It does not include the wait for the event loop before the handler
//      starts: the client's wall time is reported next to it, and GET /healthz (not in the info log) is a control
//      whose client time is that wait.
//   4. phase H: the history lists (status=all; not P4's default views), --history-requests rounds, apart so that
//      a slow one does not load the server under the others.
//   5. 500 live streams (--tabs) are opened from a separate process (bench/support/archive-sse.ts) with the
//      sessions of all agents (2–3 tabs each); each tab loads its page first, as a browser does (its stream
//      gets what that page shows): an agent's own list (/inbox), its teams' list or the queue; after --settle seconds the server's RSS is read (P8), then phase B
//      repeats phase A with the streams open and receiving the live updates of the load.
//
// Cases: P4 list pages /inbox?view=mine|unassigned|waiting|team (the page an agent loads: list of 50, view counts,
// header); P4 conversation: the pane a click loads (/inbox/:id with HX-Request, HX-Target conv-pane) and the whole
// page, over the archive's conversations of ≥ 50 messages on the agent's numbers; GET /api/v1/conversations/:id/
// messages?limit=50 (as the agent's token); P5: GET /api/v1/search?kinds=messages for common words, two-word ANDs,
// prefixes, phrases and rare words, the default all-kinds search, and the inbox header's dropdown (/inbox/search).
//
//   bun run bench/inbox.ts [--archive FILE] [--requests 60] [--warmup 3] [--rate 200] [--new 0.07] [--tabs 500]
//                          [--starts 3] [--cold] [--settle 20] [--agent EMAIL] [--in-place] [--no-load] [--json FILE]
//                          [--only-phase A|B] [--history-requests 10] [--cpu-prof DIR] [--env K=V]
//   npm run bench -- inbox --archive /tmp/centralino-archive/1m-msg-100k-contacts/centralino.db --requests 20
import { Database } from "bun:sqlite";
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { randomToken, sha256 } from "../src/platform/ids";
import { BUN, ROOT, cpuSeconds, fmt, machine, pct, pressure, track } from "./support/common";
import { BENCH_TOKEN, startBenchGraph } from "./support/fake-graph";
import { archiveDefaultPath, readManifest } from "./support/archive-manifest";
import { memOf, startArchiveServer, timedGet, type ArchiveServer } from "./support/archive-server";
import { SEARCH_CASES } from "./support/archive-text";

const { values: args } = parseArgs({
  options: {
    archive: { type: "string", default: archiveDefaultPath(10_000_000, 1_000_000) },
    requests: { type: "string", default: "60" },
    warmup: { type: "string", default: "3" },
    rate: { type: "string", default: "200" },
    new: { type: "string", default: "0.07" },
    tabs: { type: "string", default: "500" },
    starts: { type: "string", default: "3" },
    cold: { type: "boolean", default: false },
    settle: { type: "string", default: "20" },
    agent: { type: "string" },
    "in-place": { type: "boolean", default: false },
    "no-load": { type: "boolean", default: false },
    "only-phase": { type: "string" },
    "history-requests": { type: "string", default: "10" },
    "cpu-prof": { type: "string" },
    json: { type: "string" },
    env: { type: "string", multiple: true },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("usage: bun run bench/inbox.ts [--archive FILE] [--requests 60] [--warmup 3] [--rate 200] [--new 0.07] [--tabs 500] [--starts 3] [--cold] [--settle 20] [--agent EMAIL] [--in-place] [--no-load] [--only-phase A|B] [--history-requests 10] [--cpu-prof DIR] [--env K=V] [--json FILE]");
  process.exit(0);
}
const ARCHIVE = args.archive!;
if (!existsSync(ARCHIVE)) throw new Error(`no archive at ${ARCHIVE}: build it with bun run bench/generate-archive.ts (see --help)`);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const RATE = Number(args.rate);
const TABS = Number(args.tabs);
const SECRET = "bench-app-secret-" + randomToken(8);
const log = (s: string) => process.stderr.write(`[inbox ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const mf = readManifest(ARCHIVE);

// ---- the agent: of the busiest team (1), the one with the most numbers (a second team) ----
const agent = args.agent ? mf.agents.find((a) => a.email === args.agent) : [...mf.agents].filter((a) => a.teams.includes(1)).sort((x, y) => y.teams.length - x.teams.length || x.id - y.id)[0];
if (!agent) throw new Error(`no agent ${args.agent} in the archive`);
const agentNumbers = mf.numbers.filter((n) => agent.teams.includes(n.team_id));

// ---- DATA_DIR: a copy of the archive (or the archive itself) ----
const m = machine();
const load0 = loadavg()[0]!;
let dataDir = dirname(ARCHIVE);
let copyS = 0;
if (!args["in-place"]) {
  const size = statSync(ARCHIVE).size;
  const freeKb = Number(Bun.spawnSync(["df", "-k", "--output=avail", dirname(ARCHIVE)]).stdout.toString().trim().split("\n").at(-1));
  if (freeKb * 1024 < size * 1.3) throw new Error(`not enough free disk for a copy of the archive (${fmt(size / 2 ** 30, 1)} GiB): use --in-place`);
  dataDir = mkdtempSync(join(dirname(dirname(ARCHIVE)), "bench-inbox-"));
  log(`copying the archive (${fmt(size / 2 ** 30, 2)} GiB) to ${dataDir}`);
  const t = performance.now();
  cpSync(join(dirname(ARCHIVE), "secrets.json"), join(dataDir, "secrets.json"));
  const cp = Bun.spawnSync(["cp", "--sparse=always", ARCHIVE, join(dataDir, "centralino.db")]);
  if (cp.exitCode !== 0) throw new Error(`copy failed: ${cp.stderr.toString()}`);
  copyS = (performance.now() - t) / 1000;
  log(`copied in ${fmt(copyS, 1)} s`);
}
const DB_FILE = join(dataDir, "centralino.db");

// ---- what a working day has: sessions for the tabs, the agent's API token, agents online ----
// An agent's tabs: its own list (where agents land), its teams' list, the queue.
const TAB_PAGES = ["/inbox", "/inbox?view=team", "/inbox?view=unassigned"];
interface Tab {
  cookie: string;
  agent: number;
  /** The inbox page the tab shows (its stream gets what that page shows). */
  page: string;
}
const prep = new Database(DB_FILE);
prep.run("PRAGMA busy_timeout = 5000");
const now = Date.now();
const session = (userId: number): string => {
  const token = randomToken(32);
  prep.query("INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, '127.0.0.1', 'centralino-bench')").run(sha256(token), userId, randomToken(24), now, now, now + 7 * 86_400_000);
  return token;
};
prep.run("BEGIN");
const agentCookie = session(agent.id);
const tabs: Tab[] = Array.from({ length: TABS }, (_, i) => {
  const a = mf.agents[i % mf.agents.length]!;
  return { cookie: session(a.id), agent: a.id, page: TAB_PAGES[Math.floor(i / mf.agents.length) % TAB_PAGES.length]! };
});
const apiToken = `cen_${randomToken(30)}`;
prep.query("INSERT INTO api_tokens (name, token_hash, prefix, role_id, user_id, created_by, created_at) VALUES (?, ?, ?, NULL, ?, NULL, ?)").run(`bench-inbox-${now}`, sha256(apiToken), apiToken.slice(0, 10), agent.id, now);
for (const a of mf.agents) {
  prep.query("INSERT INTO agent_presence (user_id, status, heartbeat_at, changed_at, changed_by) VALUES (?, 'online', NULL, ?, 'bench') ON CONFLICT (user_id) DO UPDATE SET status = 'online', heartbeat_at = NULL, changed_at = excluded.changed_at, changed_by = 'bench'").run(a.id, now);
}
prep.run("COMMIT");
const customers = prep
  .query(
    `SELECT k.wa_id AS wa, n.phone_number_id AS phone_id, coalesce(nullif(k.name, ''), 'Cliente') AS name FROM conversations c JOIN contacts k ON k.id = c.contact_id JOIN numbers n ON n.id = c.number_id
     WHERE c.status <> 'resolved' AND c.number_id IN (SELECT value FROM json_each(?)) AND k.wa_id IS NOT NULL`,
  )
  .all(JSON.stringify(agentNumbers.map((n) => n.id))) as { wa: string; phone_id: string; name: string }[];
const archiveFacts = prep
  .query(
    `SELECT (SELECT count(*) FROM conversations WHERE assignee_id = $a AND status = 'open') AS mine_open, (SELECT count(*) FROM conversations WHERE assignee_id = $a) AS mine_all,
       (SELECT count(*) FROM conversations WHERE number_id IN (SELECT value FROM json_each($n))) AS team_all,
       (SELECT count(*) FROM conversations WHERE number_id IN (SELECT value FROM json_each($n)) AND status = 'open') AS team_open,
       (SELECT count(*) FROM messages WHERE number_id IN (SELECT value FROM json_each($n))) AS team_messages`,
  )
  .get({ $a: agent.id, $n: JSON.stringify(agentNumbers.map((n) => n.id)) }) as Record<string, number>;
const maxIds = prep.query("SELECT (SELECT max(id) FROM messages) AS m, (SELECT max(id) FROM conversations) AS c").get() as { m: number; c: number };
prep.close();
const samples = agent.teams.flatMap((t) => mf.samples[String(t)] ?? []);
if (!samples.length) throw new Error("the archive has no conversation of 50+ messages on the agent's numbers");
const tmp = mkdtempSync(join(dirname(dataDir), "bench-inbox-files-"));
const tabsFile = join(tmp, "tabs.json");
writeFileSync(tabsFile, JSON.stringify(tabs));
const customersFile = join(tmp, "customers.json");
writeFileSync(customersFile, JSON.stringify(customers));
log(`agent ${agent.email} (id ${agent.id}, teams ${agent.teams.join(", ")}, numbers ${agentNumbers.map((n) => n.id).join(", ")}): ${JSON.stringify(archiveFacts)}; ${customers.length} customers with open conversations there; ${samples.length} long conversations to open`);

// ---- cases ----
interface Case {
  name: string;
  target: "P4" | "P5" | "extra" | "control";
  path: (i: number) => string;
  headers?: Record<string, string>;
  api?: boolean;
}
const pane = { "hx-request": "true", "hx-target": "conv-pane" };
const conv = (i: number) => samples[i % samples.length]!.id;
const q = (s: string) => encodeURIComponent(s);
const CASES: Case[] = [
  // Control: /healthz does almost nothing (and is not in the info log), so its client time is the wait for the
  // server's event loop and the box's CPU, which the server's own `ms` of the other cases does not include.
  { name: "control: GET /healthz (client time = event-loop wait)", target: "control", path: () => "/healthz" },
  ...(["mine", "unassigned", "waiting", "team"] as const).map((v): Case => ({ name: `list page /inbox?view=${v}`, target: "P4", path: () => `/inbox?view=${v}` })),
  { name: "conversation pane (htmx, 40 of ≥50 msgs)", target: "P4", path: (i) => `/inbox/${conv(i)}`, headers: pane },
  { name: "conversation page /inbox/:id (list + pane)", target: "P4", path: (i) => `/inbox/${conv(i)}` },
  { name: "API /conversations/:id/messages?limit=50", target: "P4", path: (i) => `/api/v1/conversations/${conv(i)}/messages?limit=50`, api: true },
  { name: "list /inbox/list?view=team&status=all (history)", target: "extra", path: () => "/inbox/list?view=team&status=all&sort=recent" },
  { name: "list /inbox/list?view=mine&status=all", target: "extra", path: () => "/inbox/list?view=mine&status=all&sort=recent" },
  { name: "list /inbox/list?view=waiting&status=all", target: "extra", path: () => "/inbox/list?view=waiting&status=all" },
  ...SEARCH_CASES.map((s): Case => ({ name: `search ${s.kind}: ${s.q.trim()}${s.kind === "prefix" ? "…" : ""}`, target: "P5", path: () => `/api/v1/search?kinds=messages&limit=20&q=${q(s.q)}`, api: true })),
  { name: "search all kinds: ordine", target: "P5", path: () => `/api/v1/search?q=${q("ordine ")}`, api: true },
  { name: "inbox dropdown /inbox/search?q=rimborso", target: "P5", path: () => `/inbox/search?q=${q("rimborso")}` },
  { name: "inbox dropdown /inbox/search?q=ornitorinco", target: "P5", path: () => `/inbox/search?q=${q("ornitorinco")}` },
];

interface Sample {
  server: number;
  client: number;
  status: number;
  bytes: number;
}
let ridSeq = 0;
const TARGETS = CASES.filter((c) => c.target !== "extra");
const EXTRAS = CASES.filter((c) => c.target === "extra");

async function runCases(server: ArchiveServer, n: number, phase: string, cases: Case[] = TARGETS): Promise<Map<string, Sample[]>> {
  const results = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < n; i++) {
    const rids: [Case, string, Awaited<ReturnType<typeof timedGet>>][] = [];
    for (const c of cases) {
      const rid = `bench-${phase}-${++ridSeq}`;
      const headers: Record<string, string> = { ...(c.headers ?? {}), ...(c.api ? { authorization: `Bearer ${apiToken}` } : { cookie: `cs_session=${agentCookie}` }) };
      rids.push([c, rid, await timedGet(server, c.path(i), rid, headers)]);
    }
    await server.waitLogged(rids.map(([, rid]) => rid));
    for (const [c, rid, r] of rids) results.get(c.name)!.push({ server: server.serverMs(rid) ?? NaN, client: r.client_ms, status: r.status, bytes: r.bytes });
    if ((i + 1) % 10 === 0) log(`phase ${phase}: ${i + 1}/${n} rounds`);
  }
  return results;
}

function summarize(results: Map<string, Sample[]>) {
  return CASES.filter((c) => results.has(c.name)).map((c) => {
    const xs = results.get(c.name)!;
    const s = Float64Array.from(xs.map((x) => x.server)).sort();
    const cl = Float64Array.from(xs.map((x) => x.client)).sort();
    const statuses: Record<string, number> = {};
    for (const x of xs) statuses[x.status] = (statuses[x.status] ?? 0) + 1;
    return {
      name: c.name,
      target: c.target,
      n: xs.length,
      statuses,
      bytes: Math.round(xs.reduce((a, x) => a + x.bytes, 0) / Math.max(1, xs.length)),
      server: { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s[s.length - 1] ?? NaN },
      client: { p50: pct(cl, 50), p95: pct(cl, 95), p99: pct(cl, 99), max: cl[cl.length - 1] ?? NaN },
    };
  });
}
type Summary = ReturnType<typeof summarize>;

function table(rows: Summary, title: string): string {
  const lines = [title, "| case | target | n | status | KB | server p50 / p95 / p99 / max ms | client p50 / p95 / p99 ms | p95 vs target |", "|---|---|---|---|---|---|---|---|"];
  for (const r of rows) {
    const limit = r.target === "P4" ? 30 : r.target === "P5" ? 100 : null;
    const verdict = limit === null ? "" : r.server.p95 < limit ? `met (< ${limit})` : `**NOT MET** (< ${limit})`;
    const st = Object.entries(r.statuses).map(([k, v]) => `${k}×${v}`).join(" ");
    lines.push(`| ${r.name} | ${r.target} | ${r.n} | ${st} | ${fmt(r.bytes / 1024, 1)} | ${fmt(r.server.p50, 1)} / ${fmt(r.server.p95, 1)} / ${fmt(r.server.p99, 1)} / ${fmt(r.server.max, 1)} | ${fmt(r.client.p50, 1)} / ${fmt(r.client.p95, 1)} / ${fmt(r.client.p99, 1)} | ${verdict} |`);
  }
  return lines.join("\n");
}

// ---- run ----
const graph = startBenchGraph();
// --env K=V (repeatable) passes more variables to the server (A/B experiments on a scratch copy of the code).
const extraEnv = Object.fromEntries((args.env ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
const env = { DATA_DIR: dataDir, WA_APP_SECRET: SECRET, WA_GRAPH_URL: graph.url, SIMULATOR: "off", LOG_LEVEL: "info", ...extraEnv };
const starts: { healthz_ms: number; login_ms: number; cold: boolean; rss_mb: number }[] = [];
let server: ArchiveServer | null = null;
let loadProc: ReturnType<typeof Bun.spawn> | null = null;
let sseProc: ReturnType<typeof Bun.spawn> | null = null;
const report: Record<string, unknown> = { machine: m, archive: ARCHIVE, manifest: { params: mf.params, built_at: mf.built_at, size_bytes: mf.size_bytes, counts: mf.counts }, agent: { ...agent, numbers: agentNumbers.map((n) => n.id), facts: archiveFacts }, copy_s: copyS };
try {
  const nStarts = Math.max(1, Number(args.starts)) + (args.cold ? 1 : 0);
  for (let k = 0; k < nStarts; k++) {
    const cold = args.cold && k === 0;
    if (cold) Bun.spawnSync(["dd", `if=${DB_FILE}`, "iflag=nocache", "count=0", "status=none"]);
    // With --cpu-prof DIR the server that stays up runs under Bun's sampling profiler (a markdown profile on exit).
    const prof = args["cpu-prof"] && k === nStarts - 1 ? ["--cpu-prof-md", `--cpu-prof-dir=${args["cpu-prof"]}`] : [];
    const s = await startArchiveServer(env, { prof });
    await Bun.sleep(1000);
    const rss = memOf(s.proc.pid).rss;
    starts.push({ ...s.ready, cold, rss_mb: rss });
    log(`start ${k + 1}/${nStarts}${cold ? " (cold page cache)" : ""}: /healthz ${fmt(s.ready.healthz_ms)} ms, /login ${fmt(s.ready.login_ms)} ms, RSS ${fmt(rss)} MB`);
    if (k < nStarts - 1) await s.stop();
    else server = s;
  }
  const srv = server!;
  report.starts = starts;

  // Warm-up (caches, JIT): not measured.
  log(`warm-up: ${WARMUP} round(s) of ${CASES.length} cases`);
  await runCases(srv, WARMUP, "warm", CASES);

  let loadOut = "";
  /** The background load's acks between two epoch times: rate and latency percentiles (from its per-second ticks). */
  const loadBetween = (from: number, to: number) => {
    const ticks = loadOut.split("\n").filter((l) => l.startsWith('{"type":"tick"')).map((l) => JSON.parse(l) as { t: number; lat: number[] }).filter((x) => x.t > from && x.t <= to);
    const lat = Float64Array.from(ticks.flatMap((x) => x.lat)).sort();
    return { acked_per_s: lat.length / Math.max(1, (to - from) / 1000), p50_ms: pct(lat, 50), p99_ms: pct(lat, 99), max_ms: lat.length ? lat[lat.length - 1]! : NaN };
  };
  const loadStats = () => {
    const lines = loadOut.trim().split("\n").filter((l) => l.startsWith('{"type":"final"') || l.startsWith('{"type":"stats"'));
    return lines.length ? (JSON.parse(lines.at(-1)!) as Record<string, number>) : null;
  };

  if (!args["no-load"]) {
    loadProc = track(Bun.spawn([BUN, "run", join(import.meta.dir, "support/archive-webhooks.ts"), "--url", srv.url, "--secret", SECRET, "--customers", customersFile, "--phone-ids", agentNumbers.map((n) => n.phone_number_id).join(","), "--rate", String(RATE), "--new", args.new!], { cwd: ROOT, stdout: "pipe", stderr: "inherit" }));
    void (async () => {
      const dec = new TextDecoder();
      for await (const c of loadProc!.stdout as ReadableStream<Uint8Array>) loadOut += dec.decode(c);
    })();
    log(`background load: ${RATE} webhooks/s on numbers ${agentNumbers.map((n) => n.id).join(", ")} (${fmt(Number(args.new) * 100)}% new customers); settling 15 s`);
    await Bun.sleep(5_000);
    // The server's CPU under the load alone (no page requests), over the last 10 s of the settling.
    const c0 = cpuSeconds(srv.proc.pid);
    const e0 = Date.now();
    await Bun.sleep(10_000);
    report.load_alone_server_cpu_pct = ((cpuSeconds(srv.proc.pid) - c0) / 10) * 100;
    report.load_alone = loadBetween(e0, Date.now());
    log(`under the load alone: server CPU ${fmt(report.load_alone_server_cpu_pct as number)}% of a core, ${JSON.stringify(report.load_alone)}`);
  }
  const cpu0 = cpuSeconds(srv.proc.pid);
  const tA = performance.now();
  const eA = Date.now();
  let phaseA: Summary | null = null;
  if (args["only-phase"] !== "B") {
    log(`phase A (no live streams): ${REQUESTS} rounds of ${TARGETS.length} cases`);
    phaseA = summarize(await runCases(srv, REQUESTS, "A"));
    report.phase_a = { cases: phaseA, server_cpu_pct: ((cpuSeconds(srv.proc.pid) - cpu0) / ((performance.now() - tA) / 1000)) * 100, load: loadBetween(eA, Date.now()), load1: loadavg()[0], psi: pressure(), rss: srv.rss() };
    // History lists (not P4's views) apart, and fewer: a slow one would otherwise load the server under the others.
    log(`phase H (history lists): ${args["history-requests"]} rounds of ${EXTRAS.length} cases`);
    const tH = performance.now();
    const cpuH = cpuSeconds(srv.proc.pid);
    const phaseH = summarize(await runCases(srv, Number(args["history-requests"]), "H", EXTRAS));
    report.phase_h = { cases: phaseH, server_cpu_pct: ((cpuSeconds(srv.proc.pid) - cpuH) / ((performance.now() - tH) / 1000)) * 100, load1: loadavg()[0], psi: pressure() };
  }

  // 500 live streams.
  let sseOut = "";
  sseProc = track(Bun.spawn([BUN, "run", join(import.meta.dir, "support/archive-sse.ts"), "--url", srv.url, "--tabs", tabsFile], { cwd: ROOT, stdout: "pipe", stderr: "inherit" }));
  void (async () => {
    const dec = new TextDecoder();
    for await (const c of sseProc!.stdout as ReadableStream<Uint8Array>) sseOut += dec.decode(c);
  })();
  const sseLast = (type: string) => {
    const line = sseOut.trim().split("\n").filter((l) => l.includes(`"type":"${type}"`)).at(-1);
    return line ? (JSON.parse(line) as Record<string, number>) : null;
  };
  const tOpen = performance.now();
  while (!sseLast("open") && performance.now() - tOpen < 60_000) await Bun.sleep(50);
  const opened = sseLast("open");
  log(`live streams: ${JSON.stringify(opened)}; settling ${args.settle} s`);
  const rssBefore = srv.rss();
  await Bun.sleep(Number(args.settle) * 1000);
  const sse0 = sseLast("stats");
  const rssSse = srv.rss();
  log(`RSS with ${opened?.n ?? 0} streams after ${args.settle} s: ${fmt(rssSse.rss)} MB (anonymous ${fmt(rssSse.anon)} MB); before them ${fmt(rssBefore.rss)} MB`);
  let peak = rssSse.rss;
  const rssTimer = setInterval(() => (peak = Math.max(peak, srv.rss().rss)), 500);
  const cpuB0 = cpuSeconds(srv.proc.pid);
  const eB = Date.now();
  const sseCpu0 = cpuSeconds(sseProc.pid);
  const tB = performance.now();
  let phaseB: Summary | null = null;
  if (args["only-phase"] !== "A") {
    log(`phase B (${opened?.n ?? 0} live streams open): ${REQUESTS} rounds`);
    phaseB = summarize(await runCases(srv, REQUESTS, "B"));
  }
  clearInterval(rssTimer);
  const wallB = (performance.now() - tB) / 1000;
  const sse1 = sseLast("stats");
  const rssEnd = srv.rss();
  report.sse = {
    opened,
    rss_before_mb: rssBefore,
    rss_after_settle_mb: rssSse,
    rss_peak_phase_b_mb: peak,
    rss_end_mb: rssEnd,
    frames_per_s: sse0 && sse1 ? (sse1.frames! - sse0.frames!) / wallB : null,
    mb_per_s: sse0 && sse1 ? (sse1.bytes! - sse0.bytes!) / wallB / 2 ** 20 : null,
    client_cpu_pct: ((cpuSeconds(sseProc.pid) - sseCpu0) / wallB) * 100,
  };
  report.phase_b = { cases: phaseB, server_cpu_pct: ((cpuSeconds(srv.proc.pid) - cpuB0) / wallB) * 100, load: loadBetween(eB, Date.now()), load1: loadavg()[0], psi: pressure() };

  loadProc?.kill("SIGTERM");
  await loadProc?.exited;
  sseProc.kill("SIGTERM");
  await sseProc.exited;
  report.load_final = loadStats();
  const after = new Database(DB_FILE, { readonly: true });
  report.written = after.query("SELECT (SELECT count(*) FROM messages WHERE id > ?1) AS messages, (SELECT count(*) FROM conversations WHERE id > ?2) AS conversations, (SELECT count(*) FROM conversations WHERE id > ?2 AND assignee_id IS NOT NULL) AS assigned, (SELECT count(*) FROM webhook_events WHERE status = 'pending') AS pending").get(maxIds.m, maxIds.c);
  after.close();
  report.server_notes = srv.notes().filter((l) => /"level":"(warn|error)"/.test(l)).slice(-10);
} finally {
  loadProc?.kill("SIGKILL");
  sseProc?.kill("SIGKILL");
  await server?.stop();
  graph.stop();
  rmSync(tmp, { recursive: true, force: true });
  if (!args["in-place"]) rmSync(dataDir, { recursive: true, force: true });
}

// ---- report ----
const load1 = loadavg()[0]!;
report.load_before = load0;
report.load_after = load1;
const counts = mf.counts;
console.log(`inbox benchmark (P4, P5, P8 at ${fmt(mf.params.messages)} messages): ${m.date}, commit ${m.commit}, ${m.cpus} vCPU (${m.cpu}), ${m.mem_gib} GiB RAM, ${m.os}, bun ${m.bun}`);
console.log(`archive ${ARCHIVE}: ${fmt(counts.messages!)} messages, ${fmt(counts.conversations!)} conversations, ${fmt(counts.contacts!)} contacts, ${fmt(mf.size_bytes / 2 ** 30, 2)} GiB (built ${mf.built_at}); ${args["in-place"] ? "used in place" : `copied in ${fmt(copyS, 1)} s`}`);
console.log(`agent ${agent.email}: teams ${agent.teams.join(", ")}, numbers ${agentNumbers.map((n) => n.id).join(", ")}; ${JSON.stringify(archiveFacts)}`);
console.log(`load average before ${load0.toFixed(2)}, after ${load1.toFixed(2)}\n`);
console.log("start to ready (P8: < 1 s), exec → first 200:");
for (const s of starts) console.log(`  ${s.cold ? "cold cache " : ""}/healthz ${fmt(s.healthz_ms)} ms, /login ${fmt(s.login_ms)} ms, RSS 1 s later ${fmt(s.rss_mb)} MB`);
const loadLine = (l: Record<string, number> | undefined) => (l ? `; background webhooks ${fmt(l.acked_per_s)}/s acked, ack p50 ${fmt(l.p50_ms, 1)} / p99 ${fmt(l.p99_ms, 1)} / max ${fmt(l.max_ms)} ms` : "");
const lf = report.load_final as Record<string, number> | null;
const la = report.load_alone as Record<string, number> | undefined;
if (la) console.log(`\nunder the background load alone (10 s, no page requests): server CPU ${fmt(report.load_alone_server_cpu_pct as number)}% of a core${loadLine(la)}`);
if (lf) console.log(`background load over the whole run: ${fmt(lf.acked)} webhooks acked in ${fmt(lf.seconds, 1)} s (${fmt(lf.rate)}/s), non-2xx ${lf.non2xx}, network errors ${lf.network_errors}, ack p50 ${fmt(lf.p50_ms, 1)} / p99 ${fmt(lf.p99_ms, 1)} / max ${fmt(lf.max_ms)} ms; written ${JSON.stringify(report.written)}`);
const pa = report.phase_a as { cases: Summary; server_cpu_pct: number; load1: number; psi: unknown; load: Record<string, number> } | undefined;
if (pa?.cases) console.log(`\n${table(pa.cases, `phase A: no live streams (server CPU ${fmt(pa.server_cpu_pct)}% of a core, load ${fmt(pa.load1, 1)}, psi ${JSON.stringify(pa.psi)}${loadLine(pa.load)})`)}`);
const ph = report.phase_h as { cases: Summary; server_cpu_pct: number; load1: number; psi: unknown } | undefined;
if (ph?.cases) console.log(`\n${table(ph.cases, `phase H: history lists, no live streams (server CPU ${fmt(ph.server_cpu_pct)}% of a core, load ${fmt(ph.load1, 1)})`)}`);
const sse = report.sse as Record<string, any>;
console.log(`\nP8 footprint: ${sse.opened?.n ?? 0} live streams open (${sse.opened?.failed ?? 0} failed, opened in ${fmt(sse.opened?.ms ?? NaN)} ms): RSS ${fmt(sse.rss_before_mb.rss)} MB before → ${fmt(sse.rss_after_settle_mb.rss)} MB after ${args.settle} s (anonymous ${fmt(sse.rss_after_settle_mb.anon)} MB), peak during phase B ${fmt(sse.rss_peak_phase_b_mb)} MB, end ${fmt(sse.rss_end_mb.rss)} MB — target < 250 MB: ${sse.rss_peak_phase_b_mb < 250 ? "met" : "NOT MET"}`);
console.log(`  streams received ${fmt(sse.frames_per_s ?? NaN)} frames/s, ${fmt(sse.mb_per_s ?? NaN, 2)} MB/s (client process CPU ${fmt(sse.client_cpu_pct)}% of a core)`);
const pb = report.phase_b as { cases: Summary | null; server_cpu_pct: number; load1: number; psi: unknown; load: Record<string, number> };
if (pb.cases) console.log(`\n${table(pb.cases, `phase B: ${sse.opened?.n ?? 0} live streams open (server CPU ${fmt(pb.server_cpu_pct)}% of a core, load ${fmt(pb.load1, 1)}, psi ${JSON.stringify(pb.psi)}${loadLine(pb.load)})`)}`);
const notes = report.server_notes as string[];
if (notes.length) console.log(`\nserver warnings/errors (last ${notes.length}):\n${notes.join("\n")}`);
if (args.json) {
  writeFileSync(args.json, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nwrote ${args.json}`);
}
