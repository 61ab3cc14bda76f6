// Edits agents and integrators make to a contact: tags, typed attributes, name and language (the inbox side
// panel and PATCH /api/v1/contacts/:id). Each call validates everything first, writes in one transaction, then
// records the audit entry and emits contact.updated, and only when something changed.
import type { AuditService, AuditWho } from "../audit";
import type { Platform } from "../deps";
import { invalid, notFound, type FieldError } from "../platform/errors";
import { languageForCountry } from "./phone";
import { deleteTag, getContact, insertTag, setAttributes, tagsOf, touchContact, updateContactFields, type ContactRow } from "./store";
import { MAX_ATTRIBUTES, MAX_TAGS, attributeKeyError, attributeValueError, cleanLanguage, cleanName, cleanTag, tagKey, type AttributeValue } from "./validate";

export interface ContactPatch {
  name?: string;
  /** null forgets the choice: the language is guessed from the phone's country again. */
  language?: string | null;
  /** Replaces the whole set. */
  tags?: string[];
  /** Merged into the existing attributes; a null value deletes the key. */
  attributes?: Record<string, AttributeValue>;
}

export interface ContactEdits {
  /** Adds a tag (trimmed, 1-50 characters, unique without case, at most 100 per contact); returns the tags. */
  addTag(contactId: number, tag: string, who: AuditWho): string[];
  /** Removes a tag (any case); returns the tags. */
  removeTag(contactId: number, tag: string, who: AuditWho): string[];
  /** Sets one attribute (key [a-z0-9_]{1,40}); null deletes it. Returns the attributes. */
  setAttribute(contactId: number, key: string, value: AttributeValue, who: AuditWho): Record<string, unknown>;
  update(contactId: number, patch: { name?: string; language?: string | null }, who: AuditWho): ContactRow;
  /** Name, language, a replacement tag set and merged attributes: all validated, then written together. */
  patch(contactId: number, patch: ContactPatch, who: AuditWho): ContactRow;
}

/** The attributes column as an object (a damaged value reads as empty rather than failing a page). */
export function parseAttributes(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Cleans a replacement tag set: trimmed, deduplicated without case, first spelling kept. */
function cleanTagSet(tags: string[], errors: FieldError[]): string[] {
  const out = new Map<string, string>();
  tags.forEach((raw, i) => {
    const r = cleanTag(raw);
    if ("error" in r) errors.push({ field: `tags.${i}`, message: r.error });
    else if (!out.has(tagKey(r.tag))) out.set(tagKey(r.tag), r.tag);
  });
  if (out.size > MAX_TAGS) errors.push({ field: "tags", message: `a contact has at most ${MAX_TAGS} tags` });
  return [...out.values()];
}

function mergeAttributes(current: Record<string, unknown>, changes: Record<string, AttributeValue>, errors: FieldError[]): Record<string, unknown> {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const problem = attributeKeyError(key) ?? attributeValueError(value);
    if (problem) errors.push({ field: `attributes.${key}`, message: problem });
    else if (value === null) delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > MAX_ATTRIBUTES) errors.push({ field: "attributes", message: `a contact has at most ${MAX_ATTRIBUTES} attributes` });
  return next;
}

