// Turns JSON Schemas into what the docs page shows: field tables and example values.

type Schema = Record<string, any>;

export interface FieldRow {
  name: string;
  where: string;
  type: string;
  required: boolean;
  description: string;
}

function typeName(s: Schema | undefined): string {
  if (!s) return "any";
  if (s.anyOf) return (s.anyOf as Schema[]).map((x) => (x.const !== undefined ? JSON.stringify(x.const) : typeName(x))).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === "array") return `${typeName(s.items)}[]`;
  if (s.format) return `${s.type} (${s.format})`;
  return String(s.type ?? "object");
}

/** One row per top-level property of an object schema. */
export function fieldRows(s: Schema | undefined, where: string): FieldRow[] {
  if (!s?.properties) return [];
  const required = new Set<string>(s.required ?? []);
  return Object.entries(s.properties as Record<string, Schema>).map(([name, p]) => ({
    name,
    where,
    type: typeName(p),
    required: where === "path" || required.has(name),
    description: [p.description, p.minLength ? `min ${p.minLength} chars` : "", p.maximum !== undefined ? `max ${p.maximum}` : "", p.default !== undefined ? `default ${JSON.stringify(p.default)}` : ""].filter(Boolean).join("; "),
  }));
}

/** A plausible example value for a schema. */
export function example(s: Schema | undefined, key = ""): unknown {
  if (!s) return null;
  if (s.examples?.length) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.anyOf) return example((s.anyOf as Schema[]).find((x) => x.type !== "null") ?? s.anyOf[0], key);
  switch (s.type) {
    case "object":
      return Object.fromEntries(Object.entries((s.properties ?? {}) as Record<string, Schema>).map(([k, v]) => [k, example(v, k)]));
    case "array":
      return [example(s.items, key)];
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return true;
    case "string":
      if (s.format === "email") return "anna@example.com";
      if (s.format === "date-time") return "2026-01-05T09:00:00.000Z";
      if (key === "id" || key.endsWith("_id")) return "42";
      if (key === "role") return "agent";
      if (key === "name") return "Anna Rossi";
      if (key === "password") return "a-long-passphrase";
      return key || "text";
    default:
      return null;
  }
}
