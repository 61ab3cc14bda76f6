// SQL of full-text search over the FTS5 tables of migration 0006. Hits come newest first straight from the
// index (ORDER BY rowid DESC is served by FTS5 itself, so nothing is sorted), at most `scan` of them are
// looked at, and only those hits are joined to their rows: the cost follows the page, not the archive.
import type { Db } from "../platform/db";

/** Who may see what, as bound parameters: every number, or these numbers plus conversations assigned to `user`. */
export interface Visibility {
  all: boolean;
  numbers: number[];
  userId: number | null;
}

export interface MessageHit {
  message_id: number;
  conversation_id: number;
  contact_id: number;
  contact_name: string;
  direction: "in" | "out";
  created_at: number;
  text: string;
}

// An FTS5 prefix query ("prenot"*) merges every posting of every matching term before it returns a row: about
// 1.5 s for a common word at 10M messages. The vocabulary is walked instead, one index seek per distinct term
// (the 'instance' view yields a term's first occurrence without counting the rest), and the prefix becomes an
// OR of whole words, which FTS5 merges lazily. The view lives in the temp schema: per connection, no migration.
const vocabReady = new WeakSet<Db>();

/** Index terms of messages_fts that start with `prefix` (folded as the index stores it), alphabetically, at most `max`. */
export function messageTermsWithPrefix(db: Db, prefix: string, max: number): string[] {
  if (!vocabReady.has(db)) {
    db.query("CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_fts_terms USING fts5vocab(main, messages_fts, instance)").run();
    vocabReady.add(db);
  }
  const next = db.query<{ term: string }>("SELECT term FROM temp.messages_fts_terms WHERE term >= ? AND term < ? LIMIT 1");
  const upper = `${prefix}\u{10FFFF}`;
  const out: string[] = [];
  for (let from = prefix; out.length < max; ) {
    const row = next.get(from, upper);
    if (!row || !row.term.startsWith(prefix)) break;
    out.push(row.term);
    // No term contains U+0001 (a separator), so this seeks straight past every occurrence of the one just found.
    from = `${row.term}\u0001`;
  }
  return out;
}

const vis = (v: Visibility) => ({ all: v.all ? 1 : 0, numbers: JSON.stringify(v.numbers), user: v.userId ?? -1 });

// The hits form a co-routine in rowid order; SQLite keeps that order for the outer ORDER BY, so the join stops
// after `limit` visible rows. `scan` bounds the work when most hits are on numbers the actor cannot see.
export function searchMessages(db: Db, p: { match: string; v: Visibility; numberId: number | null; scan: number; limit: number }): MessageHit[] {
  return db
    .query<MessageHit>(
      `SELECT m.id AS message_id, m.conversation_id, m.contact_id, k.name AS contact_name, m.direction, m.created_at, m.text
       FROM (SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH $match ORDER BY rowid DESC LIMIT $scan) h
       JOIN messages m ON m.id = h.id
       JOIN conversations c ON c.id = m.conversation_id
       JOIN contacts k ON k.id = m.contact_id
       WHERE ($all OR m.number_id IN (SELECT value FROM json_each($numbers)) OR c.assignee_id = $user)
         AND ($number IS NULL OR m.number_id = $number)
       ORDER BY h.id DESC LIMIT $limit`,
    )
    .all({ match: p.match, scan: p.scan, limit: p.limit, number: p.numberId, ...vis(p.v) });
}

export interface ContactHit {
  contact_id: number;
  name: string;
  phone: string | null;
}

/** Contacts whose name or phone match, newest first. */
export function searchContacts(db: Db, p: { match: string; limit: number }): ContactHit[] {
  return db
    .query<ContactHit>(
      `SELECT k.id AS contact_id, k.name, k.phone
       FROM (SELECT rowid AS id FROM contacts_fts WHERE contacts_fts MATCH $match ORDER BY rowid DESC LIMIT $limit) h
       JOIN contacts k ON k.id = h.id ORDER BY h.id DESC`,
    )
    .all({ match: p.match, limit: p.limit });
}

export interface NoteHit {
  note_id: number;
  contact_id: number;
  conversation_id: number | null;
  created_at: number;
  text: string;
}

/** Notes the actor may see: in a visible conversation, or on the contact when `contactNotes` (contacts:read). */
export function searchNotes(db: Db, p: { match: string; v: Visibility; contactNotes: boolean; scan: number; limit: number }): NoteHit[] {
  return db
    .query<NoteHit>(
      `SELECT n.id AS note_id, n.contact_id, n.conversation_id, n.created_at, n.text
       FROM (SELECT rowid AS id FROM notes_fts WHERE notes_fts MATCH $match ORDER BY rowid DESC LIMIT $scan) h
       JOIN notes n ON n.id = h.id
       LEFT JOIN conversations c ON c.id = n.conversation_id
       WHERE CASE WHEN n.conversation_id IS NULL THEN $contact_notes
                  ELSE ($all OR c.number_id IN (SELECT value FROM json_each($numbers)) OR c.assignee_id = $user) END
       ORDER BY h.id DESC LIMIT $limit`,
    )
    .all({ match: p.match, scan: p.scan, limit: p.limit, contact_notes: p.contactNotes ? 1 : 0, ...vis(p.v) });
}
