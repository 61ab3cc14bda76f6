// R1: kill -9 during heavy ingest. The server runs as a subprocess on a temp DATA_DIR with a connected number;
// thousands of signed webhooks go in (20 in flight, 5% exact re-sends); once the database shows enough stored
// events the server gets SIGKILL while requests are still in flight. After a restart on the same DATA_DIR,
// every wamid that was answered 200 must be stored as a message exactly once, and the file must pass
// integrity_check. Then the bodies that never got a 200 are re-sent (Meta retries them) and everything ever
// sent must be there exactly once.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { eventually } from "./support/app";
import { fakeNumber, startFakeGraph, type FakeGraph } from "./support/fake-graph";
import { escapedJson, signBody } from "../src/whatsapp";

const ROOT = join(import.meta.dir, "..");
const BUN = process.execPath;
const SECRET = "crash-test-app-secret";
const PHONE_ID = "106540352242922";
const WABA_ID = "102290129340398";
const TOTAL = 4000;
const IN_FLIGHT = 20;
const KILL_AT = 1500;

let graph: FakeGraph;
let dataDir: string;
const procs: Subprocess[] = [];

interface Server {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
}

/** Starts `serve` on the shared DATA_DIR and resolves once its JSON log says where it listens. */
async function serve(): Promise<Server> {
  const proc = Bun.spawn([BUN, "run", join(ROOT, "src/main.ts"), "serve"], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", WA_APP_SECRET: SECRET, WA_GRAPH_URL: graph.url, SIMULATOR: "off", LOG_LEVEL: "info" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(proc);
  let out = "";
  let found: ((url: string) => void) | null = null;
  const url = new Promise<string>((r) => (found = r));
  // Keep draining both pipes for the life of the process, so logging never blocks the server.
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) {
      out = (out + dec.decode(chunk)).slice(-20_000);
      const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (m && found) {
        found(m[1]!);
        found = null;
      }
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  return {
    proc,
    url: await Promise.race([url, proc.exited.then((code) => Promise.reject(new Error(`server exited (${code}) before listening:\n${out}`)))]),
  };
}

function body(i: number): string {
  const waId = `39333${String(1_000_000 + (i % 300)).padStart(7, "0")}`;
  return escapedJson({
    object: "whatsapp_business_account",
    entry: [{ id: WABA_ID, changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: PHONE_ID }, contacts: [{ profile: { name: `Cliente ${i % 300}` }, wa_id: waId }], messages: [{ from: waId, id: `wamid.CRASH${i}`, timestamp: String(1_750_000_000 + i), type: "text", text: { body: `messaggio n. ${i}: caffè ☕` } }] } }] }],
  });
}

