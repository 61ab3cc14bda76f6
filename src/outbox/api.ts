// POST /api/v1/messages (queued through the check step, 202), GET /api/v1/messages/:id, and retry of a failed
// message. POSTs honour Idempotency-Key: the same key and body from the same caller return the first answer.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError, invalid, notFound } from "../platform/errors";
import { sha256 } from "../platform/ids";
import { iso } from "../platform/pagination";
import type { MessageRow } from "../conversations";
import { canSee, visibleNumbers } from "../conversations/routes";
import { getIdempotency, putIdempotency } from "./store";
import type { SendType } from "./service";

const Media = Type.Object({ id: Type.Optional(Type.String()), link: Type.Optional(Type.String({ pattern: "^https://" })), caption: Type.Optional(Type.String({ maxLength: 1024 })), filename: Type.Optional(Type.String({ maxLength: 240 })) });

const SendBody = Type.Object(
  {
    number_id: Type.String({ pattern: "^\\d+$" }),
    to: Type.String({ minLength: 5, maxLength: 32, description: "E.164, e.g. +393331234567" }),
    type: Type.Union(["text", "template", "image", "document", "audio", "video", "interactive", "location"].map((t) => Type.Literal(t))),
    text: Type.Optional(Type.Object({ body: Type.String({ minLength: 1, maxLength: 4096 }), preview_url: Type.Optional(Type.Boolean()) })),
    template: Type.Optional(Type.Object({ name: Type.String({ minLength: 1, maxLength: 512 }), language: Type.Object({ code: Type.String({ minLength: 2 }) }), components: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 20 })) })),
    image: Type.Optional(Media),
    document: Type.Optional(Media),
    audio: Type.Optional(Media),
    video: Type.Optional(Media),
    interactive: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    location: Type.Optional(Type.Object({ latitude: Type.Number(), longitude: Type.Number(), name: Type.Optional(Type.String()), address: Type.Optional(Type.String()) })),
    context: Type.Optional(Type.Object({ message_id: Type.String() })),
  },
  { additionalProperties: false },
);

const MessageStatusJson = Type.Object({
  id: Type.String(),
  conversation_id: Type.String(),
  number_id: Type.String(),
  direction: Type.String(),
  type: Type.String(),
  text: Type.String(),
  status: Type.Union([Type.String(), Type.Null()], { description: "queued → sending → sent → delivered → read, or failed, or cancelled" }),
  wamid: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.Union([Type.Integer(), Type.String()]), message: Type.String() }), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
  sent_at: Type.Union([Type.String(), Type.Null()]),
  delivered_at: Type.Union([Type.String(), Type.Null()]),
  read_at: Type.Union([Type.String(), Type.Null()]),
});

export function messageStatusJson(m: MessageRow) {
  const error = m.error_code !== null ? { code: m.error_code, message: [m.error_title, m.error_details].filter(Boolean).join(": ") } : m.status === "cancelled" && m.error_title ? { code: m.error_title, message: m.error_details ?? "" } : null;
  return {
    id: String(m.id),
    conversation_id: String(m.conversation_id),
    number_id: String(m.number_id),
    direction: m.direction,
    type: m.type,
    text: m.text,
    status: m.status,
    wamid: m.wamid,
    error,
    created_at: iso(m.created_at)!,
    sent_at: iso(m.sent_at),
    delivered_at: iso(m.delivered_at),
    read_at: iso(m.read_at),
  };
}

/** Who a request speaks for, for idempotency keys and authorship. */
const actorKey = (c: Ctx) => (c.actor!.tokenId !== null ? `token:${c.actor!.tokenId}` : `user:${c.actor!.userId}`);

