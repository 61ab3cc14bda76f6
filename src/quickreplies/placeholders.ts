// Placeholders in saved answers: {{contact.name}}, {{contact.first_name}}, {{contact.phone}}, {{agent.name}},
// {{contact.attributes.<key>}}, each with an optional fallback for an empty value: {{contact.attributes.city | 'cliente'}}.
// The output is plain text for a WhatsApp message: nothing is escaped or marked up here (templates escape on
// display), and an unknown placeholder is left exactly as written so a typo shows instead of vanishing.

export interface PlaceholderContext {
  contact: { name: string; phone: string | null; attributes: Record<string, unknown> | string };
  agent: { name: string };
}

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\s*(?:\|\s*(?:'([^']*)'|"([^"]*)")\s*)?\}\}/gi;

function attributesOf(c: PlaceholderContext["contact"]): Record<string, unknown> {
  if (typeof c.attributes !== "string") return c.attributes;
  try {
    const v = JSON.parse(c.attributes) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The value of a known placeholder ("" when empty), or undefined when the name is not one. */
function valueOf(name: string, ctx: PlaceholderContext): string | undefined {
  const key = name.toLowerCase();
  const fullName = ctx.contact.name.trim();
  switch (key) {
    case "contact.name":
      return fullName;
    case "contact.first_name":
      return fullName.split(/\s+/)[0] ?? "";
    case "contact.phone":
      return ctx.contact.phone ?? "";
    case "agent.name":
      return ctx.agent.name.trim();
  }
  if (!key.startsWith("contact.attributes.")) return undefined;
  const v = attributesOf(ctx.contact)[name.slice("contact.attributes.".length)];
  return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Fills the placeholders of `text` for one contact and agent. */
export function renderPlaceholders(text: string, ctx: PlaceholderContext): string {
  return text.replace(PLACEHOLDER, (whole, name: string, single?: string, double?: string) => {
    const value = valueOf(name, ctx);
    if (value === undefined) return whole;
    return value !== "" ? value : (single ?? double ?? "");
  });
}

/** The placeholder names `text` uses that are not known (to warn while editing). */
export function unknownPlaceholders(text: string): string[] {
  const ctx: PlaceholderContext = { contact: { name: "", phone: null, attributes: {} }, agent: { name: "" } };
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => valueOf(n, ctx) === undefined);
}
