// Many browser tabs' live streams, as one process: each tab first loads its page (GET `page`, default /inbox: the
// agent's own list), which registers what the page shows, then opens the stream that page's layout names
// (/events?tab=…) with the tab's session cookie on a raw keep-alive socket (Bun.connect; no fetch, so hundreds
// of streams cost little CPU here) and reads it.
//
// It reports, as JSON lines on stdout:
//   {"type":"open","n":N,"ms":…}                          once every stream answered 200 and sent its first bytes
//   {"type":"stats","open":…,"frames":…,"bytes":…}         every second (frames = SSE messages, heartbeats apart)
//   {"type":"seen","t":epoch_ms,"agent":A,"conv":C}        with --watch-assigned: the first time stream of agent A
//                                                          carries the list row of conversation C assigned to A
//                                                          (data-assignee="A"), t = when its bytes were read
// and {"type":"final",…} on SIGTERM. The row markup it looks for is views/inbox/_row.eta: <li id="conv-C" …
// data-assignee="A" …>; the search is a native Buffer.indexOf per chunk, so parsing stays cheap at high fan-out.
//
//   bun run bench/support/archive-sse.ts --url URL --tabs FILE [--watch-assigned] [--dump FILE]
//   FILE: JSON [{"cookie":"<cs_session token>","agent":<user id>,"page":"/inbox?view=team"}, …], one element per
//   stream ("page" optional)
import { appendFileSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({ options: { url: { type: "string" }, tabs: { type: "string" }, "watch-assigned": { type: "boolean", default: false }, dump: { type: "string" } } });
if (!a.url || !a.tabs) throw new Error("--url and --tabs are required");
const url = new URL(a.url);
const tabs = JSON.parse(readFileSync(a.tabs, "utf8")) as { cookie: string; agent: number; page?: string }[];
const WATCH = a["watch-assigned"];

let frames = 0;
let bytes = 0;
let open = 0;
let failed = 0;
let seenCount = 0;
const t0 = performance.now();
let announced = false;
const out = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");
const now = () => performance.timeOrigin + performance.now();

const FRAME_END = Buffer.from("\n\n");
const HB = Buffer.from(": hb");

interface Tab {
  agent: number;
  needle: Buffer;
  seen: Set<number>;
  headerDone: boolean;
  tail: Buffer;
}

function scan(tab: Tab, chunk: Buffer, t: number) {
  // Frames: count the blank lines that end an SSE message (a heartbeat ": hb\n\n" is not a frame).
  for (let i = chunk.indexOf(FRAME_END); i >= 0; i = chunk.indexOf(FRAME_END, i + 2)) frames++;
  for (let i = chunk.indexOf(HB); i >= 0; i = chunk.indexOf(HB, i + 4)) frames--;
  if (!WATCH) return;
  // The row's id comes a few hundred bytes before its data-assignee; keep a tail so a split chunk still matches.
  const buf = tab.tail.length ? Buffer.concat([tab.tail, chunk]) : chunk;
  for (let i = buf.indexOf(tab.needle); i >= 0; i = buf.indexOf(tab.needle, i + 1)) {
    const from = Math.max(0, i - 600);
    const head = buf.subarray(from, i).toString("latin1");
    const k = head.lastIndexOf('<li id="conv-');
    if (k < 0) continue;
    const m = /^<li id="conv-(\d+)"/.exec(head.slice(k));
    if (!m) continue;
    const conv = Number(m[1]);
    if (tab.seen.has(conv)) continue;
    tab.seen.add(conv);
    seenCount++;
    out({ type: "seen", t, agent: tab.agent, conv });
  }
  tab.tail = Buffer.from(buf.subarray(Math.max(0, buf.length - 1024)));
}

let dumped = 0;
/** The stream the tab's page names (its registered live tab), as the browser's htmx would open it. */
async function streamPath(c: { cookie: string; page?: string }): Promise<string> {
  const res = await fetch(new URL(c.page ?? "/inbox", url), { headers: { cookie: `cs_session=${c.cookie}` } });
  const html = await res.text();
  const m = /hx-sse:connect="([^"]+)"/.exec(html);
  if (!m) throw new Error(`page ${c.page ?? "/inbox"} answered ${res.status} without a live stream`);
  return m[1]!.replaceAll("&amp;", "&");
}

function connect(c: { cookie: string; agent: number }, path: string, first: boolean) {
  const tab: Tab = { agent: c.agent, needle: Buffer.from(`data-assignee="${c.agent}"`), seen: new Set(), headerDone: false, tail: Buffer.alloc(0) };
  const req = `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\nUser-Agent: centralino-bench-sse\r\nCookie: cs_session=${c.cookie}\r\n\r\n`;
  void Bun.connect({
    hostname: url.hostname,
    port: Number(url.port),
    socket: {
      open(s) {
        s.write(req);
      },
      data(_s, data) {
        const t = now();
        const chunk = Buffer.from(data);
        bytes += chunk.length;
        // --dump FILE: the first 256 KB the first stream received, to see what a page is sent.
        if (first && a.dump && dumped < 262_144) (appendFileSync(a.dump, chunk), (dumped += chunk.length));
        if (!tab.headerDone) {
          const end = chunk.indexOf("\r\n\r\n");
          const status = chunk.subarray(0, 16).toString("latin1");
          if (!status.startsWith("HTTP/1.1 200")) {
            failed++;
            process.stderr.write(`stream for agent ${c.agent} refused: ${chunk.subarray(0, 300).toString()}\n`);
            return;
          }
          if (end < 0) return;
          tab.headerDone = true;
          open++;
          if (!announced && open + failed >= tabs.length) {
            announced = true;
            out({ type: "open", n: open, failed, ms: performance.now() - t0 });
          }
          scan(tab, chunk.subarray(end + 4), t);
          return;
        }
        scan(tab, chunk, t);
      },
      close() {
        if (tab.headerDone) open--;
      },
      error(_s, err) {
        process.stderr.write(`stream error (agent ${c.agent}): ${err.message}\n`);
      },
    },
  }).catch((err) => {
    failed++;
    process.stderr.write(`connect failed (agent ${c.agent}): ${(err as Error).message}\n`);
  });
}

// Load the pages a few at a time, then open the streams a few at a time, as tabs would.
const paths: string[] = [];
for (let i = 0; i < tabs.length; i += 8) paths.push(...(await Promise.all(tabs.slice(i, i + 8).map(streamPath))));
for (let i = 0; i < tabs.length; i++) {
  connect(tabs[i]!, paths[i]!, i === 0);
  if (i % 50 === 49) await Bun.sleep(5);
}

const timer = setInterval(() => out({ type: "stats", open, frames, bytes, seen: seenCount }), 1000);
process.on("SIGTERM", () => {
  clearInterval(timer);
  out({ type: "final", open, failed, frames, bytes, seen: seenCount });
  process.exit(0);
});
