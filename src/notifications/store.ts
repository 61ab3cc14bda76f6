// SQL of a person's notifications.
import type { Db } from "../platform/db";

export interface NotificationRow {
  id: number;
  user_id: number;
  kind: "assigned" | "mention" | "transferred";
  conversation_id: number | null;
  note_id: number | null;
  actor_label: string;
  created_at: number;
  read_at: number | null;
}

export function insertNotification(db: Db, n: Omit<NotificationRow, "id" | "read_at">): number {
  return Number(
    db
      .query("INSERT INTO notifications (user_id, kind, conversation_id, note_id, actor_label, created_at) VALUES ($user_id, $kind, $conversation_id, $note_id, $actor_label, $created_at)")
      .run(n).lastInsertRowid,
  );
}

/** Newest first, keyset-paginated backwards by id. */
export function listNotifications(db: Db, userId: number, o: { unreadOnly: boolean; beforeId: number; limit: number }): NotificationRow[] {
  return db
    .query<NotificationRow>(
      `SELECT * FROM notifications WHERE user_id = $user AND id < $before AND (NOT $unread OR read_at IS NULL)
       ORDER BY id DESC LIMIT $limit`,
    )
    .all({ user: userId, before: o.beforeId || Number.MAX_SAFE_INTEGER, unread: o.unreadOnly ? 1 : 0, limit: o.limit });
}

export const countUnread = (db: Db, userId: number) =>
  db.query<{ n: number }>("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL").get(userId)!.n;

/** Marks the user's own unread notifications among `ids` read; returns how many changed. */
export function markRead(db: Db, userId: number, ids: number[], now: number): number {
  return db
    .query("UPDATE notifications SET read_at = $now WHERE user_id = $user AND read_at IS NULL AND id IN (SELECT value FROM json_each($ids))")
    .run({ user: userId, now, ids: JSON.stringify(ids) }).changes;
}

export const markAllRead = (db: Db, userId: number, now: number) =>
  db.query("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL").run(now, userId).changes;
