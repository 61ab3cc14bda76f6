// Internal notes about a customer (PRODUCT.md C5, C9): written in a conversation or on the contact, never sent.
// @mentions notify the people named; the note commits first, then mentions notify and note.added fires.
import type { Actor } from "../auth/actor";
import type { Platform } from "../deps";
import type { ContactsService } from "../contacts";
import type { ConversationsService } from "../conversations";
import type { NotificationsService } from "../notifications";
import type { UsersService } from "../users";
import { invalid, notFound } from "../platform/errors";
import { findMentions } from "./mentions";
import { getNote, insertMention, insertNote, mentionsOf, notesOfContact, notesOfConversation, type NoteDbRow } from "./store";

declare module "../platform/bus" {
  interface Events {
    "note.added": { noteId: number; contactId: number; conversationId: number | null };
  }
}

export const MAX_NOTE = 5000;

/** A note with the people it mentions. */
export interface NoteRow extends NoteDbRow {
  mentions: { id: number; name: string }[];
}

export interface NotesService {
  /** Adds a note (1-5000 characters); mentioned active users get a notification (not the author). */
  add(input: { contactId: number; conversationId: number | null; author: Actor; text: string }): NoteRow;
  get(id: number): NoteRow | null;
  /** Oldest first: the conversation's timeline order. */
  forConversation(conversationId: number): NoteRow[];
  /** Newest first (default 50, at most 500); `beforeId` pages backwards. */
  forContact(contactId: number, limit?: number, beforeId?: number): NoteRow[];
}

export function createNotes(p: Platform, deps: { contacts: ContactsService; conversations: ConversationsService; users: UsersService; notifications: NotificationsService }): NotesService {
  const { db } = p;

  function withMentions(rows: NoteDbRow[]): NoteRow[] {
    const byNote = new Map<number, { id: number; name: string }[]>();
    for (const m of mentionsOf(db, rows.map((r) => r.id))) {
      let list = byNote.get(m.note_id);
      if (!list) byNote.set(m.note_id, (list = []));
      list.push({ id: m.id, name: m.name });
    }
    return rows.map((r) => ({ ...r, mentions: byNote.get(r.id) ?? [] }));
  }

  function mentionedIn(text: string): number[] {
    if (!text.includes("@")) return [];
    const users = deps.users.list({ afterId: 0, limit: 100_000, status: "active" });
    return findMentions(text, users);
  }

  const svc: NotesService = {
    add(input) {
      const text = input.text.trim();
      if (!text) throw invalid([{ field: "text", message: "must not be empty" }]);
      if (text.length > MAX_NOTE) throw invalid([{ field: "text", message: `must be at most ${MAX_NOTE} characters` }]);
      if (!deps.contacts.get(input.contactId)) throw notFound("No such contact.");
      if (input.conversationId !== null && deps.conversations.get(input.conversationId)?.contact_id !== input.contactId) {
        throw invalid([{ field: "conversation_id", message: "is not a conversation of this contact" }]);
      }
      const author = input.author;
      const label = author.name || author.label;
      const mentioned = mentionedIn(text).filter((id) => id !== author.userId);
      const noteId = db.tx(() => {
        const id = insertNote(db, { contact_id: input.contactId, conversation_id: input.conversationId, author_id: author.userId, author_label: label, text, created_at: p.clock.now() });
        for (const userId of mentioned) insertMention(db, id, userId);
        return id;
      });
      for (const userId of mentioned) deps.notifications.push({ userId, kind: "mention", conversationId: input.conversationId, noteId, actorLabel: label });
      p.bus.emit("note.added", { noteId, contactId: input.contactId, conversationId: input.conversationId });
      return svc.get(noteId)!;
    },
    get(id) {
      const n = getNote(db, id);
      return n ? withMentions([n])[0]! : null;
    },
    forConversation: (conversationId) => withMentions(notesOfConversation(db, conversationId)),
    forContact: (contactId, limit = 50, beforeId = 0) => withMentions(notesOfContact(db, contactId, beforeId, Math.min(Math.max(limit, 1), 500))),
  };
  return svc;
}
