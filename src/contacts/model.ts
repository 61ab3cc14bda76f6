// API shapes of contacts (PRODUCT.md D1 and "API core"): phone in E.164, country from the phone, tags,
// typed attributes, opt-out and consent with their source and time.
import { Type } from "@sinclair/typebox";
import { iso } from "../platform/pagination";
import { parseAttributes } from "./edit";
import type { ContactRow } from "./store";

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);
const NullTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);
const AttrValue = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()]);

export const ContactJson = Type.Object({
  id: Str,
  phone: Type.Union([Type.String({ description: "E.164, e.g. +393331234567" }), Type.Null()], { description: "null for customers known only by a WhatsApp username id" }),
  wa_id: Type.Union([Type.String({ description: "The digits WhatsApp uses (may differ from phone in Brazil and Mexico)" }), Type.Null()]),
  name: Str,
  profile_name: Type.Union([Type.String({ description: "The name the customer set in WhatsApp" }), Type.Null()]),
  country: Type.Union([Type.String({ description: "ISO 3166-1 alpha-2, from the phone" }), Type.Null()]),
  language: Type.Union([Type.String({ description: "BCP 47, e.g. it or pt-BR" }), Type.Null()]),
  tags: Type.Array(Str),
  attributes: Type.Record(Str, Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  opted_out: Type.Boolean({ description: "No marketing templates are sent to this contact" }),
  opted_out_at: NullTime,
  opted_out_source: NullStr,
  consent: Type.Boolean({ description: "An opt-in is recorded" }),
  consent_at: NullTime,
  consent_source: NullStr,
  last_inbound_at: NullTime,
  created_at: Type.String({ format: "date-time" }),
  updated_at: Type.String({ format: "date-time" }),
});

const Tag = Type.String({ minLength: 1, maxLength: 50 });

export const ContactPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    language: Type.Optional(Type.Union([Type.String({ minLength: 2, maxLength: 35, description: "BCP 47, e.g. it or pt-BR" }), Type.Null()], { description: "null: guess from the phone's country again" })),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 100, description: "Replaces every tag of the contact" })),
    attributes: Type.Optional(Type.Record(Type.String(), AttrValue, { description: "Merged into the existing attributes; a null value deletes the key. Keys: [a-z0-9_]{1,40}" })),
  },
  { additionalProperties: false },
);

/** The API view of a contact. */
export function contactJson(c: ContactRow, tags: string[]) {
  return {
    id: String(c.id),
    phone: c.phone,
    wa_id: c.wa_id,
    name: c.name,
    profile_name: c.profile_name,
    country: c.country,
    language: c.language,
    tags,
    attributes: parseAttributes(c.attributes),
    opted_out: c.opted_out === 1,
    opted_out_at: iso(c.opted_out_at),
    opted_out_source: c.opted_out_source,
    consent: c.consent_at !== null,
    consent_at: iso(c.consent_at),
    consent_source: c.consent_source,
    last_inbound_at: iso(c.last_inbound_at),
    created_at: iso(c.created_at)!,
    updated_at: iso(c.updated_at)!,
  };
}
