// Notes API. Who sees a note: one written in a conversation goes with that conversation (an agent sees those of
// its teams' numbers and its own); one written on the contact goes with the contact (contacts:read).
import { Type } from "@sinclair/typebox";
import type { Actor } from "../auth/actor";
import type { Deps } from "../deps";
import { canSee } from "../conversations/routes";
import { route, type Ctx } from "../platform/http";
import { forbidden, notFound } from "../platform/errors";
import { PageQuery, decodeCursor, encodeCursor, iso } from "../platform/pagination";
import { MAX_NOTE, type NoteRow } from "./service";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Person = Type.Object({ id: Type.Union([Type.String(), Type.Null()]), name: Type.String() });

const NoteJson = Type.Object({
  id: Type.String(),
  contact_id: Type.String(),
  conversation_id: Type.Union([Type.String(), Type.Null()]),
  author: Person,
  text: Type.String(),
  mentions: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  created_at: Type.String({ format: "date-time" }),
});

export const noteJson = (n: NoteRow) => ({
  id: String(n.id),
  contact_id: String(n.contact_id),
  conversation_id: n.conversation_id === null ? null : String(n.conversation_id),
  author: { id: n.author_id === null ? null : String(n.author_id), name: n.author_label },
  text: n.text,
  mentions: n.mentions.map((m) => ({ id: String(m.id), name: m.name })),
  created_at: iso(n.created_at)!,
});

/** True when `actor` may read `note` (see the header). */
export function canSeeNote(d: Deps, actor: Actor, note: { conversation_id: number | null }): boolean {
  if (note.conversation_id === null) return actor.perms.has("contacts:read");
  const conv = d.conversations.get(note.conversation_id);
  return !!conv && canSee(d, actor, conv);
}

export function notesApi(d: Deps) {
  const visibleConversation = (c: Ctx, id: number) => {
    const conv = d.conversations.get(id);
    if (!conv || !canSee(d, c.user(), conv)) throw notFound("No such conversation.");
    return conv;
  };
  return [
    route({
      method: "GET",
      path: "/api/v1/contacts/:id/notes",
      access: "contacts:read",
      tag: "Notes",
      summary: "A contact's notes, newest first",
      description: "Notes written in conversations you cannot see are left out.",
      params: Id,
      query: Type.Object({ ...PageQuery }),
      response: Type.Object({ data: Type.Array(NoteJson), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
      handler: (c) => {
        if (!d.contacts.get(c.params.id)) throw notFound("No such contact.");
        const limit = c.query.limit ?? 50;
        const rows = d.notes.forContact(c.params.id, limit + 1, decodeCursor(c.query.cursor));
        const page = rows.slice(0, limit);
        return { data: page.filter((n) => canSeeNote(d, c.user(), n)).map(noteJson), next_cursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/contacts/:id/notes",
      access: "conversations:note",
      tag: "Notes",
      summary: "Write a note about a contact",
      description: "With `conversation_id` the note also shows in that conversation (you must see it). Without, it is a note on the contact (needs contacts:read). `@Name` or `@email-local-part` mentions notify those people.",
      params: Id,
      body: Type.Object(
        { text: Type.String({ minLength: 1, maxLength: MAX_NOTE }), conversation_id: Type.Optional(Type.Union([Type.String({ pattern: "^\\d+$", description: "a conversation id" }), Type.Null()])) },
        { additionalProperties: false },
      ),
      status: 201,
      response: Type.Object({ data: NoteJson }),
      handler: (c) => {
        const conversationId = c.body.conversation_id ? visibleConversation(c, Number(c.body.conversation_id)).id : null;
        if (conversationId === null && !c.can("contacts:read")) throw forbidden("A note outside a conversation needs the permission contacts:read.");
        return { data: noteJson(d.notes.add({ contactId: c.params.id, conversationId, author: c.user(), text: c.body.text })) };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/conversations/:id/notes",
      access: "conversations:read",
      tag: "Notes",
      summary: "A conversation's notes, oldest first",
      params: Id,
      response: Type.Object({ data: Type.Array(NoteJson), next_cursor: Type.Null() }),
      handler: (c) => ({ data: d.notes.forConversation(visibleConversation(c, c.params.id).id).map(noteJson), next_cursor: null }),
    }),
  ];
}
