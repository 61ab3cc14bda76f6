// The load generator's ceiling: a Bun.serve that reads the body and answers 200 with no other work. Whatever
// rate the generator reaches against this is the most it can measure on this box (it shares the cores).
//   PORT=0 bun run bench/support/trivial.ts   → prints {"msg":"listening","url":...}
export {}; // a module, not a global script

const server = Bun.serve({
  port: Number(process.env.PORT ?? 0),
  hostname: "127.0.0.1",
  async fetch(req) {
    await req.arrayBuffer();
    return new Response("EVENT_RECEIVED");
  },
});
console.log(JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${server.port}` }));
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