const post = (url: string, raw: string) =>
  fetch(url + "/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, SECRET) }, body: raw });

beforeAll(async () => {
  graph = startFakeGraph();
  dataDir = mkdtempSync(join(tmpdir(), "centralino-crash-"));
});

afterAll(async () => {
  for (const p of procs) {
    if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    await p.exited;
  }
  graph.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test(
  "SIGKILL during ingest loses no acknowledged webhook, stores none twice, and leaves a sound database",
  async () => {
    const token = Bun.spawnSync([BUN, "run", join(ROOT, "src/main.ts"), "token", "create", "--name", "crash", "--role", "admin"], { env: { ...process.env, DATA_DIR: dataDir } });
    expect(token.exitCode).toBe(0);
    const first = await serve();
    const connect = await fetch(first.url + "/api/v1/numbers", {
      method: "POST",
      headers: { authorization: `Bearer ${token.stdout.toString().trim()}`, "content-type": "application/json" },
      body: JSON.stringify(fakeNumber(graph, PHONE_ID, WABA_ID)),
    });
    expect(connect.status).toBe(201);

    // The send plan: TOTAL unique messages, plus 5% exact re-sends of a body sent a little earlier.
    const plan: number[] = [];
    let seed = 20240601;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < TOTAL; i++) {
      plan.push(i);
      if (i > 100 && rand() < 0.05) plan.push(i - 1 - Math.floor(rand() * 100));
    }

    const acked = new Set<number>();
    const failed = new Set<number>();
    let next = 0;
    let killed = false;
    let inFlight = 0;
    let inFlightAtKill = -1;
    let ackedAtKill = -1;
    const worker = async () => {
      while (!killed && next < plan.length) {
        const i = plan[next++]!;
        inFlight++;
        try {
          const r = await post(first.url, body(i));
          await r.arrayBuffer();
          if (r.status === 200) acked.add(i);
          else failed.add(i);
        } catch {
          failed.add(i); // the connection died with the server: no answer, so no promise was made
        } finally {
          inFlight--;
        }
      }
    };

    // Watch the database from outside (read-only; WAL lets a reader in while the server writes) and pull the
    // plug once enough events are stored.
    const reader = new Database(join(dataDir, "centralino.db"), { readonly: true });
    const storedEvents = () => reader.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events").get()!.n;
    let pendingAtKill = -1;
    const killer = (async () => {
      await eventually(() => storedEvents() > KILL_AT, 20_000, 2);
      inFlightAtKill = inFlight;
      ackedAtKill = acked.size;
      first.proc.kill("SIGKILL");
      killed = true;
      pendingAtKill = reader.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events WHERE status = 'pending'").get()!.n;
    })();
    const workers = Array.from({ length: IN_FLIGHT }, worker);
    await killer;
    await Promise.all(workers);
    reader.close();
    await first.proc.exited;
    expect(first.proc.signalCode).toBe("SIGKILL");
    console.log(`crash test: killed with ${inFlightAtKill} requests in flight, ${ackedAtKill} acked, ${pendingAtKill} events not yet processed; ${acked.size} acked in all`);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(KILL_AT / 2);

    // Restart on the same files: the stored events get processed.
    const second = await serve();
    const db = new Database(join(dataDir, "centralino.db"), { readonly: true });
    const stored = () => new Set(db.query<{ wamid: string }, []>("SELECT wamid FROM messages WHERE direction = 'in'").all().map((r) => r.wamid));
    const pending = () => db.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events WHERE status = 'pending'").get()!.n;
    await eventually(() => {
      if (pending() > 0) return false;
      const s = stored();
      return [...acked].every((i) => s.has(`wamid.CRASH${i}`));
    }, 15_000, 50);
    const afterRestart = stored();
    const lost = [...acked].filter((i) => !afterRestart.has(`wamid.CRASH${i}`));
    expect(lost).toEqual([]);

    // Meta re-sends what was never acknowledged (including what was in flight at the kill).
    const retry = [...new Set(plan.slice(0, next))].filter((i) => !acked.has(i));
    for (let k = 0; k < retry.length; k += IN_FLIGHT) {
      const rs = await Promise.all(retry.slice(k, k + IN_FLIGHT).map((i) => post(second.url, body(i)).then((r) => r.status)));
      expect(rs.every((s) => s === 200)).toBe(true);
    }
    const everSent = new Set(plan.slice(0, next));
    await eventually(() => pending() === 0 && stored().size >= everSent.size, 15_000, 50);
    const all = stored();
    expect([...everSent].filter((i) => !all.has(`wamid.CRASH${i}`))).toEqual([]);
    expect(all.size).toBe(everSent.size);
    const dups = db.query<{ wamid: string; n: number }, []>("SELECT wamid, count(*) AS n FROM messages GROUP BY wamid HAVING n > 1").all();
    expect(dups).toEqual([]);
    expect(db.query<{ n: number }, []>("SELECT count(*) AS n FROM webhook_events WHERE status = 'failed'").get()!.n).toBe(0);
    db.close();

    second.proc.kill("SIGTERM");
    expect(await second.proc.exited).toBe(0);
    const check = new Database(join(dataDir, "centralino.db"));
    expect(check.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
    expect(check.query("PRAGMA foreign_key_check").all()).toEqual([]);
    check.close();
  },
  40_000,
);
