// Contacts as WhatsApp reveals them: one per customer identity, matched by business-scoped user id, then by
// wa_id or phone in both Brazilian/Mexican forms, before a new one is created (PRODUCT.md D1).
import type { AuditService } from "../audit";
import { parseContactQuery } from "../search";
import type { Platform } from "../deps";
import { countryOf, e164FromWaId, languageForCountry, waIdVariants } from "./phone";
import { changeNumber, findContactByDigits, setWaId, getContact, getContactByUserId, insertContact, listContacts, refreshFromWhatsApp, setOptOut, touchInbound, tagsOf, type ContactRow } from "./store";
import { createContactEdits, parseAttributes, type ContactEdits } from "./edit";
import { tagKey } from "./validate";

declare module "../platform/bus" {
  interface Events {
    "contact.created": { contactId: number };
    "contact.updated": { contactId: number };
    "contact.opted_out": { contactId: number; optedOut: boolean; source: string };
  }
}

export interface InboundIdentity {
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  /** Meta's timestamp of the message, ms. */
  at: number;
  /** The receiving number's default language, used when the country says nothing. */
  defaultLanguage: string;
}

export interface ContactsService extends ContactEdits {
  get(id: number): ContactRow | null;
  tags(id: number): string[];
  /** The contact's typed attributes (the JSON column, parsed). */
  attributes(id: number): Record<string, unknown>;
  /** A page by id; `tags` must all match, `q` searches name and phone (a phone-like text by its digits). */
  list(f: { afterId: number; limit: number; tags?: string[]; q?: string }): ContactRow[];
  /** The contact for an inbound identity, created when unknown. Call inside the caller's transaction. */
  resolveInbound(i: InboundIdentity): { contact: ContactRow; created: boolean };
  /** Marketing opt-out / opt-in; returns true when it changed. */
  setOptOut(id: number, optedOut: boolean, source: string, at: number): boolean;
  /** The contact for a phone number we write to first (API, campaigns), created when unknown. */
  resolveOutbound(e164: string, defaultLanguage: string): { contact: ContactRow; created: boolean };
  /** Meta told us the wa_id it resolved this contact's number to (send responses). */
  setWaId(id: number, waId: string): void;
  /** The contact with one of these wa_id/phone digit forms, or null. */
  findByWaId(variants: string[]): ContactRow | null;
  /** A customer changed their WhatsApp number (system message). */
  changeNumber(id: number, newWaId: string): void;
}

export function createContacts(p: Platform, audit: AuditService): ContactsService {
  const svc: ContactsService = {
    ...createContactEdits(p, audit),
    get: (id) => getContact(p.db, id),
    tags: (id) => tagsOf(p.db, id),
    attributes: (id) => parseAttributes(getContact(p.db, id)?.attributes ?? "{}"),
    list(f) {
      const tags = [...new Map((f.tags ?? []).map((t) => [tagKey(t.trim()), t.trim()])).values()].filter(Boolean);
      const match = f.q?.trim() ? parseContactQuery(f.q).fts ?? "" : null;
      // A text with nothing searchable in it (only punctuation) matches nobody rather than everybody.
      if (match === "") return [];
      return listContacts(p.db, { afterId: f.afterId, limit: f.limit, tags, match });
    },
    resolveInbound(i) {
      const now = p.clock.now();
      let found = i.userId ? getContactByUserId(p.db, i.userId) : null;
      if (!found && i.waId) found = findContactByDigits(p.db, waIdVariants(i.waId));
      if (found) {
        const same =
          (!i.waId || i.waId === found.wa_id) && (!i.userId || i.userId === found.user_id) && (i.profileName === null || i.profileName === found.profile_name) && (found.name !== "" || !i.profileName);
        if (same) {
          touchInbound(p.db, found.id, i.at, now);
          return { contact: { ...found, last_inbound_at: Math.max(found.last_inbound_at ?? 0, i.at), updated_at: now }, created: false };
        }
        refreshFromWhatsApp(p.db, found.id, { wa_id: i.waId || null, user_id: i.userId, profile_name: i.profileName, last_inbound_at: i.at }, now);
        return { contact: getContact(p.db, found.id)!, created: false };
      }
      const phone = i.waId ? e164FromWaId(i.waId) : null;
      const country = phone ? countryOf(phone) : null;
      const id = insertContact(
        p.db,
        { phone, wa_id: i.waId || null, user_id: i.userId, name: i.profileName ?? "", profile_name: i.profileName, country, language: languageForCountry(country) ?? i.defaultLanguage, last_inbound_at: i.at },
        now,
      );
      return { contact: getContact(p.db, id)!, created: true };
    },
    setOptOut: (id, optedOut, source, at) => setOptOut(p.db, id, optedOut, source, at),
    findByWaId: (variants) => findContactByDigits(p.db, variants),
    resolveOutbound(e164, defaultLanguage) {
      const digits = e164.replace(/\D/g, "");
      const found = findContactByDigits(p.db, waIdVariants(digits));
      if (found) return { contact: found, created: false };
      const country = countryOf(e164);
      const id = insertContact(p.db, { phone: e164, wa_id: null, user_id: null, name: "", profile_name: null, country, language: languageForCountry(country) ?? defaultLanguage }, p.clock.now());
      return { contact: getContact(p.db, id)!, created: true };
    },
    setWaId(id, waId) {
      setWaId(p.db, id, waId, p.clock.now());
    },
    changeNumber(id, newWaId) {
      const phone = e164FromWaId(newWaId);
      const other = findContactByDigits(p.db, waIdVariants(newWaId));
      // Someone else already holds the new number (an import, an earlier chat): keep both as they are rather than
      // merge two people on a system message; the conversation still shows the change.
      if (other && other.id !== id) {
        p.log.warn("customer changed to a number another contact has", { contact: id, other: other.id });
        return;
      }
      changeNumber(p.db, id, newWaId, phone, p.clock.now());
    },
  };
  return svc;
}
