// /webhooks/whatsapp: Meta's verification handshake (GET) and signed event POSTs, stored before the 200.
// Also the admin view of events that could not be processed, with replay.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import type { Actor } from "../auth/actor";
import { safeEqual } from "../platform/ids";
import { AppError, notFound } from "../platform/errors";
import { PageQuery, decodeCursor, iso, page } from "../platform/pagination";
import { WEBHOOK_LIMIT, webhookReceiver } from "./receiver";
import { getEvent, listEvents, requeueEvent, type WebhookEventRow } from "./store";


const EventJson = Type.Object({
  id: Type.String(),
  received_at: Type.String({ format: "date-time" }),
  status: Type.String(),
  attempts: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  body: Type.String({ description: "The raw body as Meta sent it" }),
});
const eventJson = (e: WebhookEventRow) => ({ id: String(e.id), received_at: iso(e.received_at)!, status: e.status, attempts: e.attempts, error: e.error, body: e.body });

export function whatsappRoutes(d: Deps) {
  const receive = webhookReceiver(d);
  return [
    route({
      method: "GET",
      path: "/webhooks/whatsapp",
      access: "public",
      noCsrf: true,
      bare: true,
      handler: (c) => {
        const q = c.url.searchParams;
        const ok = q.get("hub.mode") === "subscribe" && safeEqual(q.get("hub.verify_token") ?? "", d.cfg.waVerifyToken!);
        if (!ok) return new Response("verification token mismatch", { status: 403, headers: { "content-type": "text/plain" } });
        return new Response(q.get("hub.challenge") ?? "", { headers: { "content-type": "text/plain" } });
      },
    }),
    route({
      method: "POST",
      path: "/webhooks/whatsapp",
      access: "public",
      noCsrf: true,
      bare: true,
      rawBody: true,
      bodyLimit: WEBHOOK_LIMIT,
      handler: (c) => receive(c.req),
    }),
    route({
      method: "GET",
      path: "/api/v1/webhook-events",
      access: "numbers:manage",
      tag: "Webhooks in",
      summary: "Stored webhook events that failed (or are still pending)",
      query: Type.Object({ status: Type.Optional(Type.Union([Type.Literal("failed"), Type.Literal("pending"), Type.Literal("done")])), ...PageQuery }),
      response: Type.Object({ data: Type.Array(EventJson), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
      handler: (c) => {
        const limit = c.query.limit ?? 50;
        return page(listEvents(d.db, c.query.status ?? "failed", decodeCursor(c.query.cursor), limit + 1), limit, eventJson);
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/webhook-events/:id/replay",
      access: "numbers:manage",
      tag: "Webhooks in",
      summary: "Process a failed event again",
      params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      response: Type.Object({ data: EventJson }),
      handler: (c) => {
        if (!getEvent(d.db, c.params.id)) throw notFound("No such webhook event.");
        if (!requeueEvent(d.db, c.params.id)) throw new AppError(409, "not_failed", "Only a failed event can be replayed.");
        d.audit.record({ actor: c.actor, ip: c.ip, userAgent: c.userAgent }, { action: "webhooks.replay", target: { kind: "webhook_event", id: c.params.id } });
        d.processor.drain();
        return { data: eventJson(getEvent(d.db, c.params.id)!) };
      },
    }),
  ];
}

/** Serves a downloaded media file to someone who may see its conversation, never as active content. */
export function mediaRoutes(d: Deps, canSeeConversation: (actor: Actor, conversationId: number) => boolean) {
  const serve = (c: Ctx) => {
    const m = d.media.get(Number(c.params.id));
    const msg = m?.message_id ? d.conversations.message(m.message_id) : null;
    if (!m || !msg || !canSeeConversation(c.user(), msg.conversation_id)) throw notFound("No such media.");
    if (m.status !== "ready" || !m.path) throw new AppError(409, "media_not_ready", m.status === "failed" ? `The file could not be downloaded: ${m.error ?? "unknown reason"}` : "The file is still downloading.");
    const inline = /^(image\/(jpeg|png|webp)|audio\/|video\/)/.test(m.mime_type ?? "");
    const name = (m.filename ?? `media-${m.id}`).replace(/[^\w.\- ]+/g, "_").slice(0, 100);
    return new Response(Bun.file(`${d.cfg.dataDir}/media/${m.path}`), {
      headers: {
        "content-type": inline ? m.mime_type! : "application/octet-stream",
        "content-disposition": `${inline ? "inline" : "attachment"}; filename="${name}"`,
        "cache-control": "private, max-age=86400",
        "content-security-policy": "default-src 'none'; sandbox",
      },
    });
  };
  const params = Type.Object({ id: Type.Integer({ minimum: 1 }) });
  return [
    route({ method: "GET", path: "/media/:id", access: "conversations:read", params, handler: serve }),
    route({ method: "GET", path: "/api/v1/media/:id", access: "conversations:read", tag: "Conversations", summary: "Download a message's media file", params, handler: serve }),
  ];
}
