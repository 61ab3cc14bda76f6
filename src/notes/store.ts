// SQL of notes and their mentions.
import type { Db } from "../platform/db";

export interface NoteDbRow {
  id: number;
  contact_id: number;
  conversation_id: number | null;
  author_id: number | null;
  author_label: string;
  text: string;
  created_at: number;
}

export function insertNote(db: Db, n: Omit<NoteDbRow, "id">): number {
  return Number(
    db
      .query("INSERT INTO notes (contact_id, conversation_id, author_id, author_label, text, created_at) VALUES ($contact_id, $conversation_id, $author_id, $author_label, $text, $created_at)")
      .run(n).lastInsertRowid,
  );
}

export const insertMention = (db: Db, noteId: number, userId: number) => db.query("INSERT OR IGNORE INTO note_mentions (note_id, user_id) VALUES (?, ?)").run(noteId, userId);

export const getNote = (db: Db, id: number) => db.query<NoteDbRow>("SELECT * FROM notes WHERE id = ?").get(id);

/** A conversation's notes, oldest first (they sit in its timeline between messages). */
export const notesOfConversation = (db: Db, conversationId: number) =>
  db.query<NoteDbRow>("SELECT * FROM notes WHERE conversation_id = ? ORDER BY id").all(conversationId);

/** A contact's notes, newest first, keyset-paginated backwards by id. */
export const notesOfContact = (db: Db, contactId: number, beforeId: number, limit: number) =>
  db.query<NoteDbRow>("SELECT * FROM notes WHERE contact_id = ? AND id < ? ORDER BY id DESC LIMIT ?").all(contactId, beforeId || Number.MAX_SAFE_INTEGER, limit);

/** The mentioned users of several notes at once, with their current names. */
export function mentionsOf(db: Db, noteIds: number[]): { note_id: number; id: number; name: string }[] {
  if (!noteIds.length) return [];
  return db
    .query<{ note_id: number; id: number; name: string }>(
      `SELECT m.note_id, u.id, u.name FROM note_mentions m JOIN users u ON u.id = m.user_id
       WHERE m.note_id IN (SELECT value FROM json_each(?)) ORDER BY u.name, u.id`,
    )
    .all(JSON.stringify(noteIds));
}
