// The navigation: each entry shows only to roles holding its permission (the server checks again on the route).
import type { Actor } from "../auth/actor";
import type { Permission } from "../auth/permissions";
import type { Deps } from "../deps";
import { simulatorOn } from "../simulator";

export interface NavItem {
  href: string;
  /** i18n key of the label. */
  label: string;
  icon: string;
  perm: Permission | null;
  section: "main" | "admin";
  /** Shown only while this holds (e.g. the simulator is on); needs `d` in navFor, else the entry stays hidden. */
  visible?: (d: Deps) => boolean;
}

export const NAV: NavItem[] = [
  { href: "/inbox", label: "inbox.nav", icon: "inbox", perm: "conversations:read", section: "main" },
  { href: "/", label: "nav.home", icon: "home", perm: null, section: "main" },
  { href: "/numbers", label: "numbers.nav", icon: "phone", perm: "numbers:read", section: "main" },
  { href: "/search", label: "search.nav", icon: "search", perm: "conversations:read", section: "main" },
  { href: "/simulator", label: "sim.nav", icon: "user", perm: "simulator:use", section: "main", visible: simulatorOn },
  { href: "/users", label: "nav.users", icon: "users", perm: "users:read", section: "admin" },
  { href: "/teams", label: "nav.teams", icon: "team", perm: "teams:read", section: "admin" },
  { href: "/roles", label: "nav.roles", icon: "shield", perm: "roles:read", section: "admin" },
  { href: "/settings", label: "nav.settings", icon: "gear", perm: "settings:read", section: "admin" },
  { href: "/settings/routing", label: "routing.nav", icon: "activity", perm: "settings:read", section: "admin" },
  { href: "/settings/tokens", label: "nav.tokens", icon: "key", perm: "tokens:read", section: "admin" },
  { href: "/settings/quick-replies", label: "quickreplies.nav", icon: "bolt", perm: null, section: "admin" },
  { href: "/api/docs", label: "nav.api_docs", icon: "book", perm: null, section: "admin" },
];

/** The entries `actor` may see, with `active` set for the current path. */
export function navFor(actor: Actor | null, path: string, d?: Deps) {
  const best = NAV.filter((n) => (n.href === "/" ? path === "/" : path === n.href || path.startsWith(n.href + "/"))).sort((a, b) => b.href.length - a.href.length)[0];
  return NAV.filter((n) => (!n.perm || actor?.perms.has(n.perm)) && (!n.visible || (!!d && n.visible(d)))).map((n) => ({ ...n, active: n === best }));
}
