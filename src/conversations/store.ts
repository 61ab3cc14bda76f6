// SQL of conversations, messages, the 24-hour windows and statuses held for messages not yet known.
import type { Db } from "../platform/db";

export interface ConversationRow {
  id: number;
  number_id: number;
  contact_id: number;
  status: "open" | "snoozed" | "resolved";
  assignee_id: number | null;
  team_id: number | null;
  unread: number;
  last_message_at: number;
  last_inbound_at: number | null;
  snoozed_until: number | null;
  resolved_at: number | null;
  created_at: number;
  waiting_since: number | null;
  assigned_at: number | null;
  first_reply_at: number | null;
  last_reply_at: number | null;
  /** The first customer message after the last reply; null when answered (the waiting view's key). */
  unanswered_since: number | null;
}

export interface MessageRow {
  id: number;
  conversation_id: number;
  number_id: number;
  contact_id: number;
  wamid: string | null;
  direction: "in" | "out";
  type: string;
  text: string;
  payload: string;
  context_wamid: string | null;
  author_kind: "customer" | "agent" | "bot" | "api" | "campaign" | "system";
  author_id: string | null;
  opaque: string | null;
  status: "queued" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | null;
  error_code: number | null;
  error_title: string | null;
  error_details: string | null;
  pricing_category: string | null;
  pricing_type: string | null;
  billable: number | null;
  created_at: number;
  received_at: number | null;
  sent_at: number | null;
  delivered_at: number | null;
  read_at: number | null;
  failed_at: number | null;
}

export const getConversation = (db: Db, id: number) => db.query<ConversationRow>("SELECT * FROM conversations WHERE id = ?").get(id);
export const activeConversation = (db: Db, numberId: number, contactId: number) =>
  db.query<ConversationRow>("SELECT * FROM conversations WHERE number_id = ? AND contact_id = ? AND status <> 'resolved'").get(numberId, contactId);

/** A new conversation; `inbound` when a customer's message opens it (it starts with that message unread). */
export function insertConversation(db: Db, c: { number_id: number; contact_id: number; at: number; inbound?: boolean }): number {
  const sql = c.inbound
    ? "INSERT INTO conversations (number_id, contact_id, last_message_at, last_inbound_at, unread, created_at, waiting_since, unanswered_since) VALUES ($number_id, $contact_id, $at, $at, 1, $at, $at, $at)"
    : "INSERT INTO conversations (number_id, contact_id, last_message_at, created_at, waiting_since) VALUES ($number_id, $contact_id, $at, $at, $at)";
  return Number(db.query(sql).run({ number_id: c.number_id, contact_id: c.contact_id, at: c.at }).lastInsertRowid);
}

/**
 * A customer wrote: newest activity, one more unread, and (when it came after the last reply) the earliest
 * unanswered message; Meta does not order webhooks, hence min().
 */
export function touchOnInbound(db: Db, id: number, at: number): void {
  db.query(
    `UPDATE conversations SET last_message_at = max(last_message_at, $at), last_inbound_at = max(coalesce(last_inbound_at, 0), $at), unread = unread + 1,
       unanswered_since = CASE WHEN $at > coalesce(last_reply_at, 0) THEN min(coalesce(unanswered_since, $at), $at) ELSE unanswered_since END
     WHERE id = $id`,
  ).run({ id, at });
}

/** A customer's message wakes a snoozed conversation. */
export function wakeSnoozed(db: Db, id: number): void {
  db.query("UPDATE conversations SET status = 'open', snoozed_until = NULL WHERE id = ? AND status = 'snoozed'").run(id);
}

export function touchOnOutbound(db: Db, id: number, at: number): void {
  db.query("UPDATE conversations SET last_message_at = max(last_message_at, ?) WHERE id = ?").run(at, id);
}

