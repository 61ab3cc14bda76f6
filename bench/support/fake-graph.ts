// A tiny fake Graph API for benchmarks: enough for Centralino to connect one number (read the number's fields,
// subscribe the app, list templates) and to accept sends and mark-as-read, answering like Meta. It counts what
// it was asked, so a bench can report whether processing called out to "Meta".

export interface BenchGraph {
  url: string;
  calls: Map<string, number>;
  stop(): void;
}

export const BENCH_TOKEN = "bench-access-token";

export function startBenchGraph(): BenchGraph {
  const calls = new Map<string, number>();
  let seq = 0;
  const error = (code: number, message: string, status = 400) => Response.json({ error: { message: `(#${code}) ${message}`, type: "OAuthException", code, fbtrace_id: "Abench" } }, { status });
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      const [, id, edge] = url.pathname.split("/").filter(Boolean);
      const key = `${req.method} ${edge ?? (id ? ":id" : "/")}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      if (req.headers.get("authorization") !== `Bearer ${BENCH_TOKEN}`) return error(190, "Invalid OAuth access token", 401);
      if (!id) return error(100, "Unsupported request");
      if (req.method === "GET" && !edge) {
        return Response.json({ id, display_phone_number: "+1 555 078 3881", verified_name: "Bottega Bench", quality_rating: "GREEN", messaging_limit_tier: "TIER_1K", throughput: { level: "STANDARD" }, name_status: "APPROVED", code_verification_status: "VERIFIED" });
      }
      if (req.method === "POST" && edge === "subscribed_apps") return Response.json({ success: true });
      if (req.method === "GET" && edge === "message_templates") return Response.json({ data: [], paging: { cursors: { before: "b", after: "a" } } });
      if (req.method === "POST" && edge === "messages") {
        const body = (await req.json().catch(() => ({}))) as Record<string, unknown>;
        if (body.status === "read") return Response.json({ success: true });
        return Response.json({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: String(body.to ?? "").replace(/\D/g, "") }], messages: [{ id: `wamid.BENCHOUT${++seq}` }] });
      }
      return error(100, `Unsupported ${req.method} request to ${url.pathname}`);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, calls, stop: () => server.stop(true) };
}
