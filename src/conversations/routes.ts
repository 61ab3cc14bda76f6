// Conversations and messages through the API (PRODUCT.md "API core"). Who sees what: conversations:read_all
// sees every conversation; conversations:read sees those on numbers its teams serve and those assigned to it.
import { Type } from "@sinclair/typebox";
import type { Actor } from "../auth/actor";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { badRequest, notFound } from "../platform/errors";
import { PageQuery, decodeCursor, encodeCursor, iso } from "../platform/pagination";
import { WINDOW_MS } from "./service";
import type { ConversationListRow, ConversationRow, MessageRow } from "./store";
import { getConversationView, listConversations, listMessages } from "./store";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ConversationJson = Type.Object({
  id: Type.String(),
  number_id: Type.String(),
  contact: Type.Object({ id: Type.String(), phone: Nullable(Type.String()), wa_id: Nullable(Type.String()), name: Type.String() }),
  status: Type.Union([Type.Literal("open"), Type.Literal("snoozed"), Type.Literal("resolved")]),
  assignee_id: Nullable(Type.String()),
  team_id: Nullable(Type.String()),
  unread: Type.Integer(),
  window_expires_at: Nullable(Type.String({ format: "date-time", description: "End of the 24-hour customer service window; null when the customer never wrote" })),
  last_message_at: Type.String({ format: "date-time" }),
  created_at: Type.String({ format: "date-time" }),
});

