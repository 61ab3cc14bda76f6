// The conversation's timeline: messages, the conversation's events (assignment with the routing reason,
// transfers, snoozes, resolve...) and internal notes, merged in time order with day separators, a page at a
// time going back in history. When a conversation's own history ends, the page offers the contact's
// previous conversation, so older conversations read as one timeline.
import type { ConversationRow, EventRow, MessageRow } from "../conversations";
import type { Deps } from "../deps";
import { bubbleOf, type Bubble, type BubbleCtx } from "./bubble";
import { dayKey } from "./format";
import { linkify, type Segment } from "./linkify";
import type { NoteRow } from "../notes";
import { messageByWamid, messagesBefore, previousConversation, quoted, reactionsTo, type Viewer } from "./store";

export const PAGE = 40;

export interface EventView {
  id: number;
  at: number;
  kind: string;
  actor: string;
  agent: string | null;
  team: string | null;
  reason: string | null;
  note: string | null;
  until: number | null;
}

export interface NoteView {
  id: number;
  at: number;
  author: string;
  text: Segment[];
  mentions: string[];
}

export type Item =
  | { kind: "day"; at: number; key: string }
  | { kind: "message"; at: number; b: Bubble }
  | { kind: "event"; at: number; e: EventView }
  | { kind: "note"; at: number; n: NoteView }
  | { kind: "start"; at: number; conversationId: number };

export interface ThreadPage {
  items: Item[];
  /** URL of the next older page (this conversation or the previous one), or null at the very beginning. */
  older: string | null;
}

export function bubbleCtx(d: Deps): BubbleCtx {
  return { d, names: new Map(), quotes: new Map(), reactions: new Map() };
}

/** Loads the quotes and reactions the messages of a page refer to. */
function prepare(d: Deps, x: BubbleCtx, conversationId: number, rows: MessageRow[]): void {
  const own = rows.filter((m) => m.type !== "reaction");
  const wamids = own.map((m) => m.wamid).filter((w): w is string => !!w);
  for (const r of reactionsTo(d.db, conversationId, wamids)) {
    const list = (x.reactions.get(r.context_wamid!) ?? []).filter((e) => e.dir !== r.direction);
    const emoji = (JSON.parse(r.payload) as { reaction?: { emoji?: string } }).reaction?.emoji ?? "";
    x.reactions.set(r.context_wamid!, emoji ? [...list, { emoji, dir: r.direction }] : list);
  }
  const ctx = own.map((m) => m.context_wamid).filter((w): w is string => !!w);
  if (ctx.length) for (const q of quoted(d.db, ctx)) x.quotes.set(q.wamid!, { dir: q.direction, text: q.text || q.type });
}

/** True when a reaction is shown on its message instead of on its own. */
function shownOnTarget(d: Deps, m: MessageRow): boolean {
  if (m.type !== "reaction" || !m.context_wamid) return false;
  return messageByWamid(d.db, m.context_wamid)?.conversation_id === m.conversation_id;
}

const DETAIL_AGENT = ["agent_id", "to_agent_id", "assignee_id"];

/** A timeline event with names resolved. */
export function eventView(d: Deps, e: EventRow): EventView {
  let x: Record<string, unknown> = {};
  try {
    x = e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : {};
  } catch {
    // keep the bare event
  }
  const agentId = DETAIL_AGENT.map((k) => x[k]).find((v) => typeof v === "number") as number | undefined;
  const teamId = typeof x.team_id === "number" ? x.team_id : null;
  const s = (v: unknown) => (typeof v === "string" && v ? v : null);
  return {
    id: e.id, at: e.at, kind: e.kind, actor: e.actor_label,
    agent: agentId !== undefined ? (d.users.get(agentId)?.name ?? `#${agentId}`) : s(x.agent_name),
    team: teamId !== null ? (d.teams.get(teamId)?.name ?? `#${teamId}`) : s(x.team_name),
    reason: s(x.reason), note: s(x.note), until: typeof x.until === "number" ? x.until : null,
  };
}

export function noteView(n: NoteRow): NoteView {
  return { id: n.id, at: n.created_at, author: n.author_label, text: linkify(n.text), mentions: n.mentions.map((m) => m.name) };
}

/** Events and notes of a conversation within [from, to). */
function sideItems(d: Deps, c: ConversationRow, from: number, to: number): Item[] {
  const inRange = (at: number) => at >= from && at < to;
  const events = d.conversations.events(c.id).filter((e) => inRange(e.at)).map((e): Item => ({ kind: "event", at: e.at, e: eventView(d, e) }));
  const notes = d.notes.forConversation(c.id).filter((n) => inRange(n.created_at)).map((n): Item => ({ kind: "note", at: n.created_at, n: noteView(n) }));
  return [...events, ...notes];
}

const ORDER: Record<Item["kind"], number> = { start: 0, day: 1, message: 2, event: 3, note: 4 };
const idOf = (i: Item) => (i.kind === "message" ? i.b.id : i.kind === "event" ? i.e.id : i.kind === "note" ? i.n.id : 0);

/** Sorts items by time and puts a day separator before each day's first item. */
export function withDays(items: Item[], tz: string): Item[] {
  const sorted = items.sort((a, b) => a.at - b.at || ORDER[a.kind] - ORDER[b.kind] || idOf(a) - idOf(b));
  const out: Item[] = [];
  let day = "";
  for (const i of sorted) {
    const k = dayKey(i.at, tz);
    if (k !== day) out.push({ kind: "day", at: i.at, key: (day = k) });
    out.push(i);
  }
  return out;
}

/** One page of a conversation's timeline, messages before `beforeId` (0: the newest). */
export function threadPage(d: Deps, v: Viewer, c: ConversationRow, beforeId: number, self: number): ThreadPage {
  const rows = messagesBefore(d.db, c.id, beforeId, PAGE + 1);
  const more = rows.length > PAGE;
  const page = rows.slice(0, PAGE);
  const x = bubbleCtx(d);
  prepare(d, x, c.id, page);
  const to = beforeId ? (d.conversations.message(beforeId)?.created_at ?? Infinity) : Infinity;
  const from = more ? page.at(-1)!.created_at : -Infinity;
  const items: Item[] = page.filter((m) => !shownOnTarget(d, m)).map((m) => ({ kind: "message", at: m.created_at, b: bubbleOf(x, m) }));
  items.push(...sideItems(d, c, from, to));
  if (more) return { items: withDays(items, tz(d)), older: `/inbox/${self}/history?conv=${c.id}&before=${page.at(-1)!.id}` };
  items.push({ kind: "start", at: Math.min(c.created_at, ...items.map((i) => i.at)), conversationId: c.id });
  const prev = previousConversation(d.db, v, c);
  return { items: withDays(items, tz(d)), older: prev ? `/inbox/${self}/history?conv=${prev.id}` : null };
}

/** The single timeline item of one message (live pushes and send responses). */
export function messageItem(d: Deps, m: MessageRow): Item {
  const x = bubbleCtx(d);
  prepare(d, x, m.conversation_id, [m]);
  return { kind: "message", at: m.created_at, b: bubbleOf(x, m) };
}

/** The workspace's time zone. */
export const tz = (d: Deps) => String(d.settings.get("timezone") || "UTC");
