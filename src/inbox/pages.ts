// The inbox pages: the conversation list (/inbox), a conversation beside it (/inbox/:id, the pane alone
// for htmx), more rows, and older history. Opening a conversation as its assignee marks it read.
import { Type } from "@sinclair/typebox";
import type { Actor } from "../auth/actor";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { visibleConversation, viewerOf } from "./access";
import { conversationView } from "./conversation";
import { listPage, listSearch, parseAfter, parseListQuery, viewsFor, type ListQuery } from "./list";
import { html } from "./render";
import { addRows, openTab, tabOf } from "./tabs";
import { unreadOf, viewCounts, type Viewer } from "./store";
import { threadPage } from "./thread";
import { vxOf, type Vx } from "./vx";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });

declare module "../platform/bus" {
  interface Events {
    /** Something only the inbox changes (read state) happened to a conversation: its row and header refresh. */
    "inbox.changed": { conversationId: number };
  }
}

/** The numbers an actor may filter by. */
export function numberOptions(d: Deps, v: Viewer) {
  return d.numbers
    .list()
    .filter((n) => v.visibleNumbers === null || v.visibleNumbers.includes(n.id))
    .map((n) => ({ id: n.id, label: n.name ? `${n.name} (${n.display_phone_number})` : n.display_phone_number }));
}

/** Agents to filter and transfer by, with presence and load. */
export const agentOptions = (d: Deps) => d.routing.agents();

/** The header's per-user facts: presence, unread count, the notification bell. */
function headerData(d: Deps, a: Actor) {
  const uid = a.userId;
  return {
    presence: uid !== null ? d.routing.presenceOf(uid) : null,
    unread: uid !== null ? unreadOf(d.db, uid) : 0,
    bell: uid !== null ? { unread: d.notifications.unreadCount(uid), items: d.notifications.list(uid, { limit: 10 }) } : null,
  };
}

function listData(d: Deps, a: Actor, vx: Vx, v: Viewer, list: ListQuery) {
  const page = listPage(d, v, list, null);
  return {
    page,
    vx, list, viewer: v, views: viewsFor(a), counts: viewCounts(d.db, v), numbers: numberOptions(d, v),
    agents: a.perms.has("conversations:read_all") || list.view === "team" ? agentOptions(d) : [],
    rows: page.rows, next: page.next, search: listSearch(list), after: null, ...headerData(d, a),
  };
}

/** Reading a conversation it handles clears its unread count (others' reads do not). */
export function markRead(d: Deps, a: Actor, id: number, assignee: number | null, unread: number) {
  if (!unread || a.userId === null || assignee !== a.userId) return;
  d.conversations.setUnread(id, 0);
  d.bus.emit("inbox.changed", { conversationId: id });
}

export function pageRoutes(d: Deps) {
  const show = (c: Ctx, id: number) => {
    const a = c.user();
    const conv = visibleConversation(d, a, id);
    markRead(d, a, conv.id, conv.assignee_id, conv.unread);
    const v = viewerOf(d, a);
    const vx = vxOf(d, c);
    const list = parseListQuery(a, c.url.searchParams);
    const cv = conversationView(d, a, v, d.conversations.get(id)!);
    if (c.htmx && (c.req.headers.get("hx-target") ?? "").includes("conv-pane")) {
      // The page now shows this conversation: its live timeline follows the page (tabs.ts).
      const tab = tabOf(d, a.userId, c.req.headers.get("x-live-tab"));
      if (tab) tab.conv = conv.id;
      return html([d.views.render("@inbox/_conversation", { vx, cv, search: listSearch(list) })]);
    }
    return inboxPage(c, a, listData(d, a, vx, v, list), v, list, cv);
  };
  /** The whole inbox page, registered as a live tab: its stream gets what this list and pane show. */
  const inboxPage = (c: Ctx, a: Actor, data: ReturnType<typeof listData>, v: Viewer, list: ListQuery, cv: ReturnType<typeof conversationView> | null) => {
    const tab = a.userId === null ? null : openTab(d, a.userId, v, list, { rows: data.page.rows, more: data.page.next !== null }, cv ? cv.id : null);
    return c.page("@inbox/index", { ...data, conv: cv }, { title: c.t("inbox.title"), live: tab });
  };

  return [
    route({
      method: "GET",
      path: "/inbox",
      access: "conversations:read",
      handler: (c) => {
        const a = c.user();
        const list = parseListQuery(a, c.url.searchParams);
        const v = viewerOf(d, a);
        return inboxPage(c, a, listData(d, a, vxOf(d, c), v, list), v, list, null);
      },
    }),
    route({
      method: "GET",
      path: "/inbox/list",
      access: "conversations:read",
      handler: (c) => {
        const a = c.user();
        const list = parseListQuery(a, c.url.searchParams);
        const after = parseAfter(c.url.searchParams.get("after"));
        const page = listPage(d, viewerOf(d, a), list, after);
        // More rows in the page's list: their live updates follow too.
        const tab = tabOf(d, a.userId, c.req.headers.get("x-live-tab"));
        if (tab) addRows(tab, list, { rows: page.rows, more: page.next !== null });
        return html([d.views.render("@inbox/_rows", { vx: vxOf(d, c), list, rows: page.rows, next: page.next, search: listSearch(list), after })]);
      },
    }),
    route({ method: "GET", path: "/inbox/:id", access: "conversations:read", params: Id, handler: (c) => show(c, c.params.id) }),
    route({
      // The page showing the conversation saw new customer messages: its assignee has read them.
      method: "POST", path: "/inbox/:id/read", access: "conversations:read", params: Id, form: true,
      handler: (c) => {
        const a = c.user();
        const conv = visibleConversation(d, a, c.params.id);
        markRead(d, a, conv.id, conv.assignee_id, conv.unread);
        return null;
      },
    }),
    route({
      method: "GET",
      path: "/inbox/:id/history",
      access: "conversations:read",
      params: Id,
      handler: (c) => {
        const a = c.user();
        visibleConversation(d, a, c.params.id);
        const from = visibleConversation(d, a, Number(c.url.searchParams.get("conv")) || c.params.id);
        const before = Number(c.url.searchParams.get("before")) || 0;
        const vx = vxOf(d, c);
        const page = threadPage(d, viewerOf(d, a), from, before, c.params.id);
        const older = page.older ? d.views.render("@inbox/_older", { vx, url: page.older }) : "";
        return html([older, d.views.render("@inbox/_items", { vx, items: page.items, cid: c.params.id })]);
      },
    }),
  ];
}
