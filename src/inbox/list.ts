// The conversation list: views (mine, unassigned, waiting, team, all), filters (number, tag, status,
// assignee), an explicit sort (longest waiting first, or newest activity first), and one row's view model.
// A row carries its facts as data attributes so a live update can tell, in the browser, whether the row
// still belongs to the list the agent is looking at (public/inbox.js mirrors the SQL filters).
import type { Actor } from "../auth/actor";
import type { Deps } from "../deps";
import { WINDOW_MS } from "../conversations";
import { inboxRow, listInbox, type InboxFilter, type InboxRow, type Sort, type View, type Viewer } from "./store";

export const VIEWS: View[] = ["mine", "unassigned", "waiting", "team", "all"];
export const STATUSES = ["open", "snoozed", "resolved", "all"] as const;
export const LIST_PAGE = 50;

export interface ListQuery {
  view: View;
  sort: Sort;
  status: (typeof STATUSES)[number];
  number: number | null;
  tag: string | null;
  assignee: number | null;
}

/** The views `actor` may open (`all` needs conversations:read_all). */
export const viewsFor = (actor: Actor): View[] => VIEWS.filter((v) => v !== "all" || actor.perms.has("conversations:read_all"));

/** The list's state from the page URL; unknown values fall back to defaults. */
export function parseListQuery(actor: Actor, q: URLSearchParams): ListQuery {
  const views = viewsFor(actor);
  const view = (views as string[]).includes(q.get("view") ?? "") ? (q.get("view") as View) : "mine";
  const defaultSort: Sort = view === "waiting" || view === "unassigned" ? "waiting" : "recent";
  const sort = q.get("sort") === "waiting" || q.get("sort") === "recent" ? (q.get("sort") as Sort) : defaultSort;
  const status = (STATUSES as readonly string[]).includes(q.get("status") ?? "") ? (q.get("status") as ListQuery["status"]) : "open";
  const int = (k: string) => (/^\d{1,12}$/.test(q.get(k) ?? "") ? Number(q.get(k)) : null);
  const tag = (q.get("tag") ?? "").trim().slice(0, 60) || null;
  return { view, sort, status, number: int("number"), tag, assignee: int("assignee") };
}

/** The query string of a list state (links keep the agent's list when opening a conversation). */
export function listSearch(l: ListQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams({ view: l.view, sort: l.sort, status: l.status });
  if (l.number !== null) p.set("number", String(l.number));
  if (l.tag) p.set("tag", l.tag);
  if (l.assignee !== null) p.set("assignee", String(l.assignee));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

export function toFilter(l: ListQuery, after: InboxFilter["after"], limit = LIST_PAGE): InboxFilter {
  return { view: l.view, sort: l.sort, status: l.status === "all" ? null : l.status, numberId: l.number, tag: l.tag, assignee: l.assignee, after, limit };
}

/** A list cursor: the last row's (sort key, id). */
export function parseAfter(raw: string | null): InboxFilter["after"] {
  const m = /^(-?\d+)_(\d+)$/.exec(raw ?? "");
  return m ? { key: Number(m[1]), id: Number(m[2]) } : null;
}

export interface RowView {
  id: number;
  name: string;
  phone: string | null;
  preview: { dir: string | null; type: string | null; text: string; status: string | null };
  status: string;
  unread: number;
  assignee: string | null;
  team: string | null;
  number: string;
  tags: string[];
  /** Milliseconds left in the 24-hour window at render time; 0 when closed, null when it never opened. */
  windowLeft: number | null;
  lastAt: number;
  /** Since when the customer waits for an answer, or null. */
  waitingSince: number | null;
  snoozedUntil: number | null;
  position: number | null;
  /** What the browser needs to place the row: its filters' facts and both waiting sort keys (queue, reply). */
  facts: { status: string; assignee: number | null; team: number | null; number: number; tags: string; unanswered: number; recent: number; wait: number; qwait: number };
}

/** Caches for one render of many rows (agent, team and number names; the page's queue positions, read at once). */
export function rowCtx(d: Deps, positions?: Map<number, number>) {
  const users = new Map<number, string | null>();
  const teams = new Map<number, string | null>();
  const numbers = new Map(d.numbers.list().map((n) => [n.id, n.name || n.display_phone_number]));
  return {
    d,
    user: (id: number) => (users.has(id) ? users.get(id)! : (users.set(id, d.users.get(id)?.name ?? null), users.get(id)!)),
    team: (id: number) => (teams.has(id) ? teams.get(id)! : (teams.set(id, d.teams.get(id)?.name ?? null), teams.get(id)!)),
    number: (id: number) => numbers.get(id) ?? `#${id}`,
    positions,
  };
}

function queuePosition(x: ReturnType<typeof rowCtx>, r: InboxRow): number | null {
  if (r.status !== "open" || r.assignee_id !== null) return null;
  return x.positions ? (x.positions.get(r.id) ?? null) : x.d.routing.position(r.id);
}

/** One row's view model. */
export function rowView(x: ReturnType<typeof rowCtx>, r: InboxRow): RowView {
  const now = x.d.clock.now();
  const unanswered = r.last_inbound_at !== null && (r.last_reply_at === null || r.last_reply_at < r.last_inbound_at);
  let tags: string[] = [];
  try {
    tags = JSON.parse(r.tags) as string[];
  } catch {
    // no tags
  }
  return {
    id: r.id,
    name: r.contact_name || r.phone || "",
    phone: r.phone,
    preview: { dir: r.last_dir, type: r.last_type, text: (r.last_text ?? "").slice(0, 140), status: r.last_status },
    status: r.status,
    unread: r.unread,
    assignee: r.assignee_id === null ? null : (x.user(r.assignee_id) ?? `#${r.assignee_id}`),
    team: r.team_id === null ? null : x.team(r.team_id),
    number: x.number(r.number_id),
    tags,
    windowLeft: r.window_at === null ? null : Math.max(0, r.window_at + WINDOW_MS - now),
    lastAt: r.last_message_at,
    waitingSince: unanswered && r.status === "open" ? (r.unanswered_since ?? r.last_inbound_at) : null,
    snoozedUntil: r.status === "snoozed" ? r.snoozed_until : null,
    position: queuePosition(x, r),
    facts: { status: r.status, assignee: r.assignee_id, team: r.team_id, number: r.number_id, tags: JSON.stringify(tags), unanswered: unanswered ? 1 : 0, recent: r.last_message_at,
      wait: r.unanswered_since ?? r.waiting_since ?? r.last_message_at, qwait: r.waiting_since ?? r.last_message_at,
    },
  };
}

/** A page of rows plus the cursor of the next one. */
export function listPage(d: Deps, v: Viewer, l: ListQuery, after: InboxFilter["after"]) {
  const rows = listInbox(d.db, v, toFilter(l, after, LIST_PAGE + 1));
  const more = rows.length > LIST_PAGE;
  const page = rows.slice(0, LIST_PAGE);
  const queued = page.filter((r) => r.status === "open" && r.assignee_id === null).map((r) => r.id);
  const x = rowCtx(d, queued.length ? d.conversations.queuePositions(queued) : new Map());
  const last = page.at(-1);
  return { rows: page.map((r) => rowView(x, r)), next: more && last ? `/inbox/list?${listSearch(l, { after: `${last.sort_key}_${last.id}` })}` : null };
}

/** One row for a live update. */
export function oneRow(d: Deps, id: number): RowView | null {
  const r = inboxRow(d.db, id);
  return r ? rowView(rowCtx(d), r) : null;
}
