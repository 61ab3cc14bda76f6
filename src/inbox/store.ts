// The inbox's read models (joins across conversations, contacts, messages and teams, the point of SSR), plus
// the local copy of media an agent sends. Visibility is part of every list query: an agent only ever reads
// rows of numbers its teams serve or conversations assigned to it (PRODUCT.md C5, R6).
import type { Db } from "../platform/db";
import type { ConversationRow, MessageRow } from "../conversations";

export type View = "mine" | "unassigned" | "waiting" | "team" | "all";
export type Sort = "waiting" | "recent";

/** Who is looking: null numbers means every conversation (conversations:read_all). */
export interface Viewer {
  userId: number;
  visibleNumbers: number[] | null;
  teamIds: number[];
  teamNumbers: number[];
}

export interface InboxFilter {
  view: View;
  sort: Sort;
  status: "open" | "snoozed" | "resolved" | null;
  numberId: number | null;
  tag: string | null;
  /** An agent's id, 0 for "nobody", null for any. */
  assignee: number | null;
  /** Keyset: rows after this (sort key, id). */
  after: { key: number; id: number } | null;
  limit: number;
}

/** A list row: the conversation's own columns, and what the list shows of its contact and last message. */
export interface InboxRow
  extends Pick<
    ConversationRow,
    "id" | "number_id" | "contact_id" | "status" | "assignee_id" | "team_id" | "unread" | "last_message_at" | "last_inbound_at" | "last_reply_at" | "waiting_since" | "snoozed_until" | "resolved_at" | "created_at"
  > {
  contact_name: string;
  phone: string | null;
  country: string | null;
  window_at: number | null;
  last_dir: "in" | "out" | null;
  last_type: string | null;
  last_text: string | null;
  last_status: MessageRow["status"];
  /** JSON array of the contact's tags. */
  tags: string;
  unanswered_since: number | null;
  sort_key: number;
}

// Sort keys. Longest waiting first: since the customer's first unanswered message (kept on the conversation),
// else since it joined the queue; the unassigned view uses the routing queue's own order (positions read
// top-down). Written exactly as in migration 0007's expression indexes, which is what lets SQLite walk them.
const WAIT_KEY = "coalesce(c.unanswered_since, c.waiting_since, c.last_message_at)";
const QUEUE_KEY = "coalesce(c.waiting_since, c.last_message_at)";
// The waiting view's filter: the customer wrote last. Also the WHERE of the conversations_waiting indexes.
const WAITING = "c.last_inbound_at IS NOT NULL AND (c.last_reply_at IS NULL OR c.last_reply_at < c.last_inbound_at)";

const COLUMNS = `c.id, c.number_id, c.contact_id, c.status, c.assignee_id, c.team_id, c.unread, c.last_message_at, c.last_inbound_at,
  c.last_reply_at, c.waiting_since, c.snoozed_until, c.resolved_at, c.created_at,
  k.name AS contact_name, k.phone, k.country, w.last_inbound_at AS window_at,
  m.direction AS last_dir, m.type AS last_type, m.text AS last_text, m.status AS last_status, c.unanswered_since,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM contact_tags t WHERE t.contact_id = c.contact_id ORDER BY tag)) AS tags, 0 AS sort_key`;

const FROM = `FROM conversations c JOIN contacts k ON k.id = c.contact_id
  LEFT JOIN contact_windows w ON w.number_id = c.number_id AND w.contact_id = c.contact_id
  LEFT JOIN messages m ON m.id = (SELECT id FROM messages x WHERE x.conversation_id = c.id AND x.type <> 'reaction' ORDER BY x.created_at DESC, x.id DESC LIMIT 1)`;

const VISIBLE = `($all OR c.number_id IN (SELECT value FROM json_each($numbers)) OR c.assignee_id = $user)`;

/**
 * The WHERE clause of a list, written for the filters actually set: a plain `c.status = ?` or
 * `c.assignee_id = ?` lets SQLite walk the matching (…, last_message_at) index and stop after one page, where
 * an `(? IS NULL OR …)` form would scan every conversation (P4). Values are always bound.
 */
