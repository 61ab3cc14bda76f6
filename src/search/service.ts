// Full-text search over messages, contacts and notes (PRODUCT.md C5, P5), limited to what the actor may see.
// Newest first rather than best rank: FTS5 serves rowid order from the index and stops after the page, while
// ranking (bm25) must score every hit first; a common word has hundreds of thousands of hits at 10M messages,
// and in a support inbox the recent conversation is nearly always the one sought.
import type { Actor } from "../auth/actor";
import type { Deps } from "../deps";
import { visibleNumbers } from "../conversations/routes";
import { highlight, type Segment } from "./highlight";
import { expandPrefix, parseContactQuery, parseQuery } from "./query";
import { messageTermsWithPrefix, searchContacts, searchMessages, searchNotes, type Visibility } from "./store";

export type SearchKind = "messages" | "contacts" | "notes";
export const SEARCH_KINDS: readonly SearchKind[] = ["messages", "contacts", "notes"];

export interface SearchOptions {
  kinds?: SearchKind[];
  /** Per kind, default 20, at most 100. */
  limit?: number;
  /** Only messages of this number. */
  numberId?: number;
}

export interface SearchResults {
  messages: { message_id: number; conversation_id: number; contact_id: number; contact_name: string; direction: "in" | "out"; created_at: number; snippet: Segment[] }[];
  contacts: { contact_id: number; name: string; phone: string | null; snippet: Segment[] }[];
  notes: { note_id: number; contact_id: number; conversation_id: number | null; created_at: number; snippet: Segment[] }[];
}

export interface SearchService {
  /** Searches what `actor` may see; any input is safe (FTS syntax is text) and nothing searchable gives no hits. */
  query(actor: Actor, q: string, opts?: SearchOptions): SearchResults;
}

// An actor limited to some numbers looks at most this many of the newest hits: a word common on other numbers
// cannot make one search walk the whole archive (about 1 ms per 1,000 hits looked at, on 2 cores).
export const SCAN_LIMIT = 10_000;
// The word being typed matches at most this many indexed words that start with it (alphabetically first):
// enough for any prefix of 3+ letters in a real vocabulary, and a bound on the index seeks one search makes.
export const MAX_COMPLETIONS = 32;

export function createSearch(d: Deps): SearchService {
  return {
    query(actor, q, opts = {}) {
      const out: SearchResults = { messages: [], contacts: [], notes: [] };
      const kinds = new Set(opts.kinds?.length ? opts.kinds : SEARCH_KINDS);
      const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
      const numbers = visibleNumbers(d, actor);
      const v: Visibility = { all: numbers === null, numbers: numbers ?? [], userId: actor.userId };
      const text = parseQuery(q);
      const messagesMatch = text.fts && kinds.has("messages") && actor.perms.has("conversations:read") ? expandPrefix(text, (p) => messageTermsWithPrefix(d.db, p, MAX_COMPLETIONS)) : null;
      if (messagesMatch) {
        out.messages = searchMessages(d.db, { match: messagesMatch, v, numberId: opts.numberId ?? null, scan: SCAN_LIMIT, limit }).map(({ text: body, ...m }) => ({ ...m, snippet: highlight(body, text.terms) }));
      }
      const person = parseContactQuery(q);
      if (person.fts && kinds.has("contacts") && actor.perms.has("contacts:read")) {
        out.contacts = searchContacts(d.db, { match: person.fts, limit }).map((c) => {
          const byName = highlight(c.name, person.terms);
          return { ...c, snippet: byName.some((s) => s.match) || !c.phone ? byName : highlight(c.phone, person.terms) };
        });
      }
      if (text.fts && kinds.has("notes") && (actor.perms.has("conversations:read") || actor.perms.has("contacts:read"))) {
        out.notes = searchNotes(d.db, { match: text.fts, v, contactNotes: actor.perms.has("contacts:read"), scan: SCAN_LIMIT, limit }).map(({ text: body, ...n }) => ({ ...n, snippet: highlight(body, text.terms) }));
      }
      return out;
    },
  };
}
