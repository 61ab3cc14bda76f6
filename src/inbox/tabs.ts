// What each open inbox page shows, so live updates go only where they are seen (PRODUCT.md P4, P8). An inbox
// page registers a tab when it is rendered: its list (view and filters), the rows it holds and the sort key of
// its last one, and the open conversation; the page's stream (/events?tab=…) and its htmx requests
// (X-Live-Tab) name it. A stream without a tab (any other page) gets no inbox rows or timelines at all.
// This is an audience filter only: who may see a conversation is still checked for every push (access.ts).
import type { Deps } from "../deps";
import { randomToken } from "../platform/ids";
import type { ListQuery, RowView } from "./list";
import type { Viewer } from "./store";

export interface LiveTab {
  id: string;
  userId: number;
  list: ListQuery;
  teamIds: number[];
  teamNumbers: number[];
  /** Rows the page may hold: their updates (and removals) are sent. */
  shown: Set<number>;
  /** The last row of the last page loaded, and whether more pages follow: a row sorting after it is not placed. */
  bound: { key: number; id: number } | null;
  more: boolean;
  /** The conversation open beside the list: its timeline and header are sent. */
  conv: number | null;
  /** Rows waiting for this tab's next list frame (at most one per LIST_FRAME_MS). */
  pending: Set<number>;
  lastListAt: number;
}

/**
 * Knobs of the live list per app: at most one list message per page every `listFrameMs` (tests widen it), and
 * at most `maxTabs` tabs kept (tests narrow it).
 */
const options = new WeakMap<Deps, { listFrameMs: number; maxTabs: number }>();
export function liveOptions(d: Deps): { listFrameMs: number; maxTabs: number } {
  let o = options.get(d);
  if (!o) options.set(d, (o = { listFrameMs: 250, maxTabs: 2_000 }));
  return o;
}
const registries = new WeakMap<Deps, Map<string, LiveTab>>();

function registry(d: Deps): Map<string, LiveTab> {
  let m = registries.get(d);
  if (!m) registries.set(d, (m = new Map()));
  return m;
}

/** A new tab for a rendered inbox page; returns its id. */
export function openTab(d: Deps, userId: number, v: Viewer, list: ListQuery, page: { rows: RowView[]; more: boolean }, conv: number | null): string {
  const tabs = registry(d);
  const id = randomToken(16);
  const tab: LiveTab = { id, userId, list, teamIds: v.teamIds, teamNumbers: v.teamNumbers, shown: new Set(), bound: null, more: false, conv, pending: new Set(), lastListAt: 0 };
  addRows(tab, list, page);
  tabs.set(id, tab);
  forgetIdle(d, tabs);
  return id;
}

/**
 * Past the cap, the oldest tabs without a stream are forgotten: pages rendered and closed, or never connected.
 * A tab whose stream is open is kept however old (an inbox left open all day must stay live), so the map is
 * bounded by the cap plus the open streams.
 */
function forgetIdle(d: Deps, tabs: Map<string, LiveTab>): void {
  const max = liveOptions(d).maxTabs;
  if (tabs.size <= max) return;
  const open = d.sse.tabs();
  for (const id of tabs.keys()) {
    if (tabs.size <= max) break;
    if (!open.has(id)) tabs.delete(id);
  }
}

/** The tab `id` of `userId` (another person's tab id is nobody's). */
export function tabOf(d: Deps, userId: number | null, id: string | null): LiveTab | null {
  if (!id || userId === null) return null;
  const tab = registry(d).get(id);
  return tab && tab.userId === userId ? tab : null;
}

/**
 * Rows remembered per tab. A busy "newest first" list gains a row with every conversation that gets a message,
 * so without a bound 200 such tabs held a set of every active conversation each (tens of MB, P8). The oldest
 * remembered rows are forgotten first, by their last change: in such a list they are the ones pushed furthest
 * down. A forgotten row still arrives when it changes and sorts within the list; only its removal from a list
 * would be missed.
 */
const MAX_SHOWN = 400;

function remember(tab: LiveTab, id: number): void {
  if (tab.shown.has(id)) return;
  if (tab.shown.size >= MAX_SHOWN) tab.shown.delete(tab.shown.values().next().value!);
  tab.shown.add(id);
}

/** A later page of rows was loaded into the tab's list. */
export function addRows(tab: LiveTab, list: ListQuery, page: { rows: RowView[]; more: boolean }): void {
  for (const r of page.rows) remember(tab, r.id);
  const last = page.rows.at(-1);
  if (last) tab.bound = { key: sortKey(list, last.facts), id: last.id };
  tab.more = page.more;
}

function sortKey(l: ListQuery, f: RowView["facts"]): number {
  if (l.sort === "recent") return f.recent;
  return l.view === "unassigned" ? f.qwait : f.wait;
}

/** Whether a row with these facts belongs to the tab's list: the SQL filters, as public/inbox.js mirrors them. */
export function belongs(tab: LiveTab, f: RowView["facts"]): boolean {
  const l = tab.list;
  if (l.status !== "all" && f.status !== l.status) return false;
  if (l.number !== null && f.number !== l.number) return false;
  if (l.tag !== null) {
    const tag = l.tag.toLowerCase();
    if (!(JSON.parse(f.tags) as string[]).some((t) => String(t).toLowerCase() === tag)) return false;
  }
  if (l.assignee !== null && (l.assignee === 0 ? f.assignee !== null : f.assignee !== l.assignee)) return false;
  switch (l.view) {
    case "mine":
      return f.assignee === tab.userId;
    case "unassigned":
      return f.assignee === null;
    case "waiting":
      return f.unanswered === 1;
    case "team":
      return f.team !== null ? tab.teamIds.includes(f.team) : tab.teamNumbers.includes(f.number);
    default:
      return true;
  }
}

/**
 * Whether the page would show a change of this row: it holds the row (an update, or a removal when it no
 * longer belongs), or the row belongs and sorts within the rows loaded (a row sorting after the last one
 * belongs to a page not loaded yet, as the browser decides too). Updates the rows the tab may hold.
 */
export function wantsRow(tab: LiveTab, id: number, f: RowView["facts"]): boolean {
  if (!belongs(tab, f)) return tab.shown.delete(id);
  if (tab.shown.has(id)) {
    // Least recently changed is forgotten first: a busy row at the top of the list must not be the one whose
    // later removal (resolved, taken by someone else) goes unsent.
    tab.shown.delete(id);
    tab.shown.add(id);
    return true;
  }
  if (tab.more && tab.bound && !sortsBefore(tab, id, f)) return false;
  remember(tab, id);
  return true;
}

function sortsBefore(tab: LiveTab, id: number, f: RowView["facts"]): boolean {
  const k = sortKey(tab.list, f);
  const b = tab.bound!;
  if (tab.list.sort === "recent") return k !== b.key ? k > b.key : id > b.id;
  return k !== b.key ? k < b.key : id < b.id;
}