export const MessageJson = Type.Object({
  id: Type.String(),
  wamid: Nullable(Type.String()),
  direction: Type.Union([Type.Literal("in"), Type.Literal("out")]),
  type: Type.String({ description: "text, image, video, audio, document, sticker, location, contacts, interactive, button, reaction, order, system, unsupported, template, ..." }),
  text: Type.String({ description: "Body, caption or title" }),
  content: Type.Record(Type.String(), Type.Unknown(), { description: "The type's own object as WhatsApp defines it, plus context and referral" }),
  author: Type.Object({ kind: Type.String(), id: Nullable(Type.String()) }),
  status: Nullable(Type.String()),
  error: Type.Union([Type.Object({ code: Type.Integer(), message: Type.String() }), Type.Null()]),
  media: Type.Union([Type.Object({ id: Type.String(), status: Type.String(), mime_type: Nullable(Type.String()), size: Type.Union([Type.Integer(), Type.Null()]), url: Nullable(Type.String()) }), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
});

/** The numbers an actor sees conversations of; null means all of them. */
export function visibleNumbers(d: Deps, actor: Actor): number[] | null {
  if (actor.perms.has("conversations:read_all")) return null;
  return actor.userId === null ? [] : d.numbers.ofTeams(d.teams.teamIdsOf(actor.userId));
}

/** True when `actor` may see conversation `c`. */
export function canSee(d: Deps, actor: Actor, c: ConversationRow): boolean {
  const numbers = visibleNumbers(d, actor);
  return numbers === null || numbers.includes(c.number_id) || (actor.userId !== null && c.assignee_id === actor.userId);
}

export function conversationJson(c: ConversationListRow) {
  return {
    id: String(c.id),
    number_id: String(c.number_id),
    contact: { id: String(c.contact_id), phone: c.phone, wa_id: c.wa_id, name: c.contact_name },
    status: c.status,
    assignee_id: c.assignee_id === null ? null : String(c.assignee_id),
    team_id: c.team_id === null ? null : String(c.team_id),
    unread: c.unread,
    window_expires_at: c.window_last_inbound_at === null ? null : iso(c.window_last_inbound_at + WINDOW_MS),
    last_message_at: iso(c.last_message_at)!,
    created_at: iso(c.created_at)!,
  };
}

export function messageJson(d: Deps, m: MessageRow) {
  const media = d.media.forMessage(m.id);
  return {
    id: String(m.id),
    wamid: m.wamid,
    direction: m.direction,
    type: m.type,
    text: m.text,
    content: JSON.parse(m.payload) as Record<string, unknown>,
    author: { kind: m.author_kind, id: m.author_id },
    status: m.status,
    error: m.error_code !== null ? { code: m.error_code, message: [m.error_title, m.error_details].filter(Boolean).join(": ") } : null,
    media: media ? { id: String(media.id), status: media.status, mime_type: media.mime_type, size: media.size, url: media.status === "ready" ? `/media/${media.id}` : null } : null,
    created_at: iso(m.created_at)!,
  };
}

export function conversationsRoutes(d: Deps) {
  const one = (c: Ctx, id: number) => {
    const conv = d.conversations.get(id);
    if (!conv || !canSee(d, c.user(), conv)) throw notFound("No such conversation.");
    return conversationJson(getConversationView(d.db, id)!);
  };
  const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

  return [
    route({
      method: "GET",
      path: "/api/v1/conversations",
      access: "conversations:read",
      tag: "Conversations",
      summary: "List conversations, newest activity first",
      query: Type.Object({
        status: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("snoozed"), Type.Literal("resolved")])),
        number_id: Type.Optional(Type.String({ pattern: "^\\d+$" })),
        assignee_id: Type.Optional(Type.String({ pattern: "^\\d+$" })),
        contact_id: Type.Optional(Type.String({ pattern: "^\\d+$" })),
        ...PageQuery,
      }),
      response: Type.Object({ data: Type.Array(ConversationJson), next_cursor: Nullable(Type.String()) }),
      handler: (c) => {
        const a = c.user();
        const limit = c.query.limit ?? 50;
        const beforeKey = cursorKey(c.query.cursor);
        const rows = listConversations(d.db, {
          status: c.query.status,
          numberId: c.query.number_id ? Number(c.query.number_id) : undefined,
          assigneeId: c.query.assignee_id ? Number(c.query.assignee_id) : undefined,
          contactId: c.query.contact_id ? Number(c.query.contact_id) : undefined,
          visibleNumbers: visibleNumbers(d, a),
          userId: a.userId,
          beforeKey,
          limit: limit + 1,
        });
        const more = rows.length > limit;
        const items = rows.slice(0, limit);
        const last = items.at(-1);
        return { data: items.map(conversationJson), next_cursor: more && last ? Buffer.from(`k1:${last.last_message_at}:${last.id}`).toString("base64url") : null };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/conversations/:id",
      access: "conversations:read",
      tag: "Conversations",
      summary: "Get a conversation",
      params: Id,
      response: Type.Object({ data: ConversationJson }),
      handler: (c) => ({ data: one(c, c.params.id) }),
    }),
    route({
      method: "GET",
      path: "/api/v1/conversations/:id/messages",
      access: "conversations:read",
      tag: "Conversations",
      summary: "Messages of a conversation, newest first",
      params: Id,
      query: Type.Object({ ...PageQuery }),
      response: Type.Object({ data: Type.Array(MessageJson), next_cursor: Nullable(Type.String()) }),
      handler: (c) => {
        one(c, c.params.id);
        const limit = c.query.limit ?? 50;
        const rows = listMessages(d.db, c.params.id, decodeCursor(c.query.cursor), limit + 1);
        const more = rows.length > limit;
        const items = rows.slice(0, limit);
        return { data: items.map((m) => messageJson(d, m)), next_cursor: more ? encodeCursor(items.at(-1)!.id) : null };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/conversations/:id/resolve",
      access: "conversations:resolve",
      tag: "Conversations",
      summary: "Resolve a conversation",
      params: Id,
      response: Type.Object({ data: ConversationJson }),
      handler: (c) => {
        one(c, c.params.id);
        d.conversations.resolve(c.params.id, who(c));
        return { data: one(c, c.params.id) };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/conversations/:id/reopen",
      access: "conversations:resolve",
      tag: "Conversations",
      summary: "Reopen a resolved conversation",
      params: Id,
      response: Type.Object({ data: ConversationJson }),
      handler: (c) => {
        one(c, c.params.id);
        d.conversations.reopen(c.params.id, who(c));
        return { data: one(c, c.params.id) };
      },
    }),
  ];
}

/** Conversation cursors hold (last_message_at, id), the list's sort key. */
function cursorKey(cursor: string | undefined): { at: number; id: number } | null {
  if (!cursor) return null;
  const m = /^k1:(\d+):(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw badRequest("invalid_cursor", "cursor is not valid: pass the next_cursor value of a previous answer unchanged.");
  return { at: Number(m[1]), id: Number(m[2]) };
}