export function messagesApi(d: Deps) {
  const need = (c: Ctx, id: number) => {
    const m = d.conversations.message(id);
    const conv = m ? d.conversations.get(m.conversation_id) : null;
    if (!m || !conv || !canSee(d, c.user(), conv)) throw notFound("No such message.");
    return m;
  };
  return [
    route({
      method: "POST",
      path: "/api/v1/messages",
      access: "conversations:reply",
      tag: "Messages",
      summary: "Send a message (queued through the check step and the number's send loop)",
      description:
        "The body carries the Graph API's own object for the type: text{body}, template{name, language{code}, components}, image{id|link, caption}, document{id|link, caption, filename}. " +
        "422 codes: outside_window (free-form outside the 24-hour window), opted_out (marketing template to an opted-out contact), invalid_recipient, unknown_template, template_not_approved, invalid_parameters, blocked_content. Send an Idempotency-Key header to make retries safe.",
      body: SendBody,
      status: 202,
      response: Type.Object({ data: Type.Object({ id: Type.String(), status: Type.Literal("queued"), warnings: Type.Array(Type.String()) }) }),
      handler: (c) => {
        const b = c.body;
        const allowed = visibleNumbers(d, c.user());
        if (allowed !== null && !allowed.includes(Number(b.number_id))) throw new AppError(403, "number_not_allowed", "You may only send from numbers your teams serve.");
        const content = b[b.type as keyof typeof b] as Record<string, unknown> | undefined;
        if (!content) throw invalid([{ field: b.type, message: `is required when type is ${b.type}` }]);
        if (["image", "document", "audio", "video"].includes(b.type) && !content.id === !content.link) throw invalid([{ field: b.type, message: "give either id (uploaded media) or link (https URL)" }]);
        const key = c.req.headers.get("idempotency-key");
        if (key && key.length > 200) throw invalid([{ field: "Idempotency-Key", message: "must be at most 200 characters" }]);
        const hash = sha256(JSON.stringify(b));
        const actor = actorKey(c);
        // Group commit: the requests of one event-loop turn share one transaction and one fsync, each in its own
        // savepoint (a 422 or 409 rolls back only its own writes). The 202 is sent after the COMMIT that holds
        // the message, its outbox row and its Idempotency-Key record; the send loop is woken only then.
        return d.commits.run((emits) => {
          if (key) {
            const seen = getIdempotency(d.db, actor, key, d.clock.now() - 86_400_000);
            if (seen && seen.request_hash !== hash) throw new AppError(422, "idempotency_key_reused", "This Idempotency-Key was already used with a different body.");
            if (seen) return new Response(seen.response, { status: seen.status, headers: { "content-type": "application/json", "idempotent-replay": "true" } });
          }
          const { message, warnings } = d.outbox.enqueue(
            {
              numberId: Number(b.number_id),
              to: b.to,
              type: b.type as SendType,
              content,
              // A user token acts as its person: the message is theirs, and it answers the customer like a reply
              // typed in the inbox. A role token is the integration itself.
              ...(c.actor!.userId !== null ? { authorKind: "agent" as const, authorId: String(c.actor!.userId) } : { authorKind: "api" as const, authorId: actor }),
              context: b.context?.message_id ?? null,
            },
            emits,
          );
          const response = JSON.stringify({ data: { id: String(message.id), status: "queued", warnings } });
          if (key) putIdempotency(d.db, { actor, key, request_hash: hash, status: 202, response, created_at: d.clock.now() });
          return new Response(response, { status: 202, headers: { "content-type": "application/json" } });
        });
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/messages/:id",
      access: "conversations:read",
      tag: "Messages",
      summary: "A message's status, wamid and error",
      params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      response: Type.Object({ data: MessageStatusJson }),
      handler: (c) => ({ data: messageStatusJson(need(c, c.params.id)) }),
    }),
    route({
      method: "POST",
      path: "/api/v1/messages/:id/retry",
      access: "conversations:reply",
      tag: "Messages",
      summary: "Put a failed or cancelled message back in the queue",
      params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      response: Type.Object({ data: MessageStatusJson }),
      handler: (c) => {
        need(c, c.params.id);
        return { data: messageStatusJson(d.outbox.retry(c.params.id)) };
      },
    }),
  ];
}
