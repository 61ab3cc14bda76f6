// Workspace settings: the settings page and the API.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError } from "../platform/errors";
import { SETTINGS, SETTING_KEYS, type SettingKey } from "./definitions";

const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

const SettingsJson = Type.Object(Object.fromEntries(SETTING_KEYS.map((k) => [k, typeof SETTINGS[k].default() === "number" ? Type.Integer() : Type.String()])));
const SettingsPatch = Type.Partial(Type.Object(Object.fromEntries(SETTING_KEYS.map((k) => [k, typeof SETTINGS[k].default() === "number" ? Type.Integer() : Type.String()]))), { additionalProperties: false });

export function settingsRoutes(d: Deps) {
  const show = (c: Ctx, extra: Record<string, unknown> = {}, status = 200) => {
    const groups: Record<string, SettingKey[]> = {};
    for (const k of SETTING_KEYS) (groups[SETTINGS[k].group] ??= []).push(k);
    return c.page("@settings/index", { groups, values: d.settings.all(), errors: [], timezones: Intl.supportedValuesOf("timeZone"), ...extra }, { status, title: c.t("nav.settings") });
  };
  return [
    route({ method: "GET", path: "/settings", access: "settings:read", handler: (c) => show(c) }),
    route({
      method: "POST",
      path: "/settings",
      access: "settings:manage",
      form: true,
      handler: (c) => {
        const patch: Record<string, string> = {};
        for (const k of SETTING_KEYS) if (c.form.has(k)) patch[k] = c.form.get(k);
        try {
          d.settings.update(patch, who(c));
        } catch (e) {
          if (e instanceof AppError && e.status === 422) return show(c, { values: { ...d.settings.all(), ...patch }, errors: e.fields }, 422);
          throw e;
        }
        return c.redirect("/settings", { kind: "success", text: c.t("common.saved") });
      },
    }),
    route({ method: "GET", path: "/api/v1/settings", access: "settings:read", tag: "Settings", summary: "Read the workspace settings", response: Type.Object({ data: SettingsJson }), handler: () => ({ data: d.settings.all() }) }),
    route({
      method: "PATCH",
      path: "/api/v1/settings",
      access: "settings:manage",
      tag: "Settings",
      summary: "Change workspace settings (all or nothing)",
      body: SettingsPatch,
      response: Type.Object({ data: SettingsJson }),
      handler: (c) => ({ data: d.settings.update(c.body, who(c)) }),
    }),
  ];
}
