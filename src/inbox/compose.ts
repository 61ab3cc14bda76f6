// The composer's routes: replies (text or a file), internal notes, approved templates outside the 24-hour
// window, /shortcut and @mention suggestions, and retrying a failed message. A message refused by the check
// step (outside_window, opted_out...) comes back as an error in the composer, with the text kept: it is
// never shown as if it had been sent.
import { Type } from "@sinclair/typebox";
import type { ConversationRow } from "../conversations";
import type { Deps } from "../deps";
import { AppError, notFound } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import { visibleConversation } from "./access";
import { sendFile, UPLOAD_LIMIT } from "./attach";
import { composerView } from "./conversation";
import { oneRow } from "./list";
import { feed, html, itemsOp, rowOp, type FeedOp } from "./render";
import { mentionCandidates } from "./store";
import { findTemplate, templateForm, templateMessage, validateForm, type TemplateForm } from "./templates";
import { messageItem, noteView, tz, withDays, type Item } from "./thread";
import { vxOf } from "./vx";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const MAX_TEXT = 4096;

/** The composer re-rendered (after a send it is empty; after a refusal it keeps the text and says why). */
function composer(d: Deps, c: Ctx, conv: ConversationRow, o: { mode?: string; text?: string; error?: string | null; template?: TemplateForm | null } = {}) {
  return d.views.render("@inbox/_composer", { vx: vxOf(d, c), cm: composerView(d, c.user(), conv, o) });
}

/** The composer plus the new timeline items and the refreshed row, placed at once (SSE brings them to others). */
function sent(d: Deps, c: Ctx, conv: ConversationRow, items: Item[], mode: string): Response {
  const vx = vxOf(d, c);
  const row = oneRow(d, conv.id);
  const ops: FeedOp[] = [itemsOp(vx, conv.id, withDays(items, tz(d))), ...(row ? [rowOp(vx, row)] : [])];
  return html([composer(d, c, d.conversations.get(conv.id)!, { mode }), feed(d, ops)]);
}

/** A refusal from the check step or the upload, shown in the composer. */
function refused(d: Deps, c: Ctx, conv: ConversationRow, e: unknown, o: { mode?: string; text?: string; template?: TemplateForm | null }): Response {
  if (!(e instanceof AppError) || (e.status >= 500 && e.code !== "upload_failed")) throw e;
  return html([composer(d, c, conv, { ...o, error: e.message })], e.status === 502 ? 502 : 422);
}

