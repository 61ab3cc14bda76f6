// R2 for the send loop: kill -9 while a batch is being sent, restart on the same data, and check at the fake
// Graph API that nothing accepted was lost and that duplicates are at most the sends in flight at the kill.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { eventually } from "./support/app";
import { api } from "./support/client";
import { fakeNumber, startFakeGraph } from "./support/fake-graph";

const ROOT = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "centralino-sendcrash-"));
const graph = startFakeGraph();
const env = { ...process.env, DATA_DIR: dir, PORT: "0", HOST: "127.0.0.1", WA_GRAPH_URL: graph.url, WA_APP_SECRET: "crash-secret", LOG_LEVEL: "warn", SIMULATOR: "off" };
const procs: ReturnType<typeof Bun.spawn>[] = [];

async function serve() {
  const proc = Bun.spawn([process.execPath, "run", join(ROOT, "src/main.ts"), "serve"], { env: { ...env, LOG_LEVEL: "info" }, stdout: "pipe", stderr: "ignore" });
  procs.push(proc);
  const reader = proc.stdout.getReader();
  let out = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${out}`);
    out += new TextDecoder().decode(value);
    const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
    if (m) {
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return { proc, url: m[1]! };
    }
  }
}

afterAll(() => {
  for (const p of procs) p.kill(9);
  graph.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("kill -9 mid-batch: every message is sent after restart, duplicates at most the sends in flight", async () => {
  const token = (await new Response(Bun.spawn([process.execPath, "run", join(ROOT, "src/main.ts"), "token", "create", "--name", "crash", "--role", "admin"], { env, stdout: "pipe" }).stdout).text()).trim();
  graph.templates.set("400000000000001", [{ id: "9", name: "avviso", language: "it", category: "UTILITY", status: "APPROVED", components: [] }]);
  let server = await serve();
  const n = await api(server.url, token, "POST", "/api/v1/numbers", { ...fakeNumber(graph, "410000000000001", "400000000000001"), send_rate_per_min: 4800 });
  expect(n.status).toBe(201);
  const TOTAL = 300;
  const bodies = Array.from({ length: TOTAL }, (_, i) => `msg-${i}`);
  for (let i = 0; i < TOTAL; i += 30) {
    await Promise.all(
      bodies.slice(i, i + 30).map(async (b, j) => {
        const r = await api(server.url, token, "POST", "/api/v1/messages", {
          number_id: n.json.data.id,
          to: `+3933300${String(i + j).padStart(5, "0")}`,
          type: "template",
          template: { name: "avviso", language: { code: "it" }, components: [{ type: "body", parameters: [{ type: "text", text: b }] }] },
        });
        expect(r.status).toBe(202);
      }),
    );
  }
  await eventually(() => graph.attempts.length >= 60, 15_000, 2);
  server.proc.kill(9);
  await server.proc.exited;
  const atKill = graph.attempts.length;
  expect(atKill).toBeLessThan(TOTAL);

  server = await serve();
  const db = new Database(join(dir, "centralino.db"), { readonly: true });
  await eventually(() => db.query<{ n: number }, []>("SELECT count(*) AS n FROM messages WHERE direction = 'out' AND status = 'sent'").get()!.n === TOTAL, 20_000);
  expect(db.query<{ n: number }, []>("SELECT count(*) AS n FROM outbox").get()!.n).toBe(0);
  db.close();

  const seen = new Map<string, number>();
  for (const a of graph.attempts) {
    const text = ((a.body.template as { components: { parameters: { text: string }[] }[] }).components[0]!.parameters[0]!.text);
    seen.set(text, (seen.get(text) ?? 0) + 1);
  }
  expect(bodies.every((b) => seen.has(b))).toBe(true);
  const duplicates = [...seen.values()].reduce((s, c) => s + c - 1, 0);
  // At 4,800/min the loop keeps at most half a second's worth (40) in flight; only those can go twice.
  expect(duplicates).toBeLessThanOrEqual(80);
  server.proc.kill("SIGTERM");
  expect(await server.proc.exited).toBe(0);
}, 60_000);
