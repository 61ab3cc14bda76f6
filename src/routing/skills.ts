// Skills routing (PRODUCT.md C6): a team claims a conversation by the contact's language, a keyword in the
// customer's first message, or one of the contact's tags. Pure functions.

export interface TeamSkills {
  id: number;
  name: string;
  languages: readonly string[];
  keywords: readonly string[];
  tags: readonly string[];
}

export interface SkillMatch {
  teamId: number;
  /** What matched, for the decision's reason: `keyword "refund"`, `language it`, `tag vip`. */
  why: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Case-insensitive whole-word (or whole-phrase) match, Unicode-aware so "caffè" is one word. */
export function hasKeyword(text: string, keyword: string): boolean {
  const k = keyword.trim();
  if (!k) return false;
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escape(k)}(?![\\p{L}\\p{N}_])`, "iu").test(text);
}

/** "it", "it_IT" and "it-IT" are the same language for routing. */
export function sameLanguage(a: string, b: string): boolean {
  const base = (s: string) => s.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return !!a.trim() && base(a) === base(b);
}

/**
 * The team whose skills fit best: a keyword in the message is the most specific signal, then a tag someone put
 * on the contact, then the language (often only guessed from the country). Ties go to the lower team id.
 */
export function skillTeam(teams: readonly TeamSkills[], contact: { language: string | null; tags: readonly string[] }, text: string): SkillMatch | null {
  let best: { score: number; match: SkillMatch } | null = null;
  for (const t of [...teams].sort((a, b) => a.id - b.id)) {
    const keyword = t.keywords.find((k) => hasKeyword(text, k));
    const tags = new Set(contact.tags.map((x) => x.toLowerCase()));
    const tag = t.tags.find((x) => tags.has(x.toLowerCase()));
    const language = contact.language ? t.languages.find((l) => sameLanguage(l, contact.language!)) : undefined;
    const score = (keyword ? 4 : 0) + (tag ? 2 : 0) + (language ? 1 : 0);
    if (!score || (best && best.score >= score)) continue;
    const why = keyword ? `keyword "${keyword}"` : tag ? `tag ${tag}` : `language ${contact.language}`;
    best = { score, match: { teamId: t.id, why } };
  }
  return best?.match ?? null;
}

/** A comma-separated list typed in a form: trimmed, de-duplicated, empty items dropped. */
export function parseList(raw: string, max = 50): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    out.push(item);
  }
  return out.slice(0, max);
}
