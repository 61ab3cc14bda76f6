// Editing the customer from the conversation's side panel: name and language, tags, attributes. Reached
// through a conversation the agent may see (so an agent edits only its own customers), each answers the
// panel section it changed; the contacts capability validates and records who changed what.
import { Type } from "@sinclair/typebox";
import type { AuditWho } from "../audit";
import type { Deps } from "../deps";
import { AppError } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import { viewerOf, visibleConversation } from "./access";
import { contactView } from "./contact";
import { html } from "./render";
import { vxOf } from "./vx";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const who = (c: Ctx): AuditWho => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const KEY = /^[a-z0-9_]{1,40}$/;

/** Renders one panel section of the conversation's contact, with an optional error and edit state. */
function section(d: Deps, c: Ctx, view: string, id: number, o: { error?: string; editing?: boolean; status?: number } = {}): Response {
  const conv = d.conversations.get(id)!;
  const ct = contactView(d, viewerOf(d, c.user()), conv);
  return html([d.views.render(view, { vx: vxOf(d, c), ct, error: o.error ?? null, editing: !!o.editing })], o.status ?? 200);
}

/** Runs an edit; a validation refusal from the contacts capability is shown in the section. */
function edit(d: Deps, view: string, act: (c: Ctx, contactId: number) => string | null) {
  return (c: Ctx) => {
    const id = (c.params as { id: number }).id;
    const conv = visibleConversation(d, c.user(), id);
    try {
      const problem = act(c, conv.contact_id);
      if (problem) return section(d, c, view, id, { error: problem, editing: true, status: 422 });
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 422) throw e;
      return section(d, c, view, id, { error: e.message, editing: true, status: 422 });
    }
    return section(d, c, view, id);
  };
}

export function contactRoutes(d: Deps) {
  const post = (path: string, view: string, act: (c: Ctx, contactId: number) => string | null) =>
    route({ method: "POST", path: `/inbox/:id/contact${path}`, access: "contacts:manage", params: Id, form: true, handler: edit(d, view, act) });
  const contacts = () => d.contacts;
  return [
    route({
      method: "GET", path: "/inbox/:id/contact", access: "conversations:read", params: Id,
      handler: (c) => {
        visibleConversation(d, c.user(), c.params.id);
        return section(d, c, "@inbox/_cname", c.params.id, { editing: c.url.searchParams.get("edit") === "1" && c.can("contacts:manage") });
      },
    }),
    post("", "@inbox/_cname", (c, cid) => {
      const name = c.form.get("name").slice(0, 100);
      const language = c.form.get("language");
      if (language && !LANGUAGE.test(language)) return c.t("inbox.err_language");
      contacts().update(cid, { name, ...(language ? { language } : {}) }, who(c));
      return null;
    }),
    post("/tags", "@inbox/_tags", (c, cid) => {
      const tag = c.form.get("tag");
      if (!tag || tag.length > 50) return c.t("inbox.err_tag");
      contacts().addTag(cid, tag, who(c));
      return null;
    }),
    post("/tags/remove", "@inbox/_tags", (c, cid) => (contacts().removeTag(cid, c.form.get("tag"), who(c)), null)),
    post("/attributes", "@inbox/_attrs", (c, cid) => {
      const key = c.form.get("key");
      if (!KEY.test(key)) return c.t("inbox.err_attribute_key");
      contacts().setAttribute(cid, key, c.form.get("value").slice(0, 500), who(c));
      return null;
    }),
    post("/attributes/remove", "@inbox/_attrs", (c, cid) => (contacts().setAttribute(cid, c.form.get("key"), null, who(c)), null)),
  ];
}
