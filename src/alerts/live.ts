// Pushes the header's alert bell to every open page allowed to see alerts, whenever an alert changes.
import type { Deps } from "../deps";
import { translator, isLocale } from "../platform/i18n";

export function registerAlertsLive(d: Deps): void {
  d.bus.on("alert.changed", () => {
    const items = d.alerts.listOpen();
    const count = d.alerts.countOpen();
    d.sse.publishBy(
      (c) => c.actor.perms.has("alerts:read"),
      (c) => `${c.locale}:${c.actor.perms.has("alerts:manage")}`,
      (c) => {
        const t = translator(isLocale(c.locale) ? c.locale : "en");
        return d.views.render("@partials/alerts", { t, page: { alerts: { count, items, canManage: c.actor.perms.has("alerts:manage") } } });
      },
    );
  });
}
