// Quick replies API: a person's own and the shared ones; shared ones change only with quick_replies:manage_shared.
import { Type } from "@sinclair/typebox";
import type { Actor } from "../auth/actor";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { iso } from "../platform/pagination";
import { MAX_TEXT, normalizeShortcut, type QuickReply } from "./service";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Shortcut = Type.String({ minLength: 1, maxLength: 31, description: "1-30 characters a-z 0-9 _ - (a leading / is dropped)" });
const Text = Type.String({ minLength: 1, maxLength: MAX_TEXT, description: "Placeholders: {{contact.name}}, {{contact.first_name}}, {{contact.phone}}, {{agent.name}}, {{contact.attributes.<key> | 'fallback'}}" });

const QuickReplyJson = Type.Object({
  id: Type.String(),
  shortcut: Type.String(),
  text: Type.String(),
  shared: Type.Boolean(),
  owner_id: Type.Union([Type.String(), Type.Null()]),
  editable: Type.Boolean({ description: "Whether you may change or delete it" }),
  created_at: Type.String({ format: "date-time" }),
  updated_at: Type.String({ format: "date-time" }),
});

/** The API view of a quick reply, as `actor` sees it. */
export const quickReplyJson = (d: Deps, actor: Actor, r: QuickReply) => ({
  id: String(r.id),
  shortcut: r.shortcut,
  text: r.text,
  shared: r.owner_id === null,
  owner_id: r.owner_id === null ? null : String(r.owner_id),
  editable: d.quickReplies.canEdit(actor, r),
  created_at: iso(r.created_at)!,
  updated_at: iso(r.updated_at)!,
});

export function quickRepliesApi(d: Deps) {
  const who = (c: Ctx) => ({ actor: c.user(), ip: c.ip, userAgent: c.userAgent });
  return [
    route({
      method: "GET",
      path: "/api/v1/quick-replies",
      access: "signed-in",
      tag: "Quick replies",
      summary: "Your quick replies and the shared ones, by shortcut",
      query: Type.Object({ q: Type.Optional(Type.String({ maxLength: 31, description: "Only shortcuts starting with this" })) }),
      response: Type.Object({ data: Type.Array(QuickReplyJson), next_cursor: Type.Null() }),
      handler: (c) => {
        const a = c.user();
        const prefix = normalizeShortcut(c.query.q ?? "");
        const rows = d.quickReplies.list(a.userId).filter((r) => r.shortcut.startsWith(prefix));
        return { data: rows.map((r) => quickReplyJson(d, a, r)), next_cursor: null };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/quick-replies",
      access: "signed-in",
      tag: "Quick replies",
      summary: "Create a quick reply",
      description: "Personal unless `shared: true` (needs quick_replies:manage_shared). A token acting as no user can only create shared ones.",
      body: Type.Object({ shortcut: Shortcut, text: Text, shared: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      status: 201,
      response: Type.Object({ data: QuickReplyJson }),
      handler: (c) => ({ data: quickReplyJson(d, c.user(), d.quickReplies.create(c.body, who(c))) }),
    }),
    route({
      method: "PATCH",
      path: "/api/v1/quick-replies/:id",
      access: "signed-in",
      tag: "Quick replies",
      summary: "Change a quick reply",
      params: Id,
      body: Type.Object({ shortcut: Type.Optional(Shortcut), text: Type.Optional(Text) }, { additionalProperties: false }),
      response: Type.Object({ data: QuickReplyJson }),
      handler: (c) => ({ data: quickReplyJson(d, c.user(), d.quickReplies.update(c.params.id, c.body, who(c))) }),
    }),
    route({
      method: "DELETE",
      path: "/api/v1/quick-replies/:id",
      access: "signed-in",
      tag: "Quick replies",
      summary: "Delete a quick reply",
      params: Id,
      handler: (c) => {
        d.quickReplies.remove(c.params.id, who(c));
        return null;
      },
    }),
  ];
}
