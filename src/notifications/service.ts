// A person's own notifications: a conversation assigned or transferred to them, a mention in a note. Written
// by routing and notes, read by the inbox header; the bus events let live pages update the unread badge.
import type { Platform } from "../deps";
import { countUnread, insertNotification, listNotifications, markAllRead, markRead, type NotificationRow } from "./store";

declare module "../platform/bus" {
  interface Events {
    "notification.created": { userId: number; notificationId: number };
    /** Some of the user's notifications were marked read (the unread count went down). */
    "notification.read": { userId: number };
  }
}

export interface NewNotification {
  userId: number;
  kind: NotificationRow["kind"];
  conversationId: number | null;
  noteId?: number | null;
  actorLabel: string;
}

export interface NotificationsService {
  /** Stores one and emits notification.created; call it after your own transaction commits (subscribers read the row). */
  push(n: NewNotification): void;
  /** Newest first (default 50, at most 200); `beforeId` pages backwards. */
  list(userId: number, opts?: { unreadOnly?: boolean; limit?: number; beforeId?: number }): NotificationRow[];
  unreadCount(userId: number): number;
  /** Marks the user's own notifications read; ids of other users' notifications are ignored. */
  markRead(userId: number, ids: number[] | "all"): void;
}

export function createNotifications(p: Platform): NotificationsService {
  return {
    push(n) {
      const id = insertNotification(p.db, { user_id: n.userId, kind: n.kind, conversation_id: n.conversationId, note_id: n.noteId ?? null, actor_label: n.actorLabel, created_at: p.clock.now() });
      p.bus.emit("notification.created", { userId: n.userId, notificationId: id });
    },
    list: (userId, o = {}) => listNotifications(p.db, userId, { unreadOnly: !!o.unreadOnly, beforeId: o.beforeId ?? 0, limit: Math.min(Math.max(o.limit ?? 50, 1), 200) }),
    unreadCount: (userId) => countUnread(p.db, userId),
    markRead(userId, ids) {
      const changed = ids === "all" ? markAllRead(p.db, userId, p.clock.now()) : ids.length ? markRead(p.db, userId, ids, p.clock.now()) : 0;
      if (changed) p.bus.emit("notification.read", { userId });
    },
  };
}
