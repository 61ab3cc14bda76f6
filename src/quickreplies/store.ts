// SQL of quick replies.
import type { Db } from "../platform/db";

export interface QuickReplyRow {
  id: number;
  shortcut: string;
  text: string;
  /** null: shared with everyone. */
  owner_id: number | null;
  created_at: number;
  updated_at: number;
}

/** A user's own and the shared ones, by shortcut (own first when both use one). */
export const listForUser = (db: Db, userId: number | null) =>
  db.query<QuickReplyRow>("SELECT * FROM quick_replies WHERE owner_id IS NULL OR owner_id = ? ORDER BY shortcut, owner_id IS NULL, id").all(userId ?? -1);

/** The reply `shortcut` names for a user: their own wins over a shared one. */
export const findForUser = (db: Db, userId: number | null, shortcut: string) =>
  db.query<QuickReplyRow>("SELECT * FROM quick_replies WHERE shortcut = ? AND (owner_id IS NULL OR owner_id = ?) ORDER BY owner_id IS NULL LIMIT 1").get(shortcut, userId ?? -1);

export const getQuickReply = (db: Db, id: number) => db.query<QuickReplyRow>("SELECT * FROM quick_replies WHERE id = ?").get(id);

/** True when `shortcut` is taken in the same scope (one user's, or the shared set), other than `exceptId`. */
export const shortcutTaken = (db: Db, ownerId: number | null, shortcut: string, exceptId: number) =>
  !!db.query("SELECT 1 FROM quick_replies WHERE coalesce(owner_id, 0) = ? AND shortcut = ? AND id <> ?").get(ownerId ?? 0, shortcut, exceptId);

export function insertQuickReply(db: Db, r: { shortcut: string; text: string; owner_id: number | null }, now: number): number {
  return Number(db.query("INSERT INTO quick_replies (shortcut, text, owner_id, created_at, updated_at) VALUES ($shortcut, $text, $owner_id, $now, $now)").run({ ...r, now }).lastInsertRowid);
}

export const updateQuickReply = (db: Db, id: number, r: { shortcut: string; text: string }, now: number) =>
  db.query("UPDATE quick_replies SET shortcut = $shortcut, text = $text, updated_at = $now WHERE id = $id").run({ ...r, id, now });

export const deleteQuickReply = (db: Db, id: number) => db.query("DELETE FROM quick_replies WHERE id = ?").run(id);
