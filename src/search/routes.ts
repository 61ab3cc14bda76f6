// The search page (active search over messages, contacts and notes) and GET /api/v1/search. Snippets travel
// as segments; the page escapes each one and wraps matches in <mark>, so hostile customer text stays text.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route } from "../platform/http";
import { iso } from "../platform/pagination";
import { SEARCH_KINDS, type SearchKind, type SearchResults } from "./service";

const SegmentJson = Type.Object({ text: Type.String(), match: Type.Boolean() });
const Snippet = Type.Array(SegmentJson, { description: "The text cut into segments; match=true where the query matched (render escaped, e.g. inside <mark>)" });
const NullId = Type.Union([Type.String(), Type.Null()]);

const ResultsJson = Type.Object({
  messages: Type.Array(Type.Object({ message_id: Type.String(), conversation_id: Type.String(), contact_id: Type.String(), contact_name: Type.String(), direction: Type.Union([Type.Literal("in"), Type.Literal("out")]), created_at: Type.String({ format: "date-time" }), snippet: Snippet })),
  contacts: Type.Array(Type.Object({ contact_id: Type.String(), name: Type.String(), phone: Type.Union([Type.String(), Type.Null()]), snippet: Snippet })),
  notes: Type.Array(Type.Object({ note_id: Type.String(), contact_id: Type.String(), conversation_id: NullId, created_at: Type.String({ format: "date-time" }), snippet: Snippet })),
});

const KINDS = `^(${SEARCH_KINDS.join("|")})(,(${SEARCH_KINDS.join("|")}))*$`;

function resultsJson(r: SearchResults) {
  return {
    messages: r.messages.map((m) => ({ ...m, message_id: String(m.message_id), conversation_id: String(m.conversation_id), contact_id: String(m.contact_id), created_at: iso(m.created_at)! })),
    contacts: r.contacts.map((c) => ({ ...c, contact_id: String(c.contact_id) })),
    notes: r.notes.map((n) => ({ ...n, note_id: String(n.note_id), contact_id: String(n.contact_id), conversation_id: n.conversation_id === null ? null : String(n.conversation_id), created_at: iso(n.created_at)! })),
  };
}

export function searchRoutes(d: Deps) {
  return [
    route({
      method: "GET",
      path: "/search",
      access: "conversations:read",
      handler: (c) => {
        const q = (c.url.searchParams.get("q") ?? "").slice(0, 200);
        const results = q.trim() ? d.search.query(c.user(), q) : null;
        const data = { q, results, total: results ? results.messages.length + results.contacts.length + results.notes.length : 0 };
        if (c.htmx && c.req.headers.get("hx-target")?.includes("search-results")) return c.fragment("@search/_results", data);
        return c.page("@search/index", data, { title: c.t("search.title") });
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/search",
      access: "conversations:read",
      tag: "Search",
      summary: "Full-text search over messages, contacts and notes",
      description:
        "Words are ANDed, \"quoted phrases\" match in order, the last word also matches as a prefix (3+ letters), accents and case are ignored. " +
        "Anything else typed is plain text. Newest first; only what you may see (your teams' numbers and your conversations, unless conversations:read_all).",
      query: Type.Object({
        q: Type.Optional(Type.String({ description: "What to look for" })),
        kinds: Type.Optional(Type.String({ pattern: KINDS, description: "Comma-separated: messages, contacts, notes (default all)" })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: "Per kind (1-100, default 20)" })),
        number_id: Type.Optional(Type.String({ pattern: "^\\d+$", description: "Only messages of this number" })),
      }),
      response: Type.Object({ data: ResultsJson }),
      handler: (c) => {
        const kinds = c.query.kinds?.split(",") as SearchKind[] | undefined;
        const results = d.search.query(c.user(), c.query.q ?? "", { kinds, limit: c.query.limit, numberId: c.query.number_id ? Number(c.query.number_id) : undefined });
        return { data: resultsJson(results) };
      },
    }),
  ];
}
