// SQL of contacts and their tags.
import type { Db } from "../platform/db";

export interface ContactRow {
  id: number;
  phone: string | null;
  wa_id: string | null;
  user_id: string | null;
  name: string;
  profile_name: string | null;
  country: string | null;
  language: string | null;
  attributes: string;
  opted_out: number;
  opted_out_at: number | null;
  opted_out_source: string | null;
  consent_at: number | null;
  consent_source: string | null;
  last_inbound_at: number | null;
  created_at: number;
  updated_at: number;
}

export const getContact = (db: Db, id: number) => db.query<ContactRow>("SELECT * FROM contacts WHERE id = ?").get(id);
export const getContactByUserId = (db: Db, userId: string) => db.query<ContactRow>("SELECT * FROM contacts WHERE user_id = ?").get(userId);

/** The first contact whose wa_id or phone matches one of the given digit strings (both Brazil/Mexico forms). */
export function findContactByDigits(db: Db, digits: string[]): ContactRow | null {
  // One or two forms in practice; fixed-arity statements stay cached (json_each cost more on the hot path).
  const list = digits.slice(0, 3);
  const marks = list.map(() => "?").join(", ");
  return db
    .query<ContactRow>(`SELECT * FROM contacts WHERE wa_id IN (${marks}) OR phone IN (${marks}) ORDER BY (wa_id = ?) DESC, id LIMIT 1`)
    .get(...list, ...list.map((x) => `+${x}`), list[0] ?? "");
}

export interface NewContact {
  phone: string | null;
  wa_id: string | null;
  user_id: string | null;
  name: string;
  profile_name: string | null;
  country: string | null;
  language: string | null;
  /** Set when the contact is created by their own message. */
  last_inbound_at?: number | null;
}

export function insertContact(db: Db, c: NewContact, now: number): number {
  return Number(
    db
      .query(
        `INSERT INTO contacts (phone, wa_id, user_id, name, profile_name, country, language, last_inbound_at, created_at, updated_at)
         VALUES ($phone, $wa_id, $user_id, $name, $profile_name, $country, $language, $last_inbound_at, $now, $now)`,
      )
      .run({ ...c, last_inbound_at: c.last_inbound_at ?? null, now }).lastInsertRowid,
  );
}

/** Refreshes what WhatsApp tells us on every inbound message: its wa_id, user id and profile name. */
export function refreshFromWhatsApp(db: Db, id: number, f: { wa_id: string | null; user_id: string | null; profile_name: string | null; last_inbound_at: number }, now: number): void {
  db.query(
    `UPDATE contacts SET wa_id = coalesce($wa_id, wa_id), user_id = coalesce($user_id, user_id),
       profile_name = coalesce($profile_name, profile_name),
       name = CASE WHEN name = '' THEN coalesce($profile_name, '') ELSE name END,
       last_inbound_at = max(coalesce(last_inbound_at, 0), $last_inbound_at), updated_at = $now
     WHERE id = $id`,
  ).run({ ...f, id, now });
}

/** The common case of an inbound message: nothing but the time of the last one changes (no index is touched). */
export function touchInbound(db: Db, id: number, at: number, now: number): void {
  db.query("UPDATE contacts SET last_inbound_at = max(coalesce(last_inbound_at, 0), ?), updated_at = ? WHERE id = ?").run(at, now, id);
}

export function setOptOut(db: Db, id: number, optedOut: boolean, source: string, at: number): boolean {
  return (
    db
      .query("UPDATE contacts SET opted_out = $o, opted_out_at = $at, opted_out_source = $source, updated_at = $at WHERE id = $id AND opted_out <> $o")
      .run({ id, o: optedOut ? 1 : 0, at, source }).changes === 1
  );
}

export function changeNumber(db: Db, id: number, waId: string, phone: string, now: number): void {
  db.query("UPDATE contacts SET wa_id = ?, phone = ?, updated_at = ? WHERE id = ?").run(waId, phone, now, id);
}

export const tagsOf = (db: Db, id: number) => db.query<{ tag: string }>("SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag").all(id).map((r) => r.tag);

export const setWaId = (db: Db, id: number, waId: string, now: number) => db.query("UPDATE contacts SET wa_id = ?, updated_at = ? WHERE id = ? AND wa_id IS NOT ?").run(waId, now, id, waId);

/** Adds a tag (the NOCASE primary key ignores an ASCII case variant); true when a row was added. */
export const insertTag = (db: Db, id: number, tag: string, now: number) =>
  db.query("INSERT OR IGNORE INTO contact_tags (contact_id, tag, added_at) VALUES (?, ?, ?)").run(id, tag, now).changes === 1;

export const deleteTag = (db: Db, id: number, tag: string) => db.query("DELETE FROM contact_tags WHERE contact_id = ? AND tag = ?").run(id, tag).changes === 1;

export const touchContact = (db: Db, id: number, now: number) => db.query("UPDATE contacts SET updated_at = ? WHERE id = ?").run(now, id);

export const setAttributes = (db: Db, id: number, json: string, now: number) => db.query("UPDATE contacts SET attributes = ?, updated_at = ? WHERE id = ?").run(json, now, id);

export function updateContactFields(db: Db, id: number, f: { name: string; language: string | null }, now: number): void {
  db.query("UPDATE contacts SET name = $name, language = $language, updated_at = $now WHERE id = $id").run({ ...f, id, now });
}

export interface ContactFilter {
  afterId: number;
  limit: number;
  /** Every one of these tags (matched without case for ASCII). */
  tags: string[];
  /** An FTS5 expression over name and phone, built by the search module's parser. */
  match: string | null;
}

/** A page of contacts by id; tag and text filters narrow the id set through their indexes first. */
export function listContacts(db: Db, f: ContactFilter): ContactRow[] {
  return db
    .query<ContactRow>(
      `SELECT * FROM contacts
       WHERE id > $after
         AND ($ntags = 0 OR id IN (SELECT contact_id FROM contact_tags WHERE tag IN (SELECT value FROM json_each($tags))
                                   GROUP BY contact_id HAVING count(*) = $ntags))
         AND ($match IS NULL OR id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $match))
       ORDER BY id LIMIT $limit`,
    )
    .all({ after: f.afterId, limit: f.limit, tags: JSON.stringify(f.tags), ntags: f.tags.length, match: f.match });
}
