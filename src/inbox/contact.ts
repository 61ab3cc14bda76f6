// The customer panel beside a conversation: who the customer is (name and language editable), tags and
// attributes edited inline, notes about the contact, the number the conversation came in on, and the
// contact's other conversations (the one timeline across conversations).
import type { ConversationRow } from "../conversations";
import type { Deps } from "../deps";
import { contactConversations, type ContactConversation, type Viewer } from "./store";
import { noteView, type NoteView } from "./thread";

export interface ContactView {
  id: number;
  convId: number;
  name: string;
  profileName: string | null;
  phone: string | null;
  country: string | null;
  language: string | null;
  optedOut: boolean;
  tags: string[];
  attributes: { key: string; value: string }[];
  notes: NoteView[];
  number: string;
  conversations: ContactConversation[];
}

/** Attribute values as text, whatever their JSON type. */
export function attributesOf(raw: string | undefined): { key: string; value: string }[] {
  let o: Record<string, unknown> = {};
  try {
    o = JSON.parse(raw ?? "{}") as Record<string, unknown>;
  } catch {
    // no attributes
  }
  return Object.entries(o)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([key, v]) => ({ key, value: typeof v === "string" ? v : JSON.stringify(v) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** A note written in a conversation shows only to who may see that conversation (other teams' numbers stay hidden). */
function noteVisible(d: Deps, v: Viewer, note: { conversation_id: number | null }): boolean {
  if (note.conversation_id === null || v.visibleNumbers === null) return true;
  const conv = d.conversations.get(note.conversation_id);
  return !!conv && (v.visibleNumbers.includes(conv.number_id) || conv.assignee_id === v.userId);
}

export function contactView(d: Deps, v: Viewer, c: ConversationRow): ContactView {
  const k = d.contacts.get(c.contact_id);
  const n = d.numbers.get(c.number_id);
  return {
    id: c.contact_id,
    convId: c.id,
    name: k?.name ?? "",
    profileName: k?.profile_name ?? null,
    phone: k?.phone ?? null,
    country: k?.country ?? null,
    language: k?.language ?? null,
    optedOut: !!k?.opted_out,
    tags: d.contacts.tags(c.contact_id),
    attributes: attributesOf(k?.attributes),
    notes: d.notes.forContact(c.contact_id, 10).filter((note) => noteVisible(d, v, note)).map(noteView),
    number: n ? `${n.name || n.display_phone_number} (${n.display_phone_number})` : `#${c.number_id}`,
    conversations: contactConversations(d.db, v, c.contact_id),
  };
}
