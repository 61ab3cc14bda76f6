// The startup baseline: the smallest Bun.serve that answers the same two URLs bench/startup.ts polls
// (/healthz as JSON, /login as HTML) and exits on SIGTERM. Centralino's figures are read as ratios to this one,
// measured in the same run on the same machine.
export {};

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/healthz") return Response.json({ status: "ok" });
    if (path === "/login") return new Response('<form><input name="password" type="password"></form>', { headers: { "content-type": "text/html; charset=utf-8" } });
    return new Response("not found", { status: 404 });
  },
});

process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
