// Message templates as Meta keeps them (whatsapp-cloud-api.md §6): list with paging, create (PENDING, then
// APPROVED, or REJECTED when the name contains "reject" or parameters touch, after a delay on the injected
// clock, with a `message_template_status_update` webhook), delete, and the send-time checks 132000/132001/
// 132015/132016. A sent template is rendered once, so the fake phone can show it and its buttons can be tapped.
import { newNumericId, type Sim } from "./context";
import { SimGraphError, missingParam } from "./errors";
import * as store from "./store";
import type { SimNumber, SimTemplate } from "./store";

type Obj = Record<string, any>;

export interface TemplateDef {
  name: string;
  language: string;
  category: string;
  status: string;
  components: Obj[];
}

export interface Rendered {
  header: string | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string; payload: string }[];
}

const CATEGORIES = new Set(["MARKETING", "UTILITY", "AUTHENTICATION"]);

/** Inserts a template unless (waba, name, language) exists (demo seeding is idempotent). */
export function seedTemplate(sim: Sim, waba: string, t: TemplateDef): void {
  const { db, clock } = sim.d;
  if (store.getTemplate(db, waba, t.name, t.language)) return;
  const now = clock.now();
  store.insertTemplate(db, { meta_id: newNumericId(), waba_id: waba, name: t.name, language: t.language, category: t.category, status: t.status, parameter_format: "positional", components: JSON.stringify(t.components), reason: null, created_at: now, updated_at: now });
}

/** A template as `GET /{waba}/message_templates` returns it, limited to `fields` when given (id always). */
export function templateJson(t: SimTemplate, fields: string[] | null): Obj {
  const full: Obj = {
    name: t.name,
    components: JSON.parse(t.components),
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.meta_id,
    parameter_format: t.parameter_format.toUpperCase(),
    rejected_reason: t.reason ?? "NONE",
    quality_score: { score: "UNKNOWN" },
  };
  if (!fields?.length) return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => k === "id" || fields.includes(k)));
}

const cursor = (id: number) => Buffer.from(String(id)).toString("base64url");
const uncursor = (c: string | null) => (c ? Number(Buffer.from(c, "base64url").toString()) || 0 : 0);

/** One page of a WABA's templates with Meta's `paging.cursors` and `next`. */
export function listPage(sim: Sim, waba: string, q: URLSearchParams, selfPath: string): Obj {
  const limit = Math.min(Math.max(Number(q.get("limit")) || 25, 1), 1000);
  const fields = q.get("fields")?.split(",").map((f) => f.trim()).filter(Boolean) ?? null;
  const rows = store.listTemplates(sim.d.db, waba, { afterId: uncursor(q.get("after")), limit: limit + 1, name: q.get("name") ?? undefined, status: q.get("status")?.toUpperCase() });
  const page = rows.slice(0, limit);
  const out: Obj = { data: page.map((t) => templateJson(t, fields)) };
  if (page.length) {
    out.paging = { cursors: { before: cursor(page[0]!.id - 1), after: cursor(page.at(-1)!.id) } };
    if (rows.length > limit) {
      const next = new URLSearchParams(q);
      next.set("after", cursor(page.at(-1)!.id));
      out.paging.next = `${sim.d.runtime.selfUrl}${selfPath}?${next}`;
    }
  }
  return out;
}

