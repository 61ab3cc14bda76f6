// SQL of the outbox, the portfolio reach window, marketing holds and idempotency keys.
import type { Db } from "../platform/db";

export interface OutboxRow {
  id: number;
  message_id: number;
  number_id: number;
  lane: number;
  status: "queued" | "sending";
  not_before: number;
  attempts: number;
  last_error: string | null;
  claimed_at: number | null;
  created_at: number;
}

export function insertOutbox(db: Db, o: { message_id: number; number_id: number; lane: number; not_before: number; created_at: number }): number {
  return Number(
    db.query("INSERT INTO outbox (message_id, number_id, lane, not_before, created_at) VALUES ($message_id, $number_id, $lane, $not_before, $created_at)").run({ ...o }).lastInsertRowid,
  );
}

/** Claims the next due row of a number, replies before bulk, oldest first; null when nothing is due. */
export function claimNext(db: Db, numberId: number, now: number): OutboxRow | null {
  return db
    .query<OutboxRow>(
      `UPDATE outbox SET status = 'sending', claimed_at = $now, attempts = attempts + 1
       WHERE id = (SELECT id FROM outbox WHERE number_id = $number AND status = 'queued' AND not_before <= $now ORDER BY lane, not_before, id LIMIT 1)
       RETURNING *`,
    )
    .get({ number: numberId, now });
}

/** The earliest time something of this number becomes due, or null when its queue is empty. */
export const nextDue = (db: Db, numberId: number) => db.query<{ t: number | null }>("SELECT min(not_before) AS t FROM outbox WHERE number_id = ? AND status = 'queued'").get(numberId)?.t ?? null;

export const deleteOutbox = (db: Db, id: number) => db.query("DELETE FROM outbox WHERE id = ?").run(id);
export const getOutboxByMessage = (db: Db, messageId: number) => db.query<OutboxRow>("SELECT * FROM outbox WHERE message_id = ?").get(messageId);

/** Puts a claimed row back in the queue at `notBefore`. */
export function requeue(db: Db, id: number, notBefore: number, error: string | null): void {
  db.query("UPDATE outbox SET status = 'queued', not_before = ?, last_error = ?, claimed_at = NULL WHERE id = ?").run(notBefore, error, id);
}

/** After a crash, rows left 'sending' go back to the queue (a send in flight at the kill may go twice). */
export const requeueInterrupted = (db: Db) => db.query("UPDATE outbox SET status = 'queued', claimed_at = NULL WHERE status = 'sending'").run().changes;

/** Delays every queued row of one recipient on one number (pair rate). */
export function delayRecipient(db: Db, numberId: number, contactId: number, notBefore: number): void {
  db.query(
    `UPDATE outbox SET not_before = max(not_before, $t) WHERE number_id = $number AND status = 'queued'
       AND message_id IN (SELECT id FROM messages WHERE contact_id = $contact AND number_id = $number)`,
  ).run({ t: notBefore, number: numberId, contact: contactId });
}

export const queueDepth = (db: Db) =>
  db.query<{ number_id: number; lane: number; n: number }>("SELECT number_id, lane, count(*) AS n FROM outbox GROUP BY number_id, lane").all();
export const inFlightCount = (db: Db) => db.query<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'sending'").get()!.n;

/** Whether `contact` already counts against the portfolio's limit in the window after `since` (exclusive). */
export const reachedSince = (db: Db, portfolio: string, contactId: number, since: number) =>
  !!db.query("SELECT 1 FROM portfolio_reach WHERE portfolio = ? AND contact_id = ? AND reached_at > ?").get(portfolio, contactId, since);
export const reachCount = (db: Db, portfolio: string, since: number) =>
  db.query<{ n: number }>("SELECT count(*) AS n FROM portfolio_reach WHERE portfolio = ? AND reached_at > ?").get(portfolio, since)!.n;
/** When the oldest counted contact leaves the window (the next free place), or null. */
export const oldestReach = (db: Db, portfolio: string, since: number) =>
  db.query<{ t: number | null }>("SELECT min(reached_at) AS t FROM portfolio_reach WHERE portfolio = ? AND reached_at > ?").get(portfolio, since)?.t ?? null;
export function recordReach(db: Db, portfolio: string, contactId: number, at: number): void {
  db.query("INSERT INTO portfolio_reach (portfolio, contact_id, reached_at) VALUES (?, ?, ?) ON CONFLICT (portfolio, contact_id) DO UPDATE SET reached_at = excluded.reached_at").run(portfolio, contactId, at);
}
export const pruneReach = (db: Db, before: number) => db.query("DELETE FROM portfolio_reach WHERE reached_at < ?").run(before).changes;

export const marketingHold = (db: Db, contactId: number, now: number) =>
  db.query<{ until: number }>("SELECT until FROM marketing_holds WHERE contact_id = ? AND until > ?").get(contactId, now)?.until ?? null;
export function setMarketingHold(db: Db, contactId: number, until: number): void {
  db.query("INSERT INTO marketing_holds (contact_id, until) VALUES (?, ?) ON CONFLICT (contact_id) DO UPDATE SET until = max(until, excluded.until)").run(contactId, until);
}

export interface IdempotencyRow {
  request_hash: string;
  status: number;
  response: string;
  created_at: number;
}
export const getIdempotency = (db: Db, actor: string, key: string, since: number) =>
  db.query<IdempotencyRow>("SELECT request_hash, status, response, created_at FROM idempotency_keys WHERE actor = ? AND key = ? AND created_at >= ?").get(actor, key, since);
export function putIdempotency(db: Db, r: { actor: string; key: string; request_hash: string; status: number; response: string; created_at: number }): void {
  db.query(
    "INSERT INTO idempotency_keys (actor, key, request_hash, status, response, created_at) VALUES ($actor, $key, $request_hash, $status, $response, $created_at) ON CONFLICT (actor, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status, response = excluded.response, created_at = excluded.created_at",
  ).run({ ...r });
}
export const pruneIdempotency = (db: Db, before: number) => db.query("DELETE FROM idempotency_keys WHERE created_at < ?").run(before).changes;