export function setConversationStatus(db: Db, id: number, status: "open" | "resolved", at: number): number {
  return db
    .query(
      `UPDATE conversations SET status = $status, resolved_at = CASE WHEN $status = 'resolved' THEN $at ELSE NULL END, snoozed_until = NULL,
         waiting_since = CASE WHEN $status = 'open' AND assignee_id IS NULL THEN $at ELSE NULL END
       WHERE id = $id AND status <> $status`,
    )
    .run({ id, status, at }).changes;
}

/** Who handles it: an agent (and/or a team); nobody means it waits in the queue from `at`. */
export function setAssignment(db: Db, id: number, a: { assignee_id: number | null; team_id: number | null; at: number }): void {
  db.query(
    `UPDATE conversations SET assignee_id = $assignee_id, team_id = $team_id,
       assigned_at = CASE WHEN $assignee_id IS NULL THEN NULL ELSE $at END,
       waiting_since = CASE WHEN $assignee_id IS NULL AND status = 'open' THEN coalesce(waiting_since, $at) ELSE NULL END
     WHERE id = $id`,
  ).run({ ...a, id });
}

/**
 * A person (not automation) wrote to the customer: the first and the latest reply times. What stays unanswered
 * is what the customer wrote after this reply (normally nothing; one index seek finds it).
 */
export const noteReply = (db: Db, id: number, at: number) =>
  db
    .query(
      `UPDATE conversations SET first_reply_at = coalesce(first_reply_at, ?1), last_reply_at = ?1,
         unanswered_since = (SELECT m.created_at FROM messages m WHERE m.conversation_id = ?2 AND m.created_at > ?1 AND m.direction = 'in' ORDER BY m.created_at LIMIT 1)
       WHERE id = ?2`,
    )
    .run(at, id);

export function setSnooze(db: Db, id: number, until: number | null): number {
  return db
    .query("UPDATE conversations SET status = CASE WHEN ?1 IS NULL THEN 'open' ELSE 'snoozed' END, snoozed_until = ?1 WHERE id = ?2 AND status <> 'resolved'")
    .run(until, id).changes;
}
export const dueSnoozes = (db: Db, now: number) => db.query<{ id: number }>("SELECT id FROM conversations WHERE status = 'snoozed' AND snoozed_until <= ?").all(now).map((r) => r.id);
export const setUnread = (db: Db, id: number, unread: number) => db.query("UPDATE conversations SET unread = ? WHERE id = ?").run(unread, id);

/** Open conversations per assignee (capacity). */
export const openCountsByAssignee = (db: Db) =>
  db.query<{ assignee_id: number; n: number }>("SELECT assignee_id, count(*) AS n FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL GROUP BY assignee_id").all();
/** The waiting queue, longest waiting first. */
export const waitingQueue = (db: Db, limit = 1000) =>
  db.query<ConversationRow>("SELECT * FROM conversations WHERE status = 'open' AND assignee_id IS NULL AND waiting_since IS NOT NULL ORDER BY waiting_since, id LIMIT ?").all(limit);
/** 1-based position of a waiting conversation in its queue. */
export const queuePosition = (db: Db, id: number) =>
  db.query<{ n: number }>(
    `SELECT count(*) AS n FROM conversations q, conversations c WHERE c.id = ?1 AND c.assignee_id IS NULL AND c.status = 'open'
       AND q.status = 'open' AND q.assignee_id IS NULL AND (q.waiting_since < c.waiting_since OR (q.waiting_since = c.waiting_since AND q.id <= c.id))`,
  ).get(id)?.n ?? 0;
/**
 * 1-based queue positions of several conversations (those not waiting are left out). One index walk up to the
 * last of them: each position is the previous one plus the queue entries in between, where a count per row
 * would walk the queue from its head once per row (50 rows near the tail of a 6,000-long queue: 300k steps).
 */