function filters(v: Viewer, f: InboxFilter): { where: string; params: Record<string, string | number | null> } {
  const w: string[] = [];
  const params: Record<string, string | number | null> = { user: v.userId };
  if (v.visibleNumbers !== null) {
    w.push("(c.number_id IN (SELECT value FROM json_each($numbers)) OR c.assignee_id = $user)");
    params.numbers = JSON.stringify(v.visibleNumbers);
  }
  if (f.view === "mine") w.push("c.assignee_id = $user");
  if (f.view === "unassigned") w.push("c.assignee_id IS NULL");
  if (f.view === "waiting") w.push(WAITING);
  if (f.view === "team") {
    w.push("(c.team_id IN (SELECT value FROM json_each($teams)) OR (c.team_id IS NULL AND c.number_id IN (SELECT value FROM json_each($team_numbers))))");
    params.teams = JSON.stringify(v.teamIds);
    params.team_numbers = JSON.stringify(v.teamNumbers);
  }
  if (f.status !== null) (w.push("c.status = $status"), (params.status = f.status));
  if (f.numberId !== null) (w.push("c.number_id = $number"), (params.number = f.numberId));
  if (f.tag !== null) (w.push("EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.contact_id AND t.tag = $tag)"), (params.tag = f.tag));
  if (f.assignee === 0) w.push("c.assignee_id IS NULL");
  else if (f.assignee !== null) (w.push("c.assignee_id = $assignee"), (params.assignee = f.assignee));
  return { where: w.length ? w.join(" AND ") : "1", params };
}

/** The page's ids and sort keys, cheaply; the row details are read for those ids only. */
function pageKeys(db: Db, v: Viewer, f: InboxFilter): { id: number; k: number }[] {
  const { where, params } = filters(v, f);
  const after = f.after ? { ak: f.after.key, aid: f.after.id } : {};
  if (f.sort === "recent") {
    const keyset = f.after ? "AND (c.last_message_at < $ak OR (c.last_message_at = $ak AND c.id < $aid))" : "";
    return db.query<{ id: number; k: number }>(`SELECT c.id, c.last_message_at AS k FROM conversations c WHERE ${where} ${keyset} ORDER BY c.last_message_at DESC, c.id DESC LIMIT $limit`).all({ ...params, ...after, limit: f.limit });
  }
  // Keyset on the expression itself (not an alias of a subquery), so the (status, key) indexes give the order.
  const key = f.view === "unassigned" ? QUEUE_KEY : WAIT_KEY;
  const keyset = f.after ? `AND (${key} > $ak OR (${key} = $ak AND c.id > $aid))` : "";
  return db.query<{ id: number; k: number }>(`SELECT c.id, ${key} AS k FROM conversations c WHERE ${where} ${keyset} ORDER BY ${key}, c.id LIMIT $limit`).all({ ...params, ...after, limit: f.limit });
}

