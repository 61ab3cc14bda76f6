// A bare fake Graph API on a real port, for tests that script Meta's answers (the product's own simulator is
// tested separately). It records every request and answers from a small, mutable state.

export interface FakeRequest {
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
}

export interface FakeGraph {
  url: string;
  requests: FakeRequest[];
  /** Valid access tokens; anything else gets error 190. */
  tokens: Set<string>;
  numbers: Map<string, Record<string, unknown>>;
  templates: Map<string, Record<string, unknown>[]>;
  /** media id → file */
  media: Map<string, { bytes: Uint8Array; mime: string; sha256?: string }>;
  /** Scripted answer for the next sends: a Graph error code, or "network" (a 502 without a Meta body). */
  nextSendErrors: (number | "network")[];
  /** Every send attempt (accepted or not) with the test clock's time. */
  attempts: { at: number; to: string; body: Record<string, unknown>; result: string }[];
  sent: Record<string, unknown>[];
  /** While true, sends answer 503 with Meta's code 2 (service unavailable). */
  outage: boolean;
  /** Runs before a send is answered (e.g. to deliver a status webhook first). */
  beforeRespond: ((body: Record<string, unknown>, wamid: string) => Promise<void>) | null;
  stop(): void;
}

const graphError = (code: number, message: string, status = 400) =>
  Response.json({ error: { message: `(#${code}) ${message}`, type: "OAuthException", code, error_data: { messaging_product: "whatsapp", details: message }, fbtrace_id: "AfakeTrace" } }, { status });

export function startFakeGraph(now: () => number = Date.now): FakeGraph {
  let seq = 0;
  const state: Omit<FakeGraph, "url" | "stop"> = { requests: [], tokens: new Set(["good-token-123"]), numbers: new Map(), templates: new Map(), media: new Map(), nextSendErrors: [], attempts: [], sent: [], outage: false, beforeRespond: null };
  const server: import("bun").Server<unknown> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req): Promise<Response> {
      const url = new URL(req.url);
      const auth = req.headers.get("authorization");
      const type = req.headers.get("content-type") ?? "";
      const body = type.includes("json") ? await req.json().catch(() => null) : null;
      state.requests.push({ method: req.method, path: url.pathname + url.search, auth, body });
      if (!auth || !state.tokens.has(auth.replace(/^Bearer /, ""))) return graphError(190, "Invalid OAuth access token - Cannot parse access token", 401);
      if (url.pathname.startsWith("/download/")) {
        const m = state.media.get(url.pathname.slice("/download/".length));
        return m ? new Response(m.bytes as BodyInit, { headers: { "content-type": m.mime } }) : new Response("gone", { status: 404 });
      }
      const parts = url.pathname.split("/").filter(Boolean);
      const [, id, edge] = parts;
      if (!id) return graphError(100, "Unsupported request");
      if (req.method === "GET" && !edge && state.numbers.has(id)) return Response.json({ id, ...state.numbers.get(id) });
      if (req.method === "GET" && !edge && state.media.has(id)) {
        const m = state.media.get(id)!;
        return Response.json({ messaging_product: "whatsapp", id, url: `http://127.0.0.1:${server.port}/download/${id}`, mime_type: m.mime, sha256: m.sha256 ?? null, file_size: String(m.bytes.byteLength) });
      }
      if (req.method === "POST" && edge === "subscribed_apps") return Response.json({ success: true });
      if (req.method === "GET" && edge === "message_templates") return Response.json({ data: state.templates.get(id) ?? [], paging: { cursors: { before: "b", after: "a" } } });
      if (req.method === "POST" && edge === "messages") {
        const b = body as Record<string, unknown>;
        if (b.status === "read") return Response.json({ success: true });
        const attempt = { at: now(), to: String(b.to ?? ""), body: b, result: "accepted" };
        state.attempts.push(attempt);
        if (state.outage) return (attempt.result = "outage"), graphError(2, "Service temporarily unavailable", 503);
        const next = state.nextSendErrors.shift();
        if (next === "network") return (attempt.result = "network"), new Response(null, { status: 502 });
        if (typeof next === "number") return (attempt.result = String(next)), graphError(next, "scripted error", next === 130429 || next === 131056 ? 429 : 400);
        state.sent.push(b);
        const to = String(b.to ?? "").replace(/\D/g, "");
        const wamid = `wamid.FAKE${++seq}`;
        if (state.beforeRespond) await state.beforeRespond(b, wamid);
        return Response.json({ messaging_product: "whatsapp", contacts: [{ input: b.to, wa_id: to }], messages: [{ id: wamid }] });
      }
      return graphError(100, `Unsupported ${req.method} request to ${url.pathname}`);
    },
  });
  // A live view: tests change outage/beforeRespond on the returned object and the server reads them from it.
  return Object.assign(state, { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) }) as FakeGraph;
}

/** Registers a number on the fake and returns the connect body for POST /api/v1/numbers. */
export function fakeNumber(g: FakeGraph, phoneNumberId: string, wabaId: string, display = "+1 555 078 3881") {
  g.numbers.set(phoneNumberId, { display_phone_number: display, verified_name: "Bottega Test", quality_rating: "GREEN", messaging_limit_tier: "TIER_1K", throughput: { level: "STANDARD" }, name_status: "APPROVED", code_verification_status: "VERIFIED" });
  return { phone_number_id: phoneNumberId, waba_id: wabaId, display_phone_number: display, access_token: "good-token-123", name: "Bottega" };
}
