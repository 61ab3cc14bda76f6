// The inbox header's search dropdown: the first hits of the search capability for messages, contacts and
// notes, each with its highlighted snippet as segments (the view escapes each and wraps matches in <mark>),
// and a link to the full results on /search. The search capability only returns what the actor may see.
import type { Actor } from "../auth/actor";
import type { Deps } from "../deps";
import type { Segment } from "../search";
import { activeConversationOf } from "./store";

export interface Hit {
  href: string;
  title: string;
  kind: "messages" | "contacts" | "notes";
  segments: Segment[];
}

/** Up to 3 hits of each kind for `q`. */
export function searchResults(d: Deps, actor: Actor, q: string): Hit[] {
  const r = d.search.query(actor, q, { limit: 3 });
  return [
    ...r.messages.map((m): Hit => ({ href: `/inbox/${m.conversation_id}#msg-${m.message_id}`, title: m.contact_name, kind: "messages", segments: m.snippet })),
    ...r.contacts.map((c): Hit => {
      const conv = activeConversationOf(d.db, c.contact_id);
      return { href: conv ? `/inbox/${conv}` : `/search?q=${encodeURIComponent(q)}`, title: c.name || c.phone || "", kind: "contacts", segments: c.snippet };
    }),
    ...r.notes.map((n): Hit => ({ href: n.conversation_id ? `/inbox/${n.conversation_id}#note-${n.note_id}` : `/search?q=${encodeURIComponent(q)}`, title: "", kind: "notes", segments: n.snippet })),
  ];
}
