// SQL of raw webhook events and media files.
import type { Db } from "../platform/db";

export interface WebhookEventRow {
  id: number;
  received_at: number;
  body: string;
  status: "pending" | "done" | "failed";
  attempts: number;
  error: string | null;
  processed_at: number | null;
}

export function prepareInsertEvent(db: Db) {
  const stmt = db.query("INSERT INTO webhook_events (received_at, body) VALUES (?, ?)");
  return (receivedAt: number, body: string) => Number(stmt.run(receivedAt, body).lastInsertRowid);
}

/** Pending events after `afterId`, oldest first. */
export const pendingEvents = (db: Db, afterId: number, limit: number) =>
  db.query<WebhookEventRow>("SELECT * FROM webhook_events WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?").all(afterId, limit);
export const markEventDone = (db: Db, id: number, now: number) => db.query("UPDATE webhook_events SET status = 'done', attempts = attempts + 1, error = NULL, processed_at = ? WHERE id = ?").run(now, id);
export const markEventFailed = (db: Db, id: number, error: string, now: number) =>
  db.query("UPDATE webhook_events SET status = 'failed', attempts = attempts + 1, error = ?, processed_at = ? WHERE id = ?").run(error.slice(0, 2000), now, id);
export const requeueEvent = (db: Db, id: number) => db.query("UPDATE webhook_events SET status = 'pending' WHERE id = ? AND status = 'failed'").run(id).changes === 1;
export const getEvent = (db: Db, id: number) => db.query<WebhookEventRow>("SELECT * FROM webhook_events WHERE id = ?").get(id);
export const listEvents = (db: Db, status: string, beforeId: number, limit: number) =>
  db.query<WebhookEventRow>("SELECT * FROM webhook_events WHERE status = ? AND id < ? ORDER BY id DESC LIMIT ?").all(status, beforeId || Number.MAX_SAFE_INTEGER, limit);
export const eventCounts = (db: Db) =>
  db.query<{ status: string; n: number }>("SELECT status, count(*) AS n FROM webhook_events WHERE status <> 'done' GROUP BY status").all();
/** Processed events older than `before` are only history; their content lives on in messages. */
export const deleteDoneEventsBefore = (db: Db, before: number) => db.query("DELETE FROM webhook_events WHERE status = 'done' AND processed_at < ?").run(before).changes;

export interface MediaRow {
  id: number;
  message_id: number | null;
  number_id: number;
  direction: "in" | "out";
  wa_media_id: string | null;
  mime_type: string | null;
  sha256: string | null;
  size: number | null;
  filename: string | null;
  path: string | null;
  status: "pending" | "ready" | "failed";
  attempts: number;
  next_attempt_at: number | null;
  error: string | null;
  created_at: number;
  ready_at: number | null;
}

export function insertMedia(db: Db, m: { message_id: number | null; number_id: number; direction: "in" | "out"; wa_media_id: string | null; mime_type: string | null; sha256: string | null; filename: string | null; at: number }): number {
  return Number(
    db
      .query(
        `INSERT INTO media (message_id, number_id, direction, wa_media_id, mime_type, sha256, filename, next_attempt_at, created_at)
         VALUES ($message_id, $number_id, $direction, $wa_media_id, $mime_type, $sha256, $filename, $at, $at)`,
      )
      .run({ ...m }).lastInsertRowid,
  );
}

export const dueMedia = (db: Db, now: number, limit: number) =>
  db.query<MediaRow>("SELECT * FROM media WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?").all(now, limit);
export const getMedia = (db: Db, id: number) => db.query<MediaRow>("SELECT * FROM media WHERE id = ?").get(id);
export const mediaOfMessage = (db: Db, messageId: number) => db.query<MediaRow>("SELECT * FROM media WHERE message_id = ? ORDER BY id LIMIT 1").get(messageId);
export function mediaReady(db: Db, id: number, f: { path: string; size: number; mime_type: string; at: number }): void {
  db.query("UPDATE media SET status = 'ready', path = $path, size = $size, mime_type = $mime_type, ready_at = $at, error = NULL, attempts = attempts + 1 WHERE id = $id").run({ ...f, id });
}
export function mediaRetry(db: Db, id: number, error: string, nextAt: number | null): void {
  db.query("UPDATE media SET attempts = attempts + 1, error = ?, next_attempt_at = ?, status = CASE WHEN ? IS NULL THEN 'failed' ELSE status END WHERE id = ?").run(error.slice(0, 500), nextAt, nextAt, id);
}
export const countPendingMedia = (db: Db) => db.query<{ n: number }>("SELECT count(*) AS n FROM media WHERE status = 'pending'").get()!.n;

/** A file the business sends, kept so its own message shows it (ready at once: the bytes are already here). */
export function insertOutboundMedia(db: Db, m: { message_id: number; number_id: number; wa_media_id: string; mime_type: string; sha256: string; size: number; filename: string; path: string; at: number }): number {
  return Number(
    db
      .query(
        `INSERT INTO media (message_id, number_id, direction, wa_media_id, mime_type, sha256, size, filename, path, status, attempts, created_at, ready_at)
         VALUES ($message_id, $number_id, 'out', $wa_media_id, $mime_type, $sha256, $size, $filename, $path, 'ready', 0, $at, $at)`,
      )
      .run({ ...m }).lastInsertRowid,
  );
}
