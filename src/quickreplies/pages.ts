// The quick replies settings page: one's own and the shared ones, create / edit inline / delete, and a live
// preview of the placeholders on a sample customer. Forms re-render with field errors and a 422 (or 409).
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError, notFound } from "../platform/errors";
import { renderPlaceholders, unknownPlaceholders } from "./placeholders";
import type { QuickReply } from "./service";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const BASE = "/settings/quick-replies";

export function quickRepliesPages(d: Deps) {
  const who = (c: Ctx) => ({ actor: c.user(), ip: c.ip, userAgent: c.userAgent });

  /** The preview's sample customer, so an agent sees what a placeholder turns into before using it. */
  const preview = (c: Ctx, text: string) => ({
    text: renderPlaceholders(text, { contact: { name: c.t("quickreplies.sample_name"), phone: "+393331234567", attributes: { city: c.t("quickreplies.sample_city") } }, agent: { name: c.user().name } }),
    unknown: unknownPlaceholders(text),
  });

  function show(c: Ctx, editing: QuickReply | null, extra: { values?: Record<string, string>; errors?: { field: string; message: string }[] } = {}, status = 200) {
    const a = c.user();
    const all = d.quickReplies.list(a.userId).map((r) => ({ ...r, editable: d.quickReplies.canEdit(a, r) }));
    const values = extra.values ?? (editing ? { shortcut: editing.shortcut, text: editing.text } : {});
    const data = {
      own: all.filter((r) => r.owner_id !== null),
      shared: all.filter((r) => r.owner_id === null),
      editing,
      values,
      errors: extra.errors ?? [],
      canShare: c.can("quick_replies:manage_shared"),
      personal: a.userId !== null,
      preview: preview(c, values.text ?? ""),
    };
    return c.page("@quickreplies/index", data, { status, title: c.t("quickreplies.title") });
  }

  /** Saves, or re-renders the form with what was typed and why it was refused. */
  function saveOr(c: Ctx, editing: QuickReply | null, save: () => QuickReply, done: string) {
    try {
      const r = save();
      return c.redirect(BASE, { kind: "success", text: c.t(done, { shortcut: r.shortcut }) });
    } catch (e) {
      if (e instanceof AppError && (e.status === 422 || e.status === 409)) {
        return show(c, editing, { values: c.form.values(), errors: e.fields.length ? e.fields : [{ field: "shortcut", message: e.message }] }, e.status);
      }
      throw e;
    }
  }

  const visible = (c: Ctx, id: number) => {
    const r = d.quickReplies.get(c.user(), id);
    if (!r) throw notFound(c.t("quickreplies.not_found"));
    return r;
  };

  return [
    route({ method: "GET", path: BASE, access: "signed-in", handler: (c) => show(c, null) }),
    route({
      method: "GET",
      path: `${BASE}/preview`,
      access: "signed-in",
      handler: (c) => c.fragment("@quickreplies/_preview", { preview: preview(c, (c.url.searchParams.get("text") ?? "").slice(0, 4096)) }),
    }),
    route({
      method: "POST",
      path: BASE,
      access: "signed-in",
      form: true,
      handler: (c) => saveOr(c, null, () => d.quickReplies.create({ shortcut: c.form.get("shortcut"), text: c.form.raw("text"), shared: c.form.get("shared") === "1" }, who(c)), "quickreplies.created"),
    }),
    route({ method: "GET", path: `${BASE}/:id`, access: "signed-in", params: Id, handler: (c) => show(c, visible(c, c.params.id)) }),
    route({
      method: "POST",
      path: `${BASE}/:id`,
      access: "signed-in",
      params: Id,
      form: true,
      handler: (c) => {
        const r = visible(c, c.params.id);
        return saveOr(c, r, () => d.quickReplies.update(r.id, { shortcut: c.form.get("shortcut"), text: c.form.raw("text") }, who(c)), "quickreplies.saved");
      },
    }),
    route({
      method: "POST",
      path: `${BASE}/:id/delete`,
      access: "signed-in",
      params: Id,
      form: true,
      handler: (c) => {
        const r = visible(c, c.params.id);
        d.quickReplies.remove(r.id, who(c));
        return c.redirect(BASE, { kind: "success", text: c.t("quickreplies.deleted", { shortcut: r.shortcut }) });
      },
    }),
  ];
}
