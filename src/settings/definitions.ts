// Runtime settings (edited in the UI, stored in the settings table): each with its default and validator.
// Environment variables are for the process (platform/config.ts); these are for the workspace.
import { isLocale } from "../platform/i18n";

export interface SettingDef<T> {
  default: () => T;
  /** Returns the typed value or throws an Error whose message is shown beside the field. */
  parse: (raw: unknown) => T;
  group: "general" | "security" | "routing" | "messaging";
}

function int(min: number, max: number) {
  return (raw: unknown) => {
    const n = typeof raw === "number" ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

function text(min: number, max: number) {
  return (raw: unknown) => {
    const s = String(raw ?? "").trim();
    if (s.length < min || s.length > max) throw new Error(min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`);
    return s;
  };
}

function timezone(raw: unknown) {
  const tz = String(raw ?? "").trim();
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
  } catch {
    throw new Error("must be a time zone name such as Europe/Rome");
  }
  if (!tz) throw new Error("must be a time zone name such as Europe/Rome");
  return tz;
}

/** A comma-separated list of words, each 1-40 characters, normalised to upper case. */
function keywords(raw: unknown) {
  const list = String(raw ?? "").split(",").map((w) => w.trim().toUpperCase()).filter(Boolean);
  if (!list.length) throw new Error("needs at least one word");
  if (list.some((w) => w.length > 40)) throw new Error("words must be at most 40 characters");
  return [...new Set(list)].join(", ");
}

export const SETTINGS = {
  workspace_name: { group: "general", default: () => "Centralino", parse: text(1, 80) } as SettingDef<string>,
  default_language: {
    group: "general",
    default: () => "en",
    parse: (raw) => {
      if (!isLocale(raw)) throw new Error("must be en or it");
      return raw;
    },
  } as SettingDef<string>,
  timezone: { group: "general", default: () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", parse: timezone } as SettingDef<string>,
  session_idle_hours: { group: "security", default: () => 168, parse: int(1, 2160) } as SettingDef<number>,
  session_max_days: { group: "security", default: () => 30, parse: int(1, 365) } as SettingDef<number>,
  lockout_threshold: { group: "security", default: () => 5, parse: int(3, 50) } as SettingDef<number>,
  lockout_minutes: { group: "security", default: () => 15, parse: int(1, 1440) } as SettingDef<number>,
  default_capacity: { group: "routing", default: () => 6, parse: int(1, 100) } as SettingDef<number>,
  max_capacity: { group: "routing", default: () => 20, parse: int(1, 200) } as SettingDef<number>,
  /** Minutes an assigned customer may wait for an answer before another agent gets the conversation; 0 = never. */
  reassign_after_minutes: { group: "routing", default: () => 10, parse: int(0, 1440) } as SettingDef<number>,
  /** How long an agent stays online after their page's last heartbeat (background tabs beat slowly). */
  presence_grace_seconds: { group: "routing", default: () => 180, parse: int(30, 3600) } as SettingDef<number>,
  opt_out_keywords: { group: "messaging", default: () => "STOP, UNSUBSCRIBE, ANNULLA, DISISCRIVIMI", parse: keywords } as SettingDef<string>,
  opt_in_keywords: { group: "messaging", default: () => "START, ISCRIVIMI", parse: keywords } as SettingDef<string>,
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = ReturnType<(typeof SETTINGS)[K]["parse"]>;
export type SettingsValues = { [K in SettingKey]: SettingValue<K> };
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
