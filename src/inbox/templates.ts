// Approved templates as a form: the placeholders of the HEADER (text) and BODY ({{1}}, {{2}}… or named
// {{first_name}}) become fields, checked the way Meta checks them (not empty, no newline, tab or four
// spaces in a row), and the filled form becomes the template message's components. Templates needing what
// this form cannot give (a media header, a URL button variable) are listed but not offered.
import type { Deps } from "../deps";
import type { TemplateRow } from "../numbers";

type Obj = Record<string, any>;

export interface TemplateOption {
  key: string;
  name: string;
  language: string;
  category: string;
  supported: boolean;
}

export interface TemplateField {
  component: "header" | "body";
  key: string;
  name: string;
  value: string;
  error: string | null;
}

export interface TemplateForm {
  key: string;
  name: string;
  language: string;
  category: string;
  header: string | null;
  body: string;
  footer: string | null;
  buttons: string[];
  fields: TemplateField[];
  named: boolean;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function components(t: TemplateRow): Obj[] {
  try {
    const c = JSON.parse(t.components) as unknown;
    return Array.isArray(c) ? (c as Obj[]) : [];
  } catch {
    return [];
  }
}

const part = (cs: Obj[], type: string) => cs.find((c) => String(c.type).toUpperCase() === type);

/** False when sending needs a media header or button variables this form does not collect. */
function supported(cs: Obj[]): boolean {
  const header = part(cs, "HEADER");
  if (header && String(header.format ?? "TEXT").toUpperCase() !== "TEXT") return false;
  const buttons = (part(cs, "BUTTONS")?.buttons ?? []) as Obj[];
  if (buttons.some((b) => ["COPY_CODE", "OTP", "CATALOG", "MPM", "FLOW"].includes(String(b.type).toUpperCase()) || String(b.url ?? "").includes("{{"))) return false;
  return !part(cs, "CAROUSEL") && !part(cs, "LIMITED_TIME_OFFER");
}

/** The approved templates of a number's WABA, for the picker. */
export function templateOptions(d: Deps, wabaId: string): TemplateOption[] {
  return d.numbers
    .templates(wabaId)
    .filter((t) => t.status === "APPROVED")
    .map((t) => ({ key: `${t.name}|${t.language}`, name: t.name, language: t.language, category: t.category, supported: supported(components(t)) }));
}

function keysOf(text: string): string[] {
  const keys = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const unique = [...new Set(keys)];
  return unique.every((k) => /^\d+$/.test(k)) ? unique.sort((a, b) => Number(a) - Number(b)) : unique;
}

/** The approved, supported template `key` ("name|language") of the WABA, or null. */
export function findTemplate(d: Deps, wabaId: string, key: string): TemplateRow | null {
  const [name, language] = key.split("|");
  const t = name && language ? d.numbers.template(wabaId, name, language) : null;
  return t && t.status === "APPROVED" && supported(components(t)) ? t : null;
}

/** The form of a template, filled from `values` (form fields `p_header_1`, `p_body_2`, ...). */
export function templateForm(t: TemplateRow, values: (field: string) => string = () => ""): TemplateForm {
  const cs = components(t);
  const header = part(cs, "HEADER");
  const headerText = header && String(header.format ?? "TEXT").toUpperCase() === "TEXT" ? String(header.text ?? "") : null;
  const body = String(part(cs, "BODY")?.text ?? "");
  const field = (component: "header" | "body", key: string): TemplateField => ({ component, key, name: `p_${component}_${key}`, value: values(`p_${component}_${key}`), error: null });
  return {
    key: `${t.name}|${t.language}`,
    name: t.name,
    language: t.language,
    category: t.category,
    header: headerText,
    body,
    footer: part(cs, "FOOTER")?.text ? String(part(cs, "FOOTER")!.text) : null,
    buttons: ((part(cs, "BUTTONS")?.buttons ?? []) as Obj[]).map((b) => String(b.text ?? "")).filter(Boolean),
    fields: [...keysOf(headerText ?? "").map((k) => field("header", k)), ...keysOf(body).map((k) => field("body", k))],
    named: t.parameter_format === "NAMED" || [...keysOf(headerText ?? ""), ...keysOf(body)].some((k) => !/^\d+$/.test(k)),
  };
}

/** Sets each field's error (message keys for the view); true when every value is acceptable to Meta. */
export function validateForm(f: TemplateForm): boolean {
  for (const x of f.fields) {
    if (!x.value.trim()) x.error = "inbox.tpl_err_empty";
    else if (/[\n\t]/.test(x.value)) x.error = "inbox.tpl_err_newline";
    else if (/ {4}/.test(x.value)) x.error = "inbox.tpl_err_spaces";
  }
  return f.fields.every((x) => !x.error);
}

/** The Graph API `template` object of a filled form. */
export function templateMessage(f: TemplateForm): { name: string; language: { code: string }; components: Obj[] } {
  const params = (component: "header" | "body") =>
    f.fields.filter((x) => x.component === component).map((x) => (f.named ? { type: "text", parameter_name: x.key, text: x.value } : { type: "text", text: x.value }));
  const out: Obj[] = [];
  for (const c of ["header", "body"] as const) if (params(c).length) out.push({ type: c, parameters: params(c) });
  return { name: f.name, language: { code: f.language }, components: out };
}

/** The body as the customer will read it, placeholders filled where a value is given. */
export function preview(text: string, f: TemplateForm, component: "header" | "body"): string {
  return text.replace(PLACEHOLDER, (m, k: string) => f.fields.find((x) => x.component === component && x.key === k)?.value || m);
}