export function queuePositions(db: Db, ids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  const rows = db
    .query<{ id: number; w: number }>(
      "SELECT id, waiting_since AS w FROM conversations WHERE id IN (SELECT value FROM json_each(?)) AND status = 'open' AND assignee_id IS NULL AND waiting_since IS NOT NULL ORDER BY waiting_since, id",
    )
    .all(JSON.stringify(ids));
  const between = db.query<{ n: number }>(
    `SELECT count(*) AS n FROM conversations WHERE status = 'open' AND assignee_id IS NULL AND waiting_since BETWEEN $w0 AND $w1
       AND (waiting_since > $w0 OR id > $id0) AND (waiting_since < $w1 OR id <= $id1)`,
  );
  let pos = 0;
  let prev = { w: Number.MIN_SAFE_INTEGER, id: 0 };
  for (const r of rows) {
    pos += between.get({ w0: prev.w, id0: prev.id, w1: r.w, id1: r.id })!.n;
    out.set(r.id, pos);
    prev = r;
  }
  return out;
}
/** The agent of the customer's most recent earlier conversation on this number (returning customers). */
export const previousAssignee = (db: Db, numberId: number, contactId: number, exceptId: number) =>
  db.query<{ assignee_id: number | null }>("SELECT assignee_id FROM conversations WHERE number_id = ? AND contact_id = ? AND id <> ? AND assignee_id IS NOT NULL ORDER BY created_at DESC LIMIT 1").get(numberId, contactId, exceptId)?.assignee_id ?? null;
/** Assigned open conversations whose customer wrote last and got no reply since `before`. */
export const unansweredSince = (db: Db, before: number) =>
  db
    .query<ConversationRow>(
      `SELECT * FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL AND last_inbound_at IS NOT NULL
         AND (last_reply_at IS NULL OR last_reply_at < last_inbound_at) AND max(last_inbound_at, coalesce(assigned_at, 0)) < ?`,
    )
    .all(before);
export const openOfAssignee = (db: Db, userId: number) => db.query<ConversationRow>("SELECT * FROM conversations WHERE status = 'open' AND assignee_id = ?").all(userId);

export interface EventRow {
  id: number;
  conversation_id: number;
  at: number;
  kind: string;
  actor_kind: "user" | "token" | "system";
  actor_id: number | null;
  actor_label: string;
  detail: string | null;
}
export function insertEvent(db: Db, e: Omit<EventRow, "id">): number {
  return Number(
    db.query("INSERT INTO conversation_events (conversation_id, at, kind, actor_kind, actor_id, actor_label, detail) VALUES ($conversation_id, $at, $kind, $actor_kind, $actor_id, $actor_label, $detail)").run({ ...e }).lastInsertRowid,
  );
}
export const listEvents = (db: Db, conversationId: number) => db.query<EventRow>("SELECT * FROM conversation_events WHERE conversation_id = ? ORDER BY at, id").all(conversationId);

/** Records the customer's latest message time for the (number, contact) window; older timestamps never win. */
export function bumpWindow(db: Db, numberId: number, contactId: number, at: number): void {
  db.query(
    `INSERT INTO contact_windows (number_id, contact_id, last_inbound_at) VALUES (?, ?, ?)
     ON CONFLICT (number_id, contact_id) DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at)`,
  ).run(numberId, contactId, at);
}

export const windowOf = (db: Db, numberId: number, contactId: number) =>
  db.query<{ last_inbound_at: number }>("SELECT last_inbound_at FROM contact_windows WHERE number_id = ? AND contact_id = ?").get(numberId, contactId)?.last_inbound_at ?? null;

export const messageIdByWamid = (db: Db, wamid: string) => db.query<{ id: number }>("SELECT id FROM messages WHERE wamid = ?").get(wamid)?.id ?? null;
export const getMessage = (db: Db, id: number) => db.query<MessageRow>("SELECT * FROM messages WHERE id = ?").get(id);
export const getMessageByWamid = (db: Db, wamid: string) => db.query<MessageRow>("SELECT * FROM messages WHERE wamid = ?").get(wamid);
export const getMessageByOpaque = (db: Db, opaque: string) => db.query<MessageRow>("SELECT * FROM messages WHERE opaque = ?").get(opaque);

