// The signed webhook POST itself: raw bytes, signature, a shape check, then durable intake before the 200.
// Shared by the app's route and the server's fast path (which skips the framework for Meta's busiest call).
import type { Deps } from "../deps";
import { readBody } from "../platform/http";
import { AppError } from "../platform/errors";
import { verifySignature } from "./signature";
import { webhookSecret } from "./secret";

/** Meta sends at most 3 MB per POST. */
export const WEBHOOK_LIMIT = 4 * 1024 * 1024;

const fail = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });
const decoder = new TextDecoder();

export function webhookReceiver(d: Deps): (req: Request) => Promise<Response> {
  const secret = webhookSecret(d.cfg);
  return async (req) => {
    if (!d.cfg.waAppSecret && d.numbers.realConnected() > 0) {
      return fail(503, "app_secret_missing", "WA_APP_SECRET is not set, so Meta's signatures cannot be verified; set it and restart. Meta keeps retrying meanwhile.");
    }
    let raw: Uint8Array;
    try {
      raw = await readBody(req, WEBHOOK_LIMIT);
    } catch (e) {
      if (e instanceof AppError) return fail(e.status, e.code, e.message);
      throw e;
    }
    if (!verifySignature(raw, req.headers.get("x-hub-signature-256"), secret)) {
      d.metrics.inc("centralino_webhook_rejected_total", "Webhook POSTs refused.", { reason: "signature" });
      return fail(401, "invalid_signature", "X-Hub-Signature-256 is missing or does not match the body.");
    }
    const text = decoder.decode(raw);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return fail(400, "invalid_json", "The body is not valid JSON.");
    }
    if (!body || typeof body !== "object" || !Array.isArray((body as { entry?: unknown }).entry)) {
      return fail(400, "malformed_event", "The body is not a WhatsApp webhook event (no entry array).");
    }
    await d.intake.accept(text, d.clock.now());
    return new Response("EVENT_RECEIVED", { headers: { "content-type": "text/plain" } });
  };
}
