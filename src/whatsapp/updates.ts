// Webhook fields other than messages: template status, category and quality; number quality, limit and name;
// account events; user_preferences (marketing stop). Each updates its owner and, when a person must act,
// posts an admin alert.
import type { Deps } from "../deps";
import { waIdVariants } from "../contacts/phone";
import type { Emit } from "../conversations";

type Obj = Record<string, any>;

const TEMPLATE_ALERTS = new Set(["REJECTED", "PAUSED", "DISABLED", "FLAGGED", "PENDING_DELETION"]);
const ACCOUNT_ALERTS = new Set(["DISABLED_UPDATE", "ACCOUNT_VIOLATION", "ACCOUNT_RESTRICTION", "ACCOUNT_DELETED", "PARTNER_REMOVED", "DISABLED"]);

/** The numbers of a WABA the change is about: the one named by display number, else all of them. */
function numbersFor(d: Deps, wabaId: string, displayNumber: unknown) {
  const all = d.numbers.inWaba(wabaId);
  const digits = typeof displayNumber === "string" || typeof displayNumber === "number" ? String(displayNumber).replace(/\D/g, "") : "";
  const one = digits ? all.filter((n) => n.display_phone_number.replace(/\D/g, "") === digits) : [];
  return one.length ? one : all;
}

export function templateUpdate(d: Deps, wabaId: string, field: string, v: Obj, at: number, emits: Emit[]): void {
  const status = field === "message_template_status_update" && v.event ? String(v.event).toUpperCase() : undefined;
  const category = field === "template_category_update" ? (v.new_category ?? v.correct_category) : undefined;
  const quality = field === "message_template_quality_update" ? v.new_quality_score : undefined;
  const name = v.message_template_name ?? null;
  const language = v.message_template_language ?? null;
  const reason = v.reason && v.reason !== "NONE" ? String(v.reason) : (v.other_info?.title ?? null);
  d.numbers.updateTemplateFromWebhook({ waba_id: wabaId, meta_id: v.message_template_id !== undefined ? String(v.message_template_id) : null, name, language, status, category, quality, reason, at });
  emits.push(() => d.bus.emit("template.changed", { wabaId, name: name ?? "?", language, status: status ?? null }));
  if (status && TEMPLATE_ALERTS.has(status)) {
    const first = d.numbers.inWaba(wabaId)[0];
    d.alerts.post({
      level: status === "REJECTED" || status === "PAUSED" ? "warning" : "critical",
      key: `template:${wabaId}:${name}:${language}`,
      title: `Template ${name} (${language}) is ${status}`,
      body: [reason, v.rejection_info?.recommendation].filter(Boolean).join(" — "),
      i18n: { title: ["alerts.template_title", { name: String(name), language: String(language), status }] },
      link: first ? `/numbers/${first.id}#templates` : null,
    });
  }
}

export function numberUpdate(d: Deps, wabaId: string, field: string, v: Obj): void {
  for (const n of numbersFor(d, wabaId, v.display_phone_number ?? v.phone_number)) {
    if (field === "phone_number_quality_update") {
      const limit = v.current_limit ?? v.max_daily_conversations_per_business ?? null;
      d.numbers.applyUpdate(n.id, { ...(limit ? { messaging_limit_tier: String(limit) } : {}), ...(v.quality_rating ? { quality_rating: v.quality_rating } : {}) });
      d.numbers.recordEvent(n.id, "quality_update", `${v.event ?? "Update"}${limit ? `: limit ${limit}` : ""}`, v);
      if (v.event === "FLAGGED" || v.event === "DOWNGRADE") {
        d.alerts.post({ level: "warning", key: `quality:${n.id}`, title: `${n.display_phone_number}: ${v.event}`, body: `Messaging limit ${limit ?? "?"}`, link: `/numbers/${n.id}` });
      }
    } else if (field === "phone_number_name_update") {
      if (v.decision === "APPROVED" && v.requested_verified_name) d.numbers.applyUpdate(n.id, { verified_name: v.requested_verified_name, name_status: "APPROVED" });
      else if (v.decision) d.numbers.applyUpdate(n.id, { name_status: String(v.decision) });
      d.numbers.recordEvent(n.id, "name_update", `Display name ${v.decision ?? "update"}: ${v.requested_verified_name ?? ""}`, v);
    } else {
      const event = String(v.event ?? v.decision ?? field);
      d.numbers.recordEvent(n.id, field, event, v, ACCOUNT_ALERTS.has(event));
      if (field === "account_update" && ACCOUNT_ALERTS.has(event)) {
        d.numbers.applyUpdate(n.id, { account_status: event });
        d.alerts.post({ level: "critical", key: `account:${n.waba_id}:${event}`, title: `WhatsApp account event ${event} on ${n.display_phone_number}`, body: JSON.stringify(v.ban_info ?? v.violation_info ?? v.restriction_info ?? {}).slice(0, 300), link: `/numbers/${n.id}` });
      }
    }
  }
}

/** A user stopped (or resumed) marketing messages inside WhatsApp. */
export function userPreferences(d: Deps, v: Obj, emits: Emit[]): void {
  for (const pref of (v.user_preferences ?? []) as Obj[]) {
    if (pref.category !== "marketing_messages" || !pref.wa_id) continue;
    const contact = d.contacts.findByWaId(waIdVariants(String(pref.wa_id)));
    if (!contact) continue;
    const stop = String(pref.value).toLowerCase() === "stop";
    const at = typeof pref.timestamp === "number" ? pref.timestamp * 1000 : d.clock.now();
    if (d.contacts.setOptOut(contact.id, stop, "whatsapp_preferences", at)) {
      emits.push(() => d.bus.emit("contact.opted_out", { contactId: contact.id, optedOut: stop, source: "whatsapp_preferences" }));
    }
  }
}