/** One page of the conversation list for `v`. */
export function listInbox(db: Db, v: Viewer, f: InboxFilter): InboxRow[] {
  const keys = pageKeys(db, v, f);
  if (!keys.length) return [];
  const rows = new Map(db.query<InboxRow>(`SELECT ${COLUMNS} ${FROM} WHERE c.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(keys.map((x) => x.id))).map((r) => [r.id, r]));
  return keys.flatMap(({ id, k }) => (rows.has(id) ? [{ ...rows.get(id)!, sort_key: k }] : []));
}

/** One conversation's row (facts for the live list; the caller checked visibility). */
export function inboxRow(db: Db, id: number): InboxRow | null {
  return db.query<InboxRow>(`SELECT ${COLUMNS} ${FROM} WHERE c.id = ?`).get(id);
}

/** How many open conversations each view holds for `v` (the view tabs). */
export function viewCounts(db: Db, v: Viewer): Record<View, number> {
  const row = db
    .query<Record<View, number | null>>(
      `SELECT sum(c.assignee_id = $user) AS mine, sum(c.assignee_id IS NULL) AS unassigned,
         sum(${WAITING}) AS waiting,
         sum(c.team_id IN (SELECT value FROM json_each($teams)) OR (c.team_id IS NULL AND c.number_id IN (SELECT value FROM json_each($team_numbers)))) AS team,
         count(*) AS "all"
       FROM conversations c WHERE c.status = 'open' AND ${VISIBLE}`,
    )
    .get({ all: v.visibleNumbers === null ? 1 : 0, numbers: JSON.stringify(v.visibleNumbers ?? []), user: v.userId, teams: JSON.stringify(v.teamIds), team_numbers: JSON.stringify(v.teamNumbers) });
  return { mine: row?.mine ?? 0, unassigned: row?.unassigned ?? 0, waiting: row?.waiting ?? 0, team: row?.team ?? 0, all: row?.all ?? 0 };
}

/** Open conversations assigned to `userId` with unread customer messages (the tab title's count). */
export const unreadOf = (db: Db, userId: number) =>
  db.query<{ n: number }>("SELECT count(*) AS n FROM conversations WHERE assignee_id = ? AND status = 'open' AND unread > 0").get(userId)!.n;

/** Messages of a conversation before `beforeId`, newest first. */
export const messagesBefore = (db: Db, conversationId: number, beforeId: number, limit: number) =>
  db.query<MessageRow>("SELECT * FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?").all(conversationId, beforeId || Number.MAX_SAFE_INTEGER, limit);

/** Reactions in a conversation to any of `wamids`, oldest first (the latest per side wins). */
export const reactionsTo = (db: Db, conversationId: number, wamids: string[]) =>
  db
    .query<MessageRow>("SELECT * FROM messages WHERE conversation_id = ? AND type = 'reaction' AND context_wamid IN (SELECT value FROM json_each(?)) ORDER BY id")
    .all(conversationId, JSON.stringify(wamids));

/** The messages some messages quote (replies), by wamid. */
export const quoted = (db: Db, wamids: string[]) =>
  db.query<Pick<MessageRow, "id" | "wamid" | "direction" | "type" | "text">>("SELECT id, wamid, direction, type, text FROM messages WHERE wamid IN (SELECT value FROM json_each(?))").all(JSON.stringify(wamids));

/** The contact's most recent conversation that is not resolved. */
export const activeConversationOf = (db: Db, contactId: number) =>
  db.query<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? AND status <> 'resolved' ORDER BY last_message_at DESC LIMIT 1").get(contactId)?.id ?? null;

export const messageByWamid = (db: Db, wamid: string) => db.query<MessageRow>("SELECT * FROM messages WHERE wamid = ?").get(wamid);

export interface ContactConversation {
  id: number;
  number_id: number;
  status: string;
  created_at: number;
  resolved_at: number | null;
  last_message_at: number;
  number_label: string;
}

/** The contact's conversations `v` may see, newest first (the one timeline across conversations). */
export function contactConversations(db: Db, v: Viewer, contactId: number, limit = 20): ContactConversation[] {
  return db
    .query<ContactConversation>(
      `SELECT c.id, c.number_id, c.status, c.created_at, c.resolved_at, c.last_message_at, coalesce(nullif(n.name, ''), n.display_phone_number) AS number_label
       FROM conversations c JOIN numbers n ON n.id = c.number_id
       WHERE c.contact_id = $contact AND ${VISIBLE} ORDER BY c.created_at DESC, c.id DESC LIMIT $limit`,
    )
    .all({ contact: contactId, limit, all: v.visibleNumbers === null ? 1 : 0, numbers: JSON.stringify(v.visibleNumbers ?? []), user: v.userId });
}

/** The contact's conversation just before `c` that `v` may see (older history continues there). */
export function previousConversation(db: Db, v: Viewer, c: { id: number; contact_id: number; created_at: number }): ContactConversation | null {
  return db
    .query<ContactConversation>(
      `SELECT c.id, c.number_id, c.status, c.created_at, c.resolved_at, c.last_message_at, coalesce(nullif(n.name, ''), n.display_phone_number) AS number_label
       FROM conversations c JOIN numbers n ON n.id = c.number_id
       WHERE c.contact_id = $contact AND (c.created_at < $at OR (c.created_at = $at AND c.id < $id)) AND ${VISIBLE}
       ORDER BY c.created_at DESC, c.id DESC LIMIT 1`,
    )
    .get({ contact: c.contact_id, at: c.created_at, id: c.id, all: v.visibleNumbers === null ? 1 : 0, numbers: JSON.stringify(v.visibleNumbers ?? []), user: v.userId });
}

/** Active users who may see conversations of `numberId` (or are its assignee), matching `q`: @mention candidates. */
export function mentionCandidates(db: Db, numberId: number, assigneeId: number | null, q: string, limit = 8) {
  return db
    .query<{ id: number; name: string; email: string }>(
      `SELECT u.id, u.name, u.email FROM users u JOIN roles r ON r.id = u.role_id
       WHERE u.status = 'active' AND EXISTS (SELECT 1 FROM json_each(r.permissions) WHERE value = 'conversations:read')
         AND (EXISTS (SELECT 1 FROM json_each(r.permissions) WHERE value = 'conversations:read_all')
              OR u.id IN (SELECT tm.user_id FROM team_members tm JOIN team_numbers tn ON tn.team_id = tm.team_id WHERE tn.number_id = $number)
              OR u.id = $assignee)
         AND (u.name LIKE $q ESCAPE '\\' OR u.email LIKE $q ESCAPE '\\')
       ORDER BY u.name COLLATE NOCASE LIMIT $limit`,
    )
    .all({ number: numberId, assignee: assigneeId ?? -1, q: `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`, limit });
}

