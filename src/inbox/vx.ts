// What every inbox fragment needs to render, the same for a page, an htmx response and an SSE push: the
// reader's language, the workspace's time zone, the reader's permissions, and time formatting helpers.
// Pushed fragments have no CSRF field (htmx sends the token as a header on every request).
import type { Actor } from "../auth/actor";
import type { Permission } from "../auth/permissions";
import type { Deps } from "../deps";
import type { Ctx } from "../platform/http";
import { isLocale, translator, type T } from "../platform/i18n";
import { clockTime, dateTime, dayLabel, shortDuration } from "./format";
import { tz } from "./thread";

export interface Vx {
  t: T;
  /** `key` translated, or `fallback` (a key too, or plain text) when `key` has no text (an unknown type or event). */
  tOr(key: string, fallback: string, vars?: Record<string, string | number>): string;
  locale: string;
  tz: string;
  now: number;
  csrf: string;
  me: number | null;
  can(perm: Permission): boolean;
  time(at: number): string;
  dateTime(at: number): string;
  day(at: number): string;
  dur(ms: number): string;
  iso(at: number): string;
  /** A country's name from its ISO code, in the reader's language. */
  region(code: string | null): string;
  /** A language's name from its code (it, en_US), in the reader's language. */
  language(code: string | null): string;
}

function displayName(locale: string, type: "region" | "language", code: string | null): string {
  if (!code) return "";
  try {
    return new Intl.DisplayNames([locale], { type }).of(code.replace("_", "-")) ?? code;
  } catch {
    return code;
  }
}

function build(d: Deps, actor: Actor, locale: string, csrf: string): Vx {
  const lang = isLocale(locale) ? locale : "en";
  const t = translator(lang);
  const zone = tz(d);
  const now = d.clock.now();
  const intl = lang === "it" ? "it-IT" : "en-GB";
  return {
    t, locale: lang, tz: zone,
    tOr: (key, fallback, vars) => {
      const text = t(key, vars);
      return text === key ? t(fallback, vars) : text;
    }, now, csrf, me: actor.userId,
    can: (perm) => actor.perms.has(perm),
    time: (at) => clockTime(at, intl, zone),
    dateTime: (at) => dateTime(at, intl, zone),
    day: (at) => dayLabel(at, now, intl, zone, t),
    dur: shortDuration,
    iso: (at) => new Date(at).toISOString(),
    region: (code) => displayName(intl, "region", code),
    language: (code) => displayName(intl, "language", code),
  };
}

/** The render context of a request. */
export const vxOf = (d: Deps, c: Ctx): Vx => build(d, c.user(), c.locale, c.csrf);

/** The render context of a live push to a client. */
export const vxFor = (d: Deps, actor: Actor, locale: string): Vx => build(d, actor, locale, "");

/** The permissions that change what an inbox fragment shows (the SSE render group key, with the language). */
export const PERM_KEYS: Permission[] = ["conversations:reply", "conversations:note", "conversations:resolve", "conversations:transfer", "contacts:manage", "conversations:read_all"];
export const groupKey = (actor: Actor, locale: string) => `${locale}:${PERM_KEYS.map((p) => (actor.perms.has(p) ? 1 : 0)).join("")}`;
