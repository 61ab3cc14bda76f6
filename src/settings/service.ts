// Workspace settings: read from memory, written through to SQLite, each change audited.
import type { Platform } from "../deps";
import type { AuditService, AuditWho } from "../audit";
import { invalid, type FieldError } from "../platform/errors";
import { SETTINGS, SETTING_KEYS, type SettingKey, type SettingValue, type SettingsValues } from "./definitions";
import { allSettings, putSetting } from "./store";

declare module "../platform/bus" {
  interface Events {
    "settings.changed": { keys: SettingKey[] };
  }
}

export interface SettingsService {
  get<K extends SettingKey>(key: K): SettingValue<K>;
  all(): SettingsValues;
  /** Validates and saves the given keys (all or nothing); 422 with field messages on a bad value. */
  update(patch: Partial<Record<SettingKey, unknown>>, who: AuditWho): SettingsValues;
}

export function createSettings(p: Platform, audit: AuditService): SettingsService {
  const values = {} as Record<SettingKey, unknown>;
  for (const k of SETTING_KEYS) values[k] = SETTINGS[k].default();
  for (const row of allSettings(p.db)) {
    if (!(row.key in SETTINGS)) continue;
    try {
      values[row.key as SettingKey] = SETTINGS[row.key as SettingKey].parse(JSON.parse(row.value));
    } catch (e) {
      p.log.warn("ignoring invalid stored setting", { key: row.key, reason: (e as Error).message });
    }
  }
  return {
    get: (key) => values[key] as never,
    all: () => ({ ...values }) as SettingsValues,
    update(patch, who) {
      const parsed: Partial<Record<SettingKey, unknown>> = {};
      const errors: FieldError[] = [];
      for (const [k, raw] of Object.entries(patch)) {
        if (!(k in SETTINGS)) {
          errors.push({ field: k, message: "is not a known setting" });
          continue;
        }
        try {
          parsed[k as SettingKey] = SETTINGS[k as SettingKey].parse(raw);
        } catch (e) {
          errors.push({ field: k, message: (e as Error).message });
        }
      }
      if (errors.length) throw invalid(errors);
      const changed = (Object.keys(parsed) as SettingKey[]).filter((k) => parsed[k] !== values[k]);
      if (!changed.length) return this.all();
      const now = p.clock.now();
      p.db.tx(() => {
        for (const k of changed) putSetting(p.db, k, parsed[k], who.actor?.userId ?? null, now);
        audit.record(who, { action: "settings.update", target: { kind: "settings", id: changed.join(",") }, details: Object.fromEntries(changed.map((k) => [k, { from: values[k], to: parsed[k] }])) });
      });
      for (const k of changed) values[k] = parsed[k];
      p.bus.emit("settings.changed", { keys: changed });
      return this.all();
    },
  };
}