export function createContactEdits(p: Platform, audit: AuditService): ContactEdits {
  const { db } = p;
  const need = (id: number) => {
    const c = getContact(db, id);
    if (!c) throw notFound("No such contact.");
    return c;
  };
  /** Runs `write` in a transaction; when it changed something, audits and tells subscribers after the commit. */
  const commit = (id: number, who: AuditWho, action: string, details: Record<string, unknown>, write: () => boolean) => {
    if (!db.tx(write)) return;
    audit.record(who, { action, target: { kind: "contact", id }, details });
    p.bus.emit("contact.updated", { contactId: id });
  };

  /** Bumps updated_at when a tag row changed; passes `changed` through. */
  const touched = (contactId: number, changed: boolean) => {
    if (changed) touchContact(db, contactId, p.clock.now());
    return changed;
  };

  const edits: ContactEdits = {
    addTag(contactId, raw, who) {
      need(contactId);
      const r = cleanTag(raw);
      if ("error" in r) throw invalid([{ field: "tag", message: r.error }]);
      const current = tagsOf(db, contactId);
      if (current.some((t) => tagKey(t) === tagKey(r.tag))) return current;
      if (current.length >= MAX_TAGS) throw invalid([{ field: "tag", message: `a contact has at most ${MAX_TAGS} tags` }]);
      commit(contactId, who, "contacts.tag_add", { tag: r.tag }, () => touched(contactId, insertTag(db, contactId, r.tag, p.clock.now())));
      return tagsOf(db, contactId);
    },
    removeTag(contactId, raw, who) {
      need(contactId);
      const stored = tagsOf(db, contactId).find((t) => tagKey(t) === tagKey(raw.trim().normalize("NFC")));
      if (stored) commit(contactId, who, "contacts.tag_remove", { tag: stored }, () => touched(contactId, deleteTag(db, contactId, stored)));
      return tagsOf(db, contactId);
    },
    setAttribute(contactId, key, value, who) {
      const c = need(contactId);
      const errors: FieldError[] = [];
      const current = parseAttributes(c.attributes);
      const next = mergeAttributes(current, { [key]: value }, errors);
      if (errors.length) throw invalid(errors);
      const json = JSON.stringify(next);
      commit(contactId, who, "contacts.attribute_set", { key }, () => json !== c.attributes && setAttributes(db, contactId, json, p.clock.now()).changes === 1);
      return next;
    },
    update: (contactId, patch, who) => edits.patch(contactId, { name: patch.name, language: patch.language }, who),
    patch(contactId, patch, who) {
      const c = need(contactId);
      const errors: FieldError[] = [];
      let name = c.name;
      if (patch.name !== undefined) {
        const r = cleanName(patch.name);
        if ("error" in r) errors.push({ field: "name", message: r.error });
        else name = r.name;
      }
      let language = c.language;
      if (patch.language !== undefined) {
        language = patch.language === null ? languageForCountry(c.country) : cleanLanguage(patch.language);
        if (patch.language !== null && !language) errors.push({ field: "language", message: "must be a language code such as it, en or pt-BR" });
      }
      const tags = patch.tags ? cleanTagSet(patch.tags, errors) : null;
      const attributes = patch.attributes ? JSON.stringify(mergeAttributes(parseAttributes(c.attributes), patch.attributes, errors)) : c.attributes;
      if (errors.length) throw invalid(errors);
      const fields = Object.keys(patch).filter((k) => patch[k as keyof ContactPatch] !== undefined);
      commit(contactId, who, "contacts.update", { fields }, () => {
        const now = p.clock.now();
        let changed = false;
        if (name !== c.name || language !== c.language) {
          updateContactFields(db, contactId, { name, language }, now);
          changed = true;
        }
        if (attributes !== c.attributes) {
          setAttributes(db, contactId, attributes, now);
          changed = true;
        }
        if (tags) changed = replaceTags(contactId, tags, now) || changed;
        return changed;
      });
      return getContact(db, contactId)!;
    },
  };

  /** Makes the stored tags equal `tags` (compared without case); true when a row changed. */
  function replaceTags(contactId: number, tags: string[], now: number): boolean {
    const wanted = new Set(tags.map(tagKey));
    const current = tagsOf(db, contactId);
    const have = new Set(current.map(tagKey));
    let changed = false;
    for (const t of current) if (!wanted.has(tagKey(t))) changed = deleteTag(db, contactId, t) || changed;
    for (const t of tags) if (!have.has(tagKey(t))) changed = insertTag(db, contactId, t, now) || changed;
    return touched(contactId, changed);
  }

  return edits;
}
