// The check step (PRODUCT.md C8): every outbound message of any origin passes it before it enters the outbox,
// and again when it leaves, so a reply that waited behind a broadcast past the window is cancelled with a
// reason instead of being sent to fail. Sensitive words join this step in a later capability.
import type { ContactRow } from "../contacts";
import type { NumberRow, TemplateRow } from "../numbers";

export type CheckCode = "outside_window" | "opted_out" | "unknown_template" | "template_not_approved" | "invalid_recipient" | "invalid_parameters" | "number_unavailable" | "blocked_content";

export type CheckResult = { ok: true; warnings: string[] } | { ok: false; code: CheckCode; message: string };

export interface Outgoing {
  number: NumberRow;
  contact: ContactRow;
  type: string;
  /** The Graph object of a template message ({name, language{code}, components}). */
  template: { name: string; language: { code: string }; components?: unknown[] } | null;
  /** The template as synced from Meta, looked up by name and language. */
  known: TemplateRow | null;
  /** End of the customer service window, or null when the customer never wrote on this number. */
  windowExpiresAt: number | null;
  now: number;
}

/** Meta rejects template parameters with newlines, tabs, four spaces in a row, or nothing at all. */
export function parameterProblem(components: unknown[] | undefined): string | null {
  for (const c of (components ?? []) as { type?: string; parameters?: { type?: string; text?: string }[] }[]) {
    for (const [i, p] of (c.parameters ?? []).entries()) {
      if (p.type !== "text") continue;
      const t = p.text ?? "";
      const where = `${c.type ?? "component"} parameter ${i + 1}`;
      if (!t.trim()) return `${where} is empty`;
      if (/[\n\t]/.test(t)) return `${where} contains a newline or a tab`;
      if (/ {4}/.test(t)) return `${where} contains four spaces in a row`;
    }
  }
  return null;
}

/** Runs every rule; the first that fails decides. */
export function check(o: Outgoing): CheckResult {
  const warnings: string[] = [];
  if (o.number.status === "disabled") return { ok: false, code: "number_unavailable", message: `The number ${o.number.display_phone_number} is disabled.` };
  if (o.number.status === "error") warnings.push(`The number ${o.number.display_phone_number} cannot send right now (${o.number.last_error ?? "error"}); the message waits in the queue.`);
  if (!o.contact.wa_id && !o.contact.phone && !o.contact.user_id) return { ok: false, code: "invalid_recipient", message: "The recipient has no WhatsApp number." };
  if (o.type !== "template") {
    if (o.windowExpiresAt === null || o.windowExpiresAt <= o.now) {
      return { ok: false, code: "outside_window", message: "More than 24 hours passed since the customer last wrote (or they never did): only an approved template can be sent." };
    }
    return { ok: true, warnings };
  }
  if (!o.template || !o.known) return { ok: false, code: "unknown_template", message: `There is no template ${o.template?.name ?? "?"} in ${o.template?.language.code ?? "?"} for this number: sync templates and check name and language.` };
  if (o.known.status !== "APPROVED") return { ok: false, code: "template_not_approved", message: `The template ${o.known.name} (${o.known.language}) is ${o.known.status}, not APPROVED.` };
  if (o.known.category === "MARKETING" && o.contact.opted_out) return { ok: false, code: "opted_out", message: "The customer opted out of marketing messages." };
  const bad = parameterProblem(o.template.components);
  if (bad) return { ok: false, code: "invalid_parameters", message: `Template ${bad} (Meta refuses that).` };
  return { ok: true, warnings };
}
