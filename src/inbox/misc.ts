// The inbox header's helpers: the search dropdown (full results live on /search) and the personal
// notification bell (mentions, assignments) with "mark all read".
import type { Deps } from "../deps";
import { route } from "../platform/http";
import { html } from "./render";
import { searchResults } from "./search";
import { vxOf } from "./vx";

export function miscRoutes(d: Deps) {
  return [
    route({
      method: "GET", path: "/inbox/search", access: "conversations:read",
      handler: (c) => {
        const q = (c.url.searchParams.get("q") ?? "").trim().slice(0, 200);
        if (!q) return html([""]);
        return html([d.views.render("@inbox/_search", { vx: vxOf(d, c), q, results: searchResults(d, c.user(), q) })]);
      },
    }),
    route({
      method: "POST", path: "/inbox/notifications/read", access: "conversations:read",
      handler: (c) => {
        const a = c.user();
        const n = d.notifications;
        if (a.userId === null) return html([""]);
        n.markRead(a.userId, "all");
        return html([d.views.render("@inbox/_bell", { vx: vxOf(d, c), bell: { unread: n.unreadCount(a.userId), items: n.list(a.userId, { limit: 10 }) }, oob: true })]);
      },
    }),
  ];
}
