// Page and fragment rendering for the web UI: every view gets `it.t` (translator) and `it.page` (who is
// signed in, the CSRF token, navigation, alerts, flash, theme, asset URLs).
import type { Deps } from "../deps";
import { takeFlash, type Ctx, type PageOptions } from "../platform/http";
import { LOCALE_NAMES } from "../platform/i18n";
import { navFor } from "./nav";
import { isHttps } from "../platform/config";
import { PRESET_KEYS } from "../auth/permissions";

export function createRenderer(d: Deps) {
  const secure = isHttps(d.cfg);
  const asset = (path: string) => d.assets.url(path);

  function common(c: Ctx, title?: string) {
    const a = c.actor;
    const showAlerts = !!a?.perms.has("alerts:read");
    return {
      title: title ?? "",
      path: c.url.pathname,
      user: a ? { name: a.name, email: a.label, role: a.roleKey, id: a.userId } : null,
      csrf: c.csrf,
      locale: c.locale,
      locales: LOCALE_NAMES,
      theme: a?.theme ?? "auto",
      nav: a ? navFor(a, c.url.pathname, d) : [],
      alerts: showAlerts ? { count: d.alerts.countOpen(), items: d.alerts.listOpen(), canManage: a!.perms.has("alerts:manage") } : null,
      workspace: d.settings.get("workspace_name"),
      can: (perm: string) => !!a?.perms.has(perm as never),
      asset,
      mustChangePassword: !!a?.mustChangePassword,
      /** A role's display name: preset roles in the reader's language, custom roles as their creator named them. */
      roleName: (key: string, name?: string | null) => ((PRESET_KEYS as readonly string[]).includes(key) ? c.t(`roles.name_${key}`) : (name ?? key)),
    };
  }

  return {
    renderPage(c: Ctx, view: string, data: object, opts: PageOptions): string {
      const page = { ...common(c, opts.title), flash: takeFlash(c, secure), layout: opts.layout ?? (c.actor ? "app" : "bare"), live: opts.live ?? null };
      return d.views.render(view, { ...data, t: c.t, page });
    },
    renderFragment(c: Ctx, view: string, data: object): string {
      return d.views.render(view, { ...data, t: c.t, page: { ...common(c), flash: null, layout: "fragment" } });
    },
  };
}
