// The rules for what agents and integrators may write on a contact: tags, typed attributes, name, language.
// Pure functions returning a field message (or the cleaned value), so the API, the inbox side panel and the
// later CSV import all say the same thing.

export const MAX_TAGS = 100;
export const MAX_ATTRIBUTES = 100;
const MAX_VALUE = 1000;

export type AttributeValue = string | number | boolean | null;

/** The trimmed tag, or a message saying why it cannot be one. */
export function cleanTag(raw: string): { tag: string } | { error: string } {
  const tag = raw.trim().normalize("NFC");
  if (!tag) return { error: "must not be empty" };
  if ([...tag].length > 50) return { error: "must be at most 50 characters" };
  // CSV import and export separate tags with ";", so one inside a tag would split it in two.
  if (/[;\p{Cc}]/u.test(tag)) return { error: "must not contain ; or control characters" };
  return { tag };
}

/** Case-insensitive tag identity (non-ASCII too, which SQLite's NOCASE leaves alone). */
export const tagKey = (tag: string) => tag.toLocaleLowerCase("und");

/** A message when `key` is not an attribute key. */
export function attributeKeyError(key: string): string | null {
  return /^[a-z0-9_]{1,40}$/.test(key) ? null : "must be 1 to 40 characters: lowercase letters, digits and _";
}

/** A message when `value` cannot be stored as an attribute value. */
export function attributeValueError(value: unknown): string | null {
  if (value === null || typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : "must be a finite number";
  if (typeof value === "string") return value.length <= MAX_VALUE ? null : `must be at most ${MAX_VALUE} characters`;
  return "must be a string, a number, true/false or null";
}

/** The trimmed display name, or a message. */
export function cleanName(raw: string): { name: string } | { error: string } {
  const name = raw.trim();
  if (!name) return { error: "must not be empty" };
  if (name.length > 120) return { error: "must be at most 120 characters" };
  if (/\p{Cc}/u.test(name)) return { error: "must not contain control characters" };
  return { name };
}

/** A BCP 47 language tag in its usual casing ("pt-br" → "pt-BR"), or null when it is not one. */
export function cleanLanguage(raw: string): string | null {
  const s = raw.trim();
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(s) || s.length > 35) return null;
  return s
    .split("-")
    .map((part, i) => (i === 0 ? part.toLowerCase() : part.length === 2 ? part.toUpperCase() : part.length === 4 ? part[0]!.toUpperCase() + part.slice(1).toLowerCase() : part.toLowerCase()))
    .join("-");
}