async function reply(d: Deps, c: Ctx, id: number): Promise<Response> {
  const a = c.user();
  const conv = visibleConversation(d, a, id);
  const text = c.form.raw("text").trim();
  const file = c.form.file("file");
  if (conv.status === "resolved") return html([composer(d, c, conv, { text, error: c.t("inbox.composer_resolved") })], 409);
  if (!text && !file) return html([composer(d, c, conv, { error: c.t("inbox.err_empty") })], 422);
  if (text.length > MAX_TEXT) return html([composer(d, c, conv, { text, error: c.t("inbox.err_too_long", { n: MAX_TEXT }) })], 422);
  try {
    const author = { authorKind: "agent" as const, authorId: String(a.userId) };
    const out = file
      ? await sendFile(d, conv, a.userId ?? 0, file, text, c.t)
      : d.outbox.enqueue({ numberId: conv.number_id, contactId: conv.contact_id, type: "text", content: { body: text, preview_url: /https?:\/\//.test(text) }, ...author });
    const items = [messageItem(d, out.message)];
    // Audio carries no caption on WhatsApp: the text goes as its own message.
    if (file && text && out.message.type === "audio") items.push(messageItem(d, d.outbox.enqueue({ numberId: conv.number_id, contactId: conv.contact_id, type: "text", content: { body: text }, ...author }).message));
    return sent(d, c, conv, items, "reply");
  } catch (e) {
    return refused(d, c, conv, e, { text });
  }
}

function note(d: Deps, c: Ctx, id: number): Response {
  const a = c.user();
  const conv = visibleConversation(d, a, id);
  const text = c.form.raw("text").trim();
  if (!text) return html([composer(d, c, conv, { mode: "note", error: c.t("inbox.err_empty_note") })], 422);
  if (text.length > MAX_TEXT) return html([composer(d, c, conv, { mode: "note", text, error: c.t("inbox.err_too_long", { n: MAX_TEXT }) })], 422);
  const n = d.notes.add({ contactId: conv.contact_id, conversationId: conv.id, author: a, text });
  return sent(d, c, conv, [{ kind: "note", at: n.created_at, n: noteView(n) }], "note");
}

function template(d: Deps, c: Ctx, id: number): Response {
  const a = c.user();
  const conv = visibleConversation(d, a, id);
  const number = d.numbers.get(conv.number_id);
  const t = number ? findTemplate(d, number.waba_id, c.form.get("template")) : null;
  if (!t) return html([composer(d, c, conv, { error: c.t("inbox.err_template") })], 422);
  const form = templateForm(t, (f) => c.form.raw(f));
  if (!validateForm(form)) return html([composer(d, c, conv, { template: form, error: c.t("inbox.err_template_values") })], 422);
  try {
    const out = d.outbox.enqueue({ numberId: conv.number_id, contactId: conv.contact_id, type: "template", content: templateMessage(form), authorKind: "agent", authorId: String(a.userId) });
    return sent(d, c, conv, [messageItem(d, out.message)], "reply");
  } catch (e) {
    return refused(d, c, conv, e, { template: form });
  }
}

/** Quick replies for "/short", or people to mention for "@na" at the end of the text. */
function suggest(d: Deps, c: Ctx, id: number): Response {
  const a = c.user();
  const conv = visibleConversation(d, a, id);
  const text = c.url.searchParams.get("text") ?? "";
  const vx = vxOf(d, c);
  const slash = /^\/(\S{0,40})$/.exec(text);
  const qr = d.quickReplies;
  if (slash && qr && a.userId !== null && c.url.searchParams.get("mode") !== "note") {
    const contact = d.contacts.get(conv.contact_id)!;
    const q = slash[1]!.toLowerCase();
    const items = qr.list(a.userId).filter((r) => r.shortcut.toLowerCase().startsWith(q)).slice(0, 8).map((r) => {
      const insert = qr.render(r.text, { contact, agent: { name: a.name } });
      return { key: r.shortcut, text: insert.slice(0, 90), insert };
    });
    return html([d.views.render("@inbox/_suggest", { vx, kind: "quick", items })]);
  }
  const at = /(?:^|\s)@([^\s@]{0,30})$/.exec(text);
  if (at) {
    const items = mentionCandidates(d.db, conv.number_id, conv.assignee_id, at[1]!).map((u) => ({ key: u.name, text: u.email, insert: `@${u.name} ` }));
    return html([d.views.render("@inbox/_suggest", { vx, kind: "mention", items })]);
  }
  return html([""]);
}

function retry(d: Deps, c: Ctx, id: number, messageId: number): Response {
  const conv = visibleConversation(d, c.user(), id);
  const m = d.conversations.message(messageId);
  if (!m || m.conversation_id !== conv.id) throw notFound("No such message.");
  const again = d.outbox.retry(messageId);
  return html([d.views.render("@inbox/_message", { vx: vxOf(d, c), b: (messageItem(d, again) as Extract<Item, { kind: "message" }>).b, cid: conv.id })]);
}

export function composeRoutes(d: Deps) {
  return [
    route({
      method: "GET", path: "/inbox/:id/composer", access: "conversations:read", params: Id,
      handler: (c) => html([composer(d, c, visibleConversation(d, c.user(), c.params.id), { mode: c.url.searchParams.get("mode") ?? "reply", text: (c.url.searchParams.get("text") ?? "").slice(0, MAX_TEXT) })]),
    }),
    route({ method: "POST", path: "/inbox/:id/messages", access: "conversations:reply", params: Id, form: true, bodyLimit: UPLOAD_LIMIT, handler: (c) => reply(d, c, c.params.id) }),
    route({ method: "POST", path: "/inbox/:id/notes", access: "conversations:note", params: Id, form: true, handler: (c) => note(d, c, c.params.id) }),
    route({
      method: "GET", path: "/inbox/:id/template-form", access: "conversations:reply", params: Id,
      handler: (c) => {
        const conv = visibleConversation(d, c.user(), c.params.id);
        const number = d.numbers.get(conv.number_id);
        const t = number ? findTemplate(d, number.waba_id, c.url.searchParams.get("template") ?? "") : null;
        return html([t ? d.views.render("@inbox/_tpl-fields", { vx: vxOf(d, c), tf: templateForm(t) }) : ""]);
      },
    }),
    route({ method: "POST", path: "/inbox/:id/template", access: "conversations:reply", params: Id, form: true, handler: (c) => template(d, c, c.params.id) }),
    route({ method: "GET", path: "/inbox/:id/suggest", access: "conversations:read", params: Id, handler: (c) => suggest(d, c, c.params.id) }),
    route({
      method: "POST", path: "/inbox/:id/messages/:mid/retry", access: "conversations:reply", form: true,
      params: Type.Object({ id: Type.Integer({ minimum: 1 }), mid: Type.Integer({ minimum: 1 }) }),
      handler: (c) => retry(d, c, c.params.id, c.params.mid),
    }),
  ];
}