/** Why a submitted template would be rejected (Meta's reason), or null when it passes review. */
function rejection(name: string, components: Obj[]): string | null {
  if (name.includes("reject")) return "INVALID_FORMAT";
  const body = components.find((c) => String(c.type).toUpperCase() === "BODY");
  return /\{\{\s*\w+\s*\}\}\s*\{\{/.test(String(body?.text ?? "")) ? "INVALID_FORMAT" : null;
}

/** `POST /{waba}/message_templates`: validates, stores PENDING and schedules the review. */
export function createTemplate(sim: Sim, waba: string, b: Obj): Obj {
  if (!b || typeof b !== "object") throw missingParam("name");
  if (typeof b.name !== "string" || !b.name) throw missingParam("name");
  if (!/^[a-z0-9_]{1,512}$/.test(b.name)) throw new SimGraphError(100, { details: "name: only lowercase letters, digits and underscores, at most 512 characters." });
  const category = String(b.category ?? "").toUpperCase();
  if (!CATEGORIES.has(category)) throw new SimGraphError(100, { details: "category must be one of MARKETING, UTILITY, AUTHENTICATION." });
  if (typeof b.language !== "string" || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(b.language)) throw new SimGraphError(100, { details: "language must be a language code such as en_US or it." });
  const components = Array.isArray(b.components) ? (b.components as Obj[]) : [];
  if (!components.some((c) => String(c?.type).toUpperCase() === "BODY" && typeof c.text === "string" && c.text)) throw new SimGraphError(100, { details: "components must include a BODY with text." });
  const { db, clock } = sim.d;
  if (store.getTemplate(db, waba, b.name, b.language)) throw new SimGraphError(100, { subcode: 2388024, details: `Content in this language already exists: ${b.name} (${b.language}).` });
  const now = clock.now();
  const metaId = newNumericId();
  const format = b.parameter_format === "named" || b.parameter_format === "NAMED" ? "named" : "positional";
  const id = store.insertTemplate(db, { meta_id: metaId, waba_id: waba, name: b.name, language: b.language, category, status: "PENDING", parameter_format: format, components: JSON.stringify(components), reason: null, created_at: now, updated_at: now });
  scheduleReview(sim, id, sim.faults.get().delays.template_review_ms);
  return { id: metaId, status: "PENDING", category };
}

/** Decides a PENDING template after `ms` and tells the app by webhook, as Meta's review does. */
export function scheduleReview(sim: Sim, id: number, ms: number): void {
  sim.later(ms, () => {
    const { db, clock } = sim.d;
    const t = store.getTemplateById(db, id);
    if (!t || t.status !== "PENDING") return;
    const reason = rejection(t.name, JSON.parse(t.components) as Obj[]);
    const status = reason ? "REJECTED" : "APPROVED";
    store.setTemplateStatus(db, t.id, status, reason, clock.now());
    sim.webhooks.send({
      wabaId: t.waba_id,
      field: "message_template_status_update",
      time: Math.floor(clock.now() / 1000),
      value: { event: status, message_template_id: Number(t.meta_id), message_template_name: t.name, message_template_language: t.language, reason: reason ?? "NONE", message_template_category: t.category },
    });
  });
}

/** Reschedules reviews a restart interrupted (their clock keeps running from creation). */
export function resumeReviews(sim: Sim): void {
  const delay = sim.faults.get().delays.template_review_ms;
  for (const t of store.pendingTemplates(sim.d.db)) scheduleReview(sim, t.id, Math.max(0, t.created_at + delay - sim.d.clock.now()));
}

/** The template a send names, if it may be sent: else 131008, 132001, 132015, 132016 or 132000. */
export function checkTemplateSend(sim: Sim, number: SimNumber, tpl: Obj): { template: SimTemplate; rendered: Rendered } {
  if (!tpl || typeof tpl.name !== "string" || !tpl.name) throw new SimGraphError(131008, { details: "template.name is required." });
  const code = tpl.language?.code;
  if (typeof code !== "string" || !code) throw new SimGraphError(131008, { details: "template.language.code is required." });
  const t = store.getTemplate(sim.d.db, number.waba_id, tpl.name, code);
  if (!t || !["APPROVED", "PAUSED", "DISABLED"].includes(t.status)) throw new SimGraphError(132001, { details: `template name (${tpl.name}) does not exist in ${code}` });
  if (t.status === "PAUSED") throw new SimGraphError(132015, { details: `Template ${tpl.name} is paused.` });
  if (t.status === "DISABLED") throw new SimGraphError(132016, { details: `Template ${tpl.name} is disabled.` });
  const comps = JSON.parse(t.components) as Obj[];
  const bodyText = String(comps.find((c) => String(c.type).toUpperCase() === "BODY")?.text ?? "");
  const expected = new Set([...bodyText.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1])).size;
  const given = paramsOf(tpl.components, "body");
  if (given.length !== expected) throw new SimGraphError(132000, { details: `body: number of localizable_params (${given.length}) does not match the expected number of params (${expected})` });
  return { template: t, rendered: render(comps, tpl.components) };
}

function paramsOf(components: unknown, type: string): Obj[] {
  const c = Array.isArray(components) ? (components as Obj[]).find((x) => String(x?.type).toLowerCase() === type) : undefined;
  return Array.isArray(c?.parameters) ? c.parameters : [];
}

const paramText = (p: Obj) => String(p?.text ?? p?.currency?.fallback_value ?? p?.date_time?.fallback_value ?? p?.payload ?? `[${p?.type ?? "?"}]`);

/** Fills {{1}} (positional) or {{name}} (named) placeholders from the send's parameters. */
function fill(text: string, params: Obj[]): string {
  let next = 0;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, key: string) => {
    const p = /^\d+$/.test(key) ? params[Number(key) - 1] : (params.find((x) => x?.parameter_name === key) ?? params[next]);
    next++;
    return p ? paramText(p) : m;
  });
}

/** What the customer's phone shows for a template send: header, body, footer and tappable buttons. */
function render(comps: Obj[], sendComponents: unknown): Rendered {
  const of = (type: string) => comps.find((c) => String(c.type).toUpperCase() === type);
  const header = of("HEADER");
  const buttons = (of("BUTTONS")?.buttons ?? []) as Obj[];
  const sent = Array.isArray(sendComponents) ? (sendComponents as Obj[]) : [];
  return {
    header: header?.format === "TEXT" || (header && !header.format) ? fill(String(header.text ?? ""), paramsOf(sendComponents, "header")) : header ? `[${String(header.format).toLowerCase()}]` : null,
    body: fill(String(of("BODY")?.text ?? ""), paramsOf(sendComponents, "body")),
    footer: of("FOOTER")?.text ? String(of("FOOTER")!.text) : null,
    buttons: buttons.map((b, i) => {
      const given = sent.find((c) => String(c?.type).toLowerCase() === "button" && Number(c.index) === i);
      const payload = given?.parameters?.find((p: Obj) => p.type === "payload")?.payload;
      return { type: String(b.type ?? "QUICK_REPLY").toUpperCase(), text: String(b.text ?? ""), payload: String(payload ?? b.text ?? "") };
    }),
  };
}

/** `DELETE /{waba}/message_templates?name=&hsm_id=`. */
export function deleteTemplate(sim: Sim, waba: string, q: URLSearchParams): Obj {
  const name = q.get("name");
  if (!name) throw missingParam("name");
  if (!store.deleteTemplates(sim.d.db, waba, name, q.get("hsm_id"))) throw new SimGraphError(100, { details: `Template ${name} does not exist.` });
  return { success: true };
}