export type NewMessage = Pick<
  MessageRow,
  "conversation_id" | "number_id" | "contact_id" | "wamid" | "direction" | "type" | "text" | "payload" | "context_wamid" | "author_kind" | "author_id" | "opaque" | "status" | "created_at" | "received_at"
>;

export function insertMessage(db: Db, m: NewMessage): number {
  return Number(
    db
      .query(
        `INSERT INTO messages (conversation_id, number_id, contact_id, wamid, direction, type, text, payload, context_wamid, author_kind, author_id, opaque, status, created_at, received_at)
         VALUES ($conversation_id, $number_id, $contact_id, $wamid, $direction, $type, $text, $payload, $context_wamid, $author_kind, $author_id, $opaque, $status, $created_at, $received_at)`,
      )
      .run({ ...m }).lastInsertRowid,
  );
}

export interface StatusPatch {
  status: MessageRow["status"];
  at: number;
  error_code: number | null;
  error_title: string | null;
  error_details: string | null;
  pricing_category: string | null;
  pricing_type: string | null;
  billable: number | null;
}

/** Writes a status (the caller decided it moves forward) and fills the matching time column once. */
export function writeStatus(db: Db, id: number, s: StatusPatch, forward: boolean): void {
  db.query(
    `UPDATE messages SET
       status = CASE WHEN $forward THEN $status ELSE status END,
       sent_at = CASE WHEN $status = 'sent' THEN min(coalesce(sent_at, $at), $at)
                      WHEN $status IN ('delivered', 'read') THEN coalesce(sent_at, $at) ELSE sent_at END,
       delivered_at = CASE WHEN $status = 'delivered' THEN min(coalesce(delivered_at, $at), $at)
                           WHEN $status = 'read' THEN coalesce(delivered_at, $at) ELSE delivered_at END,
       read_at = CASE WHEN $status = 'read' THEN coalesce(read_at, $at) ELSE read_at END,
       failed_at = CASE WHEN $status = 'failed' AND $forward THEN $at ELSE failed_at END,
       error_code = CASE WHEN $status = 'failed' AND $forward THEN $error_code ELSE error_code END,
       error_title = CASE WHEN $status = 'failed' AND $forward THEN $error_title ELSE error_title END,
       error_details = CASE WHEN $status = 'failed' AND $forward THEN $error_details ELSE error_details END,
       pricing_category = coalesce($pricing_category, pricing_category),
       pricing_type = coalesce($pricing_type, pricing_type),
       billable = coalesce($billable, billable)
     WHERE id = $id`,
  ).run({ ...s, id, forward: forward ? 1 : 0 });
}

/** Sets the wamid Meta returned for an outbound message. */
export const setWamid = (db: Db, id: number, wamid: string) => db.query("UPDATE messages SET wamid = ? WHERE id = ?").run(wamid, id);

export function holdStatus(db: Db, h: { wamid: string | null; opaque: string | null; status: string; payload: string; received_at: number }): void {
  db.query("INSERT INTO held_statuses (wamid, opaque, status, payload, received_at) VALUES ($wamid, $opaque, $status, $payload, $received_at)").run({ ...h });
}

export const heldFor = (db: Db, wamid: string | null, opaque: string | null) =>
  db.query<{ id: number; payload: string }>("SELECT id, payload FROM held_statuses WHERE (wamid = $w AND $w IS NOT NULL) OR (opaque = $o AND $o IS NOT NULL) ORDER BY id").all({ w: wamid, o: opaque });
export const dropHeld = (db: Db, id: number) => db.query("DELETE FROM held_statuses WHERE id = ?").run(id);
export const countHeld = (db: Db) => db.query<{ n: number }>("SELECT count(*) AS n FROM held_statuses").get()!.n;

export interface ConversationListRow extends ConversationRow {
  phone: string | null;
  wa_id: string | null;
  contact_name: string;
  window_last_inbound_at: number | null;
}

