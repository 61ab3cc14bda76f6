// Turns what a person typed into a safe FTS5 MATCH expression. User syntax never reaches MATCH: every term is
// re-built from its word characters and quoted, so `"`, `NEAR(`, `*`, `-`, `:` and `AND` are just text. The
// same parse drives highlighting, so what is marked is what was searched.

/** One searched term: a word or a quoted phrase, folded tokens, the last one possibly a prefix. */
export interface Term {
  /** Folded, for highlighting. */
  tokens: string[];
  /** As typed, for FTS5 (its own tokenizer folds them, right for every script). */
  raw: string[];
  prefix: boolean;
}

export interface ParsedQuery {
  terms: Term[];
  /** The MATCH expression, or null when nothing searchable was typed. */
  fts: string | null;
}

/** Word characters as SQLite's unicode61 tokenizer sees them: letters, numbers, private use (marks join a word). */
export const TOKEN = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{M}\p{Co}]*/gu;

const MAX_INPUT = 200;
const MAX_TERMS = 8;
const MAX_PHRASE_TOKENS = 12;
// Without a prefix index FTS5 merges the postings of every term sharing the prefix before returning one row;
// one or two letters would match most of the vocabulary, so shorter prefixes are searched as whole words.
export const MIN_PREFIX = 3;

/** Lowercase without diacritics ("Caffè" → "caffe"), as unicode61 with remove_diacritics folds. */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The word tokens of `text`, as written. */
export function wordsOf(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[0]);
}

/** Parses a search box's text: words (AND), "quoted phrases", and a prefix match on the last word being typed. */
export function parseQuery(input: string): ParsedQuery {
  const q = input.slice(0, MAX_INPUT);
  const raw: { words: string[]; open: boolean }[] = [];
  for (const m of q.matchAll(/"([^"]*)("?)|[^\s"]+/g)) {
    const quoted = m[1] !== undefined;
    const words = wordsOf(quoted ? m[1]! : m[0]).slice(0, MAX_PHRASE_TOKENS);
    // A bare word or a quote still open at the end of the input is what the person is typing right now.
    if (words.length) raw.push({ words, open: !quoted || m[2] === "" });
  }
  const last = raw.at(-1);
  const typing = !!last && last.open && !/\s$/.test(q);
  const seen = new Set<string>();
  const terms: Term[] = [];
  raw.forEach((r, i) => {
    const tokens = r.words.map(fold);
    const prefix = typing && i === raw.length - 1 && [...tokens.at(-1)!].length >= MIN_PREFIX;
    const key = `${tokens.join(" ")}${prefix ? "*" : ""}`;
    if (seen.has(key) || terms.length >= MAX_TERMS) return;
    seen.add(key);
    terms.push({ tokens, raw: r.words, prefix });
  });
  // Words hold only word characters (no quote), so wrapping them in quotes cannot break out of the string.
  const fts = terms.length ? terms.map((t) => `"${t.raw.join(" ")}"${t.prefix ? "*" : ""}`).join(" ") : null;
  return { terms, fts };
}

const WORD_ONLY = /^[\p{L}\p{N}\p{M}\p{Co}]+$/u;

/**
 * The MATCH expression with the prefix term spelled out as whole words (`completions` lists the index terms
 * starting with a folded prefix); null when no indexed word has that prefix, so nothing can match.
 */
export function expandPrefix(q: ParsedQuery, completions: (prefix: string) => string[]): string | null {
  const last = q.terms.at(-1);
  if (!q.fts || !last?.prefix) return q.fts;
  const words = completions(last.tokens.at(-1)!).filter((w) => WORD_ONLY.test(w));
  if (!words.length) return null;
  const head = last.raw.slice(0, -1).join(" ");
  const alternatives = words.map((w) => `"${head ? `${head} ` : ""}${w}"`).join(" OR ");
  const others = q.terms.slice(0, -1).map((t) => `"${t.raw.join(" ")}"`);
  return [...others, `(${alternatives})`].join(" AND ");
}

/** Phone numbers are one token of digits in the index ("+39 333-123" → "39333123"), so typed ones match by prefix. */
export function phoneDigits(input: string): string | null {
  const digits = input.replace(/\D/g, "");
  return /^\+?[\d\s().\/-]+$/.test(input.trim()) && digits.length >= MIN_PREFIX ? digits : null;
}

/** The query over contacts (name and phone): a phone-like input searches the digits as a prefix. */
export function parseContactQuery(input: string): ParsedQuery {
  const digits = phoneDigits(input.slice(0, 40));
  if (!digits) return parseQuery(input);
  return { terms: [{ tokens: [digits], raw: [digits], prefix: true }], fts: `"${digits}"*` };
}
