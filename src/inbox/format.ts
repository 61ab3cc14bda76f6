// Times as agents read them: in the workspace's time zone, in the reader's language; durations short
// ("3h 12m"); the calendar day a message belongs to (for day separators); and the snooze presets' instants.
import type { T } from "../platform/i18n";

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: string, tz: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${tz}|${JSON.stringify(o)}`;
  let f = fmtCache.get(key);
  if (!f) fmtCache.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone: tz, ...o })));
  return f;
}

/** "14:05". */
export const clockTime = (at: number, locale: string, tz: string) => fmt(locale, tz, { hour: "2-digit", minute: "2-digit", hour12: false }).format(at);

/** "3 Mar 2026, 14:05". */
export const dateTime = (at: number, locale: string, tz: string) => fmt(locale, tz, { dateStyle: "medium", timeStyle: "short" }).format(at);

/** The calendar day in the workspace's zone, as YYYY-MM-DD. */
export function dayKey(at: number, tz: string): string {
  const p = fmt("en-CA", tz, { year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (t: string) => p.find((x) => x.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** "Today", "Yesterday" or the date, for a day separator. */
export function dayLabel(at: number, now: number, locale: string, tz: string, t: T): string {
  const k = dayKey(at, tz);
  if (k === dayKey(now, tz)) return t("inbox.today");
  if (k === dayKey(now - 86_400_000, tz)) return t("inbox.yesterday");
  return fmt(locale, tz, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(at);
}

/** A short duration: "2d 3h", "3h 12m", "12m", "<1m". */
export function shortDuration(ms: number): string {
  const m = Math.floor(Math.max(0, ms) / 60_000);
  if (m < 1) return "<1m";
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  if (d) return `${d}d ${h}h`;
  return h ? `${h}h ${m % 60}m` : `${m}m`;
}

/** The offset of `tz` from UTC at instant `at`, in ms. */
function offsetAt(at: number, tz: string): number {
  const p = fmt("en-US", tz, { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hour12: false }).formatToParts(at);
  const n = (t: string) => Number(p.find((x) => x.type === t)?.value ?? 0);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour") % 24, n("minute"), n("second")) - Math.floor(at / 1000) * 1000;
}

/** The instant of wall-clock time y-m-d h:min in `tz` (DST-safe: the offset is checked at the result). */
export function zonedInstant(y: number, mo: number, d: number, h: number, min: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, min);
  const first = guess - offsetAt(guess, tz);
  return guess - offsetAt(first, tz);
}

/** The wall-clock date parts of `at` in `tz`, with the weekday (0 = Sunday). */
function partsOf(at: number, tz: string) {
  const [y, m, d] = dayKey(at, tz).split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return { y, m, d, weekday };
}

/** When a snooze preset ends: 1 hour, tomorrow 9:00, next Monday 9:00 (workspace time zone). */
export function snoozeUntil(preset: string, now: number, tz: string): number | null {
  if (preset === "1h") return now + 3_600_000;
  const { y, m, d, weekday } = partsOf(now, tz);
  if (preset === "tomorrow") return zonedInstant(y, m, d + 1, 9, 0, tz);
  if (preset === "next_week") return zonedInstant(y, m, d + (((8 - weekday) % 7) || 7), 9, 0, tz);
  return null;
}

/** A `datetime-local` value ("2026-03-04T15:30") read in the workspace's time zone. */
export function parseLocalDateTime(v: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  return zonedInstant(y, mo, d, h, mi, tz);
}

/** A `datetime-local` value for `at` in `tz` (the custom snooze field's minimum). */
export function localDateTimeValue(at: number, tz: string): string {
  return `${dayKey(at, tz)}T${clockTime(at, "en-GB", tz)}`;
}
