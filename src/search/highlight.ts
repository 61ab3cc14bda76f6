// Highlights as data, not HTML: a text cut into segments flagged `match`, so a template escapes every
// segment and wraps matches in <mark> itself. Customer text is hostile; nothing here ever builds markup.
import { TOKEN, fold, type Term } from "./query";

export interface Segment {
  text: string;
  match: boolean;
}

const ELLIPSIS = "…";

/** Character ranges of `text` that match the terms (whole tokens, phrases in order, a prefix on the last word). */
export function matchRanges(text: string, terms: Term[]): [number, number][] {
  const toks = [...text.matchAll(TOKEN)].map((m) => ({ start: m.index, end: m.index + m[0].length, f: fold(m[0]) }));
  const ranges: [number, number][] = [];
  for (const term of terms) {
    const n = term.tokens.length;
    for (let i = 0; i + n <= toks.length; i++) {
      const ok = term.tokens.every((q, j) => {
        const f = toks[i + j]!.f;
        return j === n - 1 && term.prefix ? f.startsWith(q) : f === q;
      });
      if (ok) ranges.push([toks[i]!.start, toks[i + n - 1]!.end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const prev = merged.at(-1);
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Moves a cut point off the middle of a surrogate pair. */
function safeCut(text: string, i: number, forward: boolean): number {
  const code = text.charCodeAt(i);
  return code >= 0xdc00 && code <= 0xdfff ? i + (forward ? 1 : -1) : i;
}

/** A window of about `max` characters around the first match, cut at spaces where possible. */
function windowOf(text: string, first: number, max: number): [number, number] {
  if (text.length <= max) return [0, text.length];
  let from = Math.max(0, first - Math.floor(max / 3));
  let to = Math.min(text.length, from + max);
  if (to === text.length) from = Math.max(0, to - max);
  if (from > 0) {
    const space = text.indexOf(" ", from);
    if (space !== -1 && space - from < 20 && space < first) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(" ", to);
    if (space > from && to - space < 20) to = space;
  }
  return [safeCut(text, from, true), safeCut(text, to, false)];
}

/** Segments of `text` (whitespace collapsed, cut to about `max` characters around the first match). */
export function highlight(text: string, terms: Term[], max = 160): Segment[] {
  const flat = text.replace(/\s+/g, " ").trim();
  const ranges = matchRanges(flat, terms);
  const [from, to] = windowOf(flat, ranges[0]?.[0] ?? 0, max);
  const out: Segment[] = [];
  const push = (s: string, match: boolean) => {
    if (!s) return;
    const prev = out.at(-1);
    if (prev && prev.match === match) prev.text += s;
    else out.push({ text: s, match });
  };
  if (from > 0) push(ELLIPSIS, false);
  let at = from;
  for (const [a, b] of ranges) {
    if (b <= from || a >= to) continue;
    push(flat.slice(at, Math.max(a, from)), false);
    push(flat.slice(Math.max(a, from), Math.min(b, to)), true);
    at = Math.min(b, to);
  }
  push(flat.slice(at, to), false);
  if (to < flat.length) push(ELLIPSIS, false);
  return out;
}
