// Starting a conversation (/inbox/new): a number the agent may use, a typed phone number, an approved
// template and its variables. The message is queued through the check step like any other, and the new
// conversation is assigned to the agent who started it.
import type { Deps } from "../deps";
import { normalizePhone } from "../contacts/phone";
import { AppError } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import { viewerOf } from "./access";
import { numberOptions } from "./pages";
import { html } from "./render";
import { findTemplate, templateForm, templateMessage, templateOptions, validateForm, type TemplateForm } from "./templates";
import { vxOf } from "./vx";

interface StartForm {
  number: number | null;
  phone: string;
  error: string | null;
  phoneError: string | null;
}

/** The chosen number if the actor may use it, else the first one it may. */
function chosenNumber(d: Deps, c: Ctx, raw: string | null) {
  const options = numberOptions(d, viewerOf(d, c.user()));
  const id = Number(raw) || options[0]?.id;
  return { options, number: options.some((o) => o.id === id) ? d.numbers.get(id!) : null };
}

function page(d: Deps, c: Ctx, f: StartForm, tf: TemplateForm | null, status = 200): Response {
  const { options, number } = chosenNumber(d, c, String(f.number ?? ""));
  const vx = vxOf(d, c);
  return c.page("@inbox/new", { vx, numbers: options, form: { ...f, number: number?.id ?? null }, options: number ? templateOptions(d, number.waba_id) : [], tf }, { title: c.t("inbox.new_title"), status });
}

async function start(d: Deps, c: Ctx): Promise<Response> {
  const a = c.user();
  const { number } = chosenNumber(d, c, c.form.get("number"));
  const f: StartForm = { number: number?.id ?? null, phone: c.form.get("phone"), error: null, phoneError: null };
  if (!number) return page(d, c, { ...f, error: c.t("inbox.err_number") }, null, 422);
  const t = findTemplate(d, number.waba_id, c.form.get("template"));
  const tf = t ? templateForm(t, (k) => c.form.raw(k)) : null;
  const to = normalizePhone(f.phone);
  if (!to) return page(d, c, { ...f, phoneError: c.t("inbox.err_phone") }, tf, 422);
  if (!tf) return page(d, c, { ...f, error: c.t("inbox.err_template") }, null, 422);
  if (!validateForm(tf)) return page(d, c, { ...f, error: c.t("inbox.err_template_values") }, tf, 422);
  try {
    const out = d.outbox.enqueue({ numberId: number.id, to, type: "template", content: templateMessage(tf), authorKind: "agent", authorId: String(a.userId) });
    const conv = d.conversations.get(out.message.conversation_id)!;
    const routing = d.routing;
    // A brand-new (or waiting) conversation becomes the starter's; one a colleague already handles stays theirs.
    const fresh = conv.created_at >= out.message.created_at || conv.assignee_id === null;
    if (a.userId !== null && fresh && conv.assignee_id !== a.userId) routing.assign(conv.id, { agentId: a.userId }, { actor: a, ip: c.ip, userAgent: c.userAgent });
    return c.redirect(`/inbox/${conv.id}`);
  } catch (e) {
    if (!(e instanceof AppError) || e.status !== 422) throw e;
    return page(d, c, { ...f, error: e.message }, tf, 422);
  }
}

export function startRoutes(d: Deps) {
  return [
    route({ method: "GET", path: "/inbox/new", access: "conversations:reply", handler: (c) => page(d, c, { number: null, phone: c.url.searchParams.get("phone") ?? "", error: null, phoneError: null }, null) }),
    route({ method: "POST", path: "/inbox/new", access: "conversations:reply", form: true, handler: (c) => start(d, c) }),
    route({
      method: "GET", path: "/inbox/new/templates", access: "conversations:reply",
      handler: (c) => {
        const { number } = chosenNumber(d, c, c.url.searchParams.get("number"));
        return html([d.views.render("@inbox/_new-templates", { vx: vxOf(d, c), options: number ? templateOptions(d, number.waba_id) : [], tf: null })]);
      },
    }),
    route({
      method: "GET", path: "/inbox/new/template-form", access: "conversations:reply",
      handler: (c) => {
        const { number } = chosenNumber(d, c, c.url.searchParams.get("number"));
        const t = number ? findTemplate(d, number.waba_id, c.url.searchParams.get("template") ?? "") : null;
        return html([t ? d.views.render("@inbox/_tpl-fields", { vx: vxOf(d, c), tf: templateForm(t) }) : ""]);
      },
    }),
  ];
}
