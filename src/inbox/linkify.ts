// Customer text made safe to show: split into plain segments and http(s) links. The view escapes every
// segment and builds the anchor itself, so no customer byte is ever emitted raw; only http and https URLs
// (re-serialised by the URL parser, hence percent-encoded) become links.

export interface Segment {
  text: string;
  /** A normalised http(s) URL when this segment is a link. */
  href?: string;
}

const URLISH = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the URL ("see https://x.it/a.").
const TRAILING = /[.,;:!?)\]}'"»]+$/;

/** The http(s) URL `raw` names, normalised; null for anything else (javascript:, data:, malformed). */
export function safeHttpUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** Splits `text` into plain and link segments. */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(URLISH)) {
    let url = m[0];
    const tail = TRAILING.exec(url)?.[0] ?? "";
    url = url.slice(0, url.length - tail.length);
    const href = safeHttpUrl(url);
    if (!href) continue;
    if (m.index! > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: url, href });
    last = m.index! + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** An OpenStreetMap link for a point (numbers only: nothing customer-written reaches the URL). */
export function mapUrl(lat: unknown, lng: unknown): string | null {
  const la = Number(lat);
  const lo = Number(lng);
  if (!Number.isFinite(la) || !Number.isFinite(lo) || Math.abs(la) > 90 || Math.abs(lo) > 180) return null;
  const q = new URLSearchParams({ mlat: String(la), mlon: String(lo) });
  return `https://www.openstreetmap.org/?${q}#map=16/${la}/${lo}`;
}
