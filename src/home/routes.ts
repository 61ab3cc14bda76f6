// The home page: a getting-started checklist for admins, and a short status for everyone; agents land in the inbox.
import type { Deps } from "../deps";
import { route } from "../platform/http";
import { health } from "../ops";

export function homeRoutes(d: Deps) {
  return [
    route({
      method: "GET",
      path: "/",
      access: "signed-in",
      handler: (c) => {
        const a = c.user();
        // The inbox is the home of people who answer customers; owners and admins keep the setup checklist.
        if (a.perms.has("conversations:read") && !a.perms.has("settings:manage")) return c.redirect("/inbox");
        const steps = [
          { key: "home.step_team", done: d.teams.list().length > 0, href: "/teams", perm: "teams:manage" },
          { key: "home.step_users", done: d.users.list({ afterId: 0, limit: 2 }).length > 1, href: "/users/new", perm: "users:create" },
          { key: "home.step_totp", done: !!d.users.get(a.userId ?? 0)?.totp_secret, href: "/profile#totp", perm: null },
          { key: "home.step_api", done: d.tokens.list(0, 1).length > 0, href: "/settings/tokens", perm: "tokens:manage" },
        ].filter((s) => !s.perm || a.perms.has(s.perm as never));
        return c.page("@home/index", { steps, health: health(d) }, { title: c.t("nav.home") });
      },
    }),
  ];
}