export interface ConversationFilter {
  status?: string;
  numberId?: number;
  assigneeId?: number;
  contactId?: number;
  /** null: every conversation; otherwise only these numbers, or those assigned to `userId`. */
  visibleNumbers: number[] | null;
  userId: number | null;
  beforeKey: { at: number; id: number } | null;
  limit: number;
}

const VIEW = `SELECT c.*, k.phone, k.wa_id, k.name AS contact_name, w.last_inbound_at AS window_last_inbound_at
  FROM conversations c JOIN contacts k ON k.id = c.contact_id
  LEFT JOIN contact_windows w ON w.number_id = c.number_id AND w.contact_id = c.contact_id`;

export const getConversationView = (db: Db, id: number) => db.query<ConversationListRow>(`${VIEW} WHERE c.id = ?`).get(id);

/** Newest activity first, keyset-paginated on (last_message_at, id). */
export function listConversations(db: Db, f: ConversationFilter): ConversationListRow[] {
  return db
    .query<ConversationListRow>(
      `${VIEW}
       WHERE ($status IS NULL OR c.status = $status)
         AND ($number IS NULL OR c.number_id = $number)
         AND ($assignee IS NULL OR c.assignee_id = $assignee)
         AND ($contact IS NULL OR c.contact_id = $contact)
         AND ($all OR c.number_id IN (SELECT value FROM json_each($numbers)) OR c.assignee_id = $user)
         AND ($before_at IS NULL OR c.last_message_at < $before_at OR (c.last_message_at = $before_at AND c.id < $before_id))
       ORDER BY c.last_message_at DESC, c.id DESC LIMIT $limit`,
    )
    .all({
      status: f.status ?? null,
      number: f.numberId ?? null,
      assignee: f.assigneeId ?? null,
      contact: f.contactId ?? null,
      all: f.visibleNumbers === null ? 1 : 0,
      numbers: JSON.stringify(f.visibleNumbers ?? []),
      user: f.userId ?? -1,
      before_at: f.beforeKey?.at ?? null,
      before_id: f.beforeKey?.id ?? 0,
      limit: f.limit,
    });
}

/** Messages of a conversation, oldest first within the page, keyset-paginated backwards by id. */
export function listMessages(db: Db, conversationId: number, beforeId: number, limit: number): MessageRow[] {
  return db.query<MessageRow>("SELECT * FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?").all(conversationId, beforeId || Number.MAX_SAFE_INTEGER, limit);
}

export const setOpaque = (db: Db, id: number, opaque: string) => db.query("UPDATE messages SET opaque = ? WHERE id = ?").run(opaque, id);

/** Back to queued for a retry: the error is cleared, a new opaque id ties the next statuses to the new attempt. */
export function resetForRetry(db: Db, id: number, opaque: string): void {
  db.query(
    `UPDATE messages SET status = 'queued', opaque = ?, wamid = NULL, error_code = NULL, error_title = NULL, error_details = NULL,
       failed_at = NULL, sent_at = NULL, delivered_at = NULL, read_at = NULL WHERE id = ?`,
  ).run(opaque, id);
}

export const markSending = (db: Db, id: number) => db.query("UPDATE messages SET status = 'sending' WHERE id = ? AND status = 'queued'").run(id);

/** Ends a message that will never be sent (check failed at dequeue, campaign cancelled), with the reason. */
export function cancelMessage(db: Db, id: number, code: string, reason: string, at: number): void {
  db.query("UPDATE messages SET status = 'cancelled', error_title = ?, error_details = ?, failed_at = ? WHERE id = ? AND status IN ('queued', 'sending')").run(code, reason, at, id);
}

export const sentSince = (db: Db, numberId: number, since: number) =>
  db.query<{ n: number }>("SELECT count(*) AS n FROM messages WHERE number_id = ? AND direction = 'out' AND sent_at >= ?").get(numberId, since)!.n;
