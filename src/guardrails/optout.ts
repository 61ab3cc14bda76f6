// STOP (or an admin-defined word) written as the whole message opts the customer out of marketing, with one
// confirmation; START undoes it. Runs inside the webhook's processing transaction, so the confirmation's
// outbox row commits together with the message that caused it.
import type { Deps } from "../deps";
import type { Emit } from "../conversations";
import { isLocale, translator } from "../platform/i18n";
import { AppError } from "../platform/errors";

const normalise = (text: string) => text.trim().replace(/[.!]+$/, "").replace(/\s+/g, " ").toUpperCase();
const words = (list: string) => new Set(list.split(",").map((w) => w.trim().toUpperCase()).filter(Boolean));

/** The keyword set of a setting's value, parsed again only when the value changes (this runs per inbound message). */
function keywordSets() {
  const cache = new Map<string, { set: Set<string>; longest: number }>();
  return (list: string) => {
    let hit = cache.get(list);
    if (!hit) {
      const set = words(list);
      hit = { set, longest: Math.max(0, ...[...set].map((w) => w.length)) };
      if (cache.size > 8) cache.clear();
      cache.set(list, hit);
    }
    return hit;
  };
}

export interface InboundFacts {
  numberId: number;
  contactId: number;
  type: string;
  text: string;
  wamid: string;
}

/** The opt-out hook for inbound messages. */
export function optOutHook(d: Deps) {
  const sets = keywordSets();
  return (m: InboundFacts, emits: Emit[]): void => {
    if (m.type !== "text" && m.type !== "button") return;
    const stops = sets(d.settings.get("opt_out_keywords"));
    const starts = sets(d.settings.get("opt_in_keywords"));
    // A keyword is the whole message: a long text (most of them) cannot be one, whatever its spacing.
    if (m.text.length > 4 * Math.max(stops.longest, starts.longest) + 16) return;
    const said = normalise(m.text);
    const stop = stops.set.has(said);
    const start = !stop && starts.set.has(said);
    if (!stop && !start) return;
    const contact = d.contacts.get(m.contactId);
    if (!contact || !d.contacts.setOptOut(contact.id, stop, "keyword", d.clock.now())) return;
    emits.push(() => d.bus.emit("contact.opted_out", { contactId: contact.id, optedOut: stop, source: "keyword" }));
    const t = translator(isLocale(contact.language) ? contact.language : "en");
    try {
      d.outbox.enqueue({ numberId: m.numberId, contactId: contact.id, type: "text", content: { body: t(stop ? "optout.confirm" : "optout.resumed") }, authorKind: "system", authorId: "opt-out", context: m.wamid }, emits);
    } catch (e) {
      // The opt-out stands even when no confirmation can go (e.g. a webhook retried after the window closed).
      if (!(e instanceof AppError)) throw e;
      d.log.info("opt-out confirmation not sent", { contact: contact.id, reason: e.code });
    }
  };
}
