// The P3 baseline: the least a paced sender must do, in one Bun process like Centralino with its simulator.
// NUMBERS loops each send RATE requests a second for SECONDS as HTTP POSTs to this process's own Bun.serve,
// which stamps each accept with Date.now() (as the simulator stamps sim_messages.created_at). Each loop keeps an
// even grid (the next send is due one interval after the previous slot; a loop late by less than one interval
// keeps the grid, a longer gap restarts it from now), so the figures show what timers and loopback HTTP allow
// on this box at that moment: no database, no statuses, no check step.
//
//   NUMBERS=10 RATE=20 SECONDS=30 bun run bench/support/outbox-pacer-floor.ts   → one JSON line: {accepts: [[ms...]...]}
export {};

const N = Number(process.env.NUMBERS ?? 10);
const RATE = Number(process.env.RATE ?? 20);
const SECONDS = Number(process.env.SECONDS ?? 30);
const interval = 1000 / RATE;
const accepts: number[][] = Array.from({ length: N }, () => []);

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const b = (await req.json()) as { n: number };
    accepts[b.n]!.push(Date.now());
    return Response.json({ messaging_product: "whatsapp", messages: [{ id: `wamid.${Math.random().toString(36).slice(2)}` }] });
  },
});
const url = `http://127.0.0.1:${server.port}/v21.0/1/messages`;

const end = performance.now() + 200 + SECONDS * 1000;
let running = N;
const done = new Promise<void>((resolve) => {
  for (let n = 0; n < N; n++) {
    let last: number | null = null;
    const tick = () => {
      const now = performance.now();
      if (now >= end) {
        if (--running === 0) resolve();
        return;
      }
      const due = last === null ? now : last + interval;
      if (due > now) return void setTimeout(tick, due - now);
      last = now - due < interval ? due : now;
      void fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n, to: "39348", type: "text", text: { body: "x" } }) }).then((r) => r.arrayBuffer());
      setTimeout(tick, Math.max(0, last + interval - performance.now()));
    };
    setTimeout(tick, 200);
  }
});
await done;
await Bun.sleep(500); // the last requests in flight
console.log(JSON.stringify({ numbers: N, rate: RATE, seconds: SECONDS, accepts }));
server.stop(true);
process.exit(0);
