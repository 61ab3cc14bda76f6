// English and Italian UI text from message files: src/i18n/<lang>/<area>.json, flat objects merged per
// language (each capability keeps its own file). Add a language by adding a folder and naming it below.
// Missing keys fall back to English, then to the key itself.
import { MESSAGES } from "./embedded";

const merge = (files: Record<string, string>[] | undefined) => Object.assign({}, ...(files ?? [])) as Record<string, string>;

export const LOCALE_NAMES = { en: "English", it: "Italiano" } as const;
export type Locale = keyof typeof LOCALE_NAMES;
export const LOCALES: Record<Locale, Record<string, string>> = { en: merge(MESSAGES.en), it: merge(MESSAGES.it) };
export const DEFAULT_LOCALE: Locale = "en";

/** Translates `key`, replacing `{name}` placeholders from `vars`. */
export type T = (key: string, vars?: Record<string, string | number>) => string;

/** True when `x` names a supported UI language. */
export function isLocale(x: unknown): x is Locale {
  return typeof x === "string" && Object.hasOwn(LOCALES, x);
}

const cache = new Map<Locale, T>();

/** The translator for one language. */
export function translator(locale: Locale): T {
  let fn = cache.get(locale);
  if (fn) return fn;
  const table = LOCALES[locale] as Record<string, string>;
  const fallback = LOCALES[DEFAULT_LOCALE] as Record<string, string>;
  fn = (key, vars) => {
    const text = table[key] ?? fallback[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
  };
  cache.set(locale, fn);
  return fn;
}

/** Picks the best supported language from an Accept-Language header (q-values honoured). */
export function negotiate(acceptLanguage: string | null, fallback: Locale = DEFAULT_LOCALE): Locale {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { lang: tag.toLowerCase().split("-")[0] ?? "", q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.find((x) => isLocale(x.lang))?.lang as Locale | undefined ?? fallback;
}
