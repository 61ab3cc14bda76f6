// Notifications API: a person reads and clears their own (a role token acts as nobody and has none).
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route } from "../platform/http";
import { invalid } from "../platform/errors";
import { PageQuery, decodeCursor, encodeCursor, iso } from "../platform/pagination";
import type { NotificationRow } from "./store";

const NotificationJson = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal("assigned"), Type.Literal("mention"), Type.Literal("transferred")]),
  conversation_id: Type.Union([Type.String(), Type.Null()]),
  note_id: Type.Union([Type.String(), Type.Null()]),
  actor: Type.String({ description: "Who caused it (name or email at the time)" }),
  read: Type.Boolean(),
  created_at: Type.String({ format: "date-time" }),
  read_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const json = (n: NotificationRow) => ({
  id: String(n.id),
  kind: n.kind,
  conversation_id: n.conversation_id === null ? null : String(n.conversation_id),
  note_id: n.note_id === null ? null : String(n.note_id),
  actor: n.actor_label,
  read: n.read_at !== null,
  created_at: iso(n.created_at)!,
  read_at: iso(n.read_at),
});

export function notificationsApi(d: Deps) {
  return [
    route({
      method: "GET",
      path: "/api/v1/notifications",
      access: "signed-in",
      tag: "Notifications",
      summary: "Your notifications, newest first",
      query: Type.Object({ unread: Type.Optional(Type.Boolean({ description: "Only unread ones" })), ...PageQuery }),
      response: Type.Object({ data: Type.Array(NotificationJson), next_cursor: Type.Union([Type.String(), Type.Null()]), unread_count: Type.Integer() }),
      handler: (c) => {
        const userId = c.user().userId;
        if (userId === null) return { data: [], next_cursor: null, unread_count: 0 };
        const limit = c.query.limit ?? 50;
        const rows = d.notifications.list(userId, { unreadOnly: c.query.unread, limit: limit + 1, beforeId: decodeCursor(c.query.cursor) });
        const items = rows.slice(0, limit);
        return { data: items.map(json), next_cursor: rows.length > limit ? encodeCursor(items.at(-1)!.id) : null, unread_count: d.notifications.unreadCount(userId) };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/notifications/read",
      access: "signed-in",
      tag: "Notifications",
      summary: "Mark your notifications read",
      description: "Send `ids` (your notifications' ids) or `all: true`. Ids of other people's notifications are ignored.",
      body: Type.Object(
        { ids: Type.Optional(Type.Array(Type.String({ pattern: "^\\d+$", description: "a notification id" }), { maxItems: 500 })), all: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
      response: Type.Object({ data: Type.Object({ unread_count: Type.Integer() }) }),
      handler: (c) => {
        if (!c.body.all && !c.body.ids) throw invalid([{ field: "ids", message: "send ids, or all: true" }]);
        const userId = c.user().userId;
        if (userId === null) return { data: { unread_count: 0 } };
        d.notifications.markRead(userId, c.body.all ? "all" : c.body.ids!.map(Number));
        return { data: { unread_count: d.notifications.unreadCount(userId) } };
      },
    }),
  ];
}
