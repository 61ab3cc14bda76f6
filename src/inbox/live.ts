// Live inbox: bus events become SSE messages, only for the pages that show what changed (tabs.ts). Changes
// are coalesced per conversation within one event-loop turn (a burst of statuses costs one render); who may
// see a conversation is checked for every stream at fan-out (access.ts). Each piece is rendered once per
// group of streams (language, permissions) and reused:
//   - the open conversation's new timeline items and header go at once, only to the pages showing it;
//   - list rows go only to pages whose list holds the row or would place it, gathered into one message per
//     page and at most one such message per page every LIST_FRAME_MS (the first one of a quiet page at once).
import type { Actor } from "../auth/actor";
import type { ConversationRow } from "../conversations";
import type { Deps } from "../deps";
import { dataLines, type SseClient } from "../platform/sse";
import { canSee, fanoutFilter, viewerOf } from "./access";
import { contactView } from "./contact";
import { headView } from "./conversation";
import { oneRow, type RowView } from "./list";
import { feed, itemsOp, rowOp, type FeedOp } from "./render";
import { activeConversationOf, messageByWamid, unreadOf } from "./store";
import { liveOptions, tabOf, wantsRow, type LiveTab } from "./tabs";
import { eventView, messageItem, noteView, tz, withDays, type Item } from "./thread";
import { groupKey, vxFor } from "./vx";

interface Dirty {
  row: boolean;
  head: boolean;
  messages: Set<number>;
  notes: Set<number>;
  /** Push the conversation's recent events (upserts are idempotent: an event already shown is replaced). */
  events: boolean;
  /** The customer panel's editable sections (name, tags, attributes) changed. */
  contact: boolean;
}

const RECENT_EVENTS_MS = 60_000;
/** How long a row read and rendered for the live lists may be reused while it does not change, and how many. */
const ROW_CACHE_MS = 1_000;
const ROW_CACHE_MAX = 5_000;

export function registerInboxLive(d: Deps): void {
  const dirty = new Map<number, Dirty>();
  const users = new Set<number>();
  let scheduled = false;
  let queueChanged = false;

  const mark = (id: number, f: Partial<{ row: boolean; head: boolean; events: boolean; contact: boolean; message: number; note: number }>) => {
    let x = dirty.get(id);
    if (!x) dirty.set(id, (x = { row: false, head: false, messages: new Set(), notes: new Set(), events: false, contact: false }));
    x.row ||= !!f.row;
    x.head ||= !!f.head;
    x.events ||= !!f.events;
    x.contact ||= !!f.contact;
    if (f.message) x.messages.add(f.message);
    if (f.note) x.notes.add(f.note);
    schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };
  const flush = () => {
    scheduled = false;
    // Nobody is watching: nothing to render (a webhook burst at night costs no HTML).
    if (d.sse.size === 0) {
      dirty.clear();
      users.clear();
      queueChanged = false;
      return;
    }
    // Queue positions shift for everyone behind a conversation that joined or left the queue.
    if (queueChanged) for (const c of d.conversations.queue(20)) mark(c.id, { row: true });
    queueChanged = false;
    const batch = [...dirty];
    dirty.clear();
    const filter = fanoutFilter(d);
    const who = [...users];
    users.clear();
    // One bad render must not stop the others (nor escape into the event loop).
    const guard = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        d.log.error("inbox live update failed", { what, err });
      }
    };
    for (const [id, x] of batch) guard(`conversation ${id}`, () => pushConversation(d, id, x, filter));
    const rows = batch.filter(([, x]) => x.row).map(([id]) => id);
    guard("list rows", () => lists.add(rows, filter));
    for (const u of who) guard(`unread ${u}`, () => pushUnread(d, u));
  };
  const lists = listFrames(d, (what, err) => d.log.error("inbox live update failed", { what, err }));
  const queueHead = () => {
    queueChanged = true;
    schedule();
  };
  const touchAssignee = (id: number) => {
    const c = d.conversations.get(id);
    if (c?.assignee_id) users.add(c.assignee_id);
  };

  d.bus.on("message.received", ({ messageId, conversationId }) => {
    if (d.sse.size === 0) return;
    const m = d.conversations.message(messageId);
    // A reaction is shown on the message it reacts to: that message is re-rendered instead.
    const target = m?.type === "reaction" && m.context_wamid ? messageByWamid(d.db, m.context_wamid) : null;
    mark(conversationId, { row: true, head: true, message: target && target.conversation_id === conversationId ? target.id : messageId });
    touchAssignee(conversationId);
  });
  d.bus.on("message.queued", ({ messageId, conversationId }) => mark(conversationId, { row: true, message: messageId }));
  d.bus.on("message.status", ({ messageId, conversationId }) => mark(conversationId, { row: true, message: messageId }));
  d.bus.on("media.ready", ({ messageId }) => {
    const m = messageId ? d.conversations.message(messageId) : null;
    if (m) mark(m.conversation_id, { message: m.id });
  });
  // A new conversation joins the queue at its tail: nobody's position changes (leaving it does, below).
  d.bus.on("conversation.created", ({ conversationId }) => mark(conversationId, { row: true }));
  d.bus.on("conversation.event", ({ conversationId }) => mark(conversationId, { row: true, head: true, events: true }));
  for (const e of ["conversation.resolved", "conversation.reopened", "conversation.snoozed"] as const) {
    d.bus.on(e, ({ conversationId }) => (mark(conversationId, { row: true, head: true, events: true }), queueHead(), touchAssignee(conversationId)));
  }
  d.bus.on("inbox.changed", ({ conversationId }) => (mark(conversationId, { row: true, head: true, events: true }), touchAssignee(conversationId)));
  d.bus.on("conversation.assigned", ({ conversationId, agentId, previousAgentId }) => {
    mark(conversationId, { row: true, head: true, events: true });
    queueHead();
    if (agentId) users.add(agentId);
    // The agent it came from counts one unread conversation less.
    if (previousAgentId) users.add(previousAgentId);
  });
  d.bus.on("note.added", ({ noteId, conversationId }) => {
    if (conversationId) mark(conversationId, { note: noteId });
  });
  // Notifications are few and per person: pushed at once, never batched away.
  const safely = (userId: number, id: number | null) => {
    try {
      pushNotification(d, userId, id);
    } catch (err) {
      d.log.error("inbox notification push failed", { userId, err });
    }
  };
  d.bus.on("notification.created", ({ userId, notificationId }) => safely(userId, notificationId));
  d.bus.on("notification.read", ({ userId }) => safely(userId, null));
  d.bus.on("contact.updated", ({ contactId }) => {
    const id = activeConversationOf(d.db, contactId);
    if (id) mark(id, { row: true, head: true, contact: true });
  });
}

/** The customer's name or phone for a notification's body, only for someone who may see the conversation. */
function contactOf(d: Deps, actor: Actor, conversationId: number | null): string {
  const conv = conversationId ? d.conversations.get(conversationId) : null;
  const k = conv && canSee(d, actor, conv) ? d.contacts.get(conv.contact_id) : null;
  return k?.name || k?.phone || "";
}

/** The open conversation's changes (timeline items, header, customer panel), to the pages showing it. */
function pushConversation(d: Deps, id: number, x: Dirty, visible: (a: Actor, c: ConversationRow) => boolean): void {
  if (!x.head && !x.contact && !x.events && !x.messages.size && !x.notes.size) return;
  const conv = d.conversations.get(id);
  if (!conv) return;
  // The timeline is read once, and only if some page shows this conversation.
  let items: Item[] | null = null;
  d.sse.publishBy(
    (c) => tabOf(d, c.actor.userId, c.tab)?.conv === id && visible(c.actor, conv),
    (c) => `${groupKey(c.actor, c.locale)}:${c.actor.userId === conv.assignee_id ? 1 : 0}`,
    (c) => render(d, c, conv, (items ??= timelineItems(d, conv, x)), x),
  );
}

/**
 * List rows per page: each flush's changed rows are queued on the pages that show them or would place them
 * (tabs.ts wantsRow), then every page whose window is open gets one message with its queued rows, read fresh
 * and rendered once per group of streams. A page that got a message less than LIST_FRAME_MS ago waits for a
 * timer, so a busy list costs a page at most a few messages a second whatever the message rate.
 */
function listFrames(d: Deps, onError: (what: string, err: unknown) => void) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let visible = fanoutFilter(d);

  // A row's facts, view model and rendered pieces (per group of streams), kept until the row changes again or
  // for ROW_CACHE_MS: pages' windows do not line up, and without it a busy row was read and rendered again for
  // every page whose window opened in another pass. The age limit keeps relative times ("waiting for 5m") true.
  const cache = new Map<number, { at: number; r: { conv: ConversationRow; row: RowView } | null; pieces: Map<string, Uint8Array> }>();
  let swept = 0;
  const sweep = (now: number) => {
    if (now - swept < ROW_CACHE_MS) return;
    swept = now;
    for (const [id, e] of cache) if (now - e.at > ROW_CACHE_MS) cache.delete(id);
  };
  const entry = (id: number, now: number) => {
    let e = cache.get(id);
    if (!e || now - e.at > ROW_CACHE_MS) {
      if (cache.size >= ROW_CACHE_MAX) cache.clear();
      const conv = d.conversations.get(id);
      const row = conv ? oneRow(d, id) : null;
      cache.set(id, (e = { at: now, r: conv && row ? { conv, row } : null, pieces: new Map() }));
    }
    return e;
  };

  const send = () => {
    // Monotonic time: this is a transport rate limit, not business time (the injected clock may stand still).
    const now = performance.now();
    const every = liveOptions(d).listFrameMs;
    sweep(now);
    const sent = new Set<LiveTab>();
    let wait = Infinity;
    for (const c of d.sse.streams()) {
      const tab = tabOf(d, c.actor.userId, c.tab);
      if (!tab || !tab.pending.size) continue;
      const due = tab.lastListAt + every - now;
      if (due > 0 && !sent.has(tab)) {
        wait = Math.min(wait, due);
        continue;
      }
      const parts: Uint8Array[] = [];
      const group = groupKey(c.actor, c.locale);
      for (const id of tab.pending) {
        const e = entry(id, now);
        if (!e.r || !visible(c.actor, e.r.conv)) continue;
        let part = e.pieces.get(group);
        if (part === undefined) e.pieces.set(group, (part = dataLines(feed(d, [rowOp(vxFor(d, c.actor, c.locale), e.r.row)]))));
        parts.push(part);
      }
      sent.add(tab);
      if (parts.length) c.sendParts(parts);
    }
    for (const tab of sent) {
      tab.pending.clear();
      tab.lastListAt = now;
    }
    if (wait !== Infinity && !timer) {
      timer = setTimeout(() => {
        timer = null;
        visible = fanoutFilter(d);
        try {
          send();
        } catch (err) {
          onError("list frames", err);
        }
      }, Math.ceil(wait));
      timer.unref?.();
    }
  };

  return {
    /** Queues changed rows on the pages that would show them, then sends what is due. */
    add(ids: number[], filter: (a: Actor, c: ConversationRow) => boolean) {
      visible = filter;
      const now = performance.now();
      for (const id of ids) cache.delete(id);
      if (ids.length) {
        const seen = new Set<LiveTab>();
        for (const c of d.sse.streams()) {
          const tab = tabOf(d, c.actor.userId, c.tab);
          if (!tab || seen.has(tab)) continue;
          seen.add(tab);
          for (const id of ids) {
            const f = entry(id, now).r;
            if (f && filter(c.actor, f.conv) && wantsRow(tab, id, f.row.facts)) tab.pending.add(id);
          }
        }
      }
      send();
    },
  };
}

function timelineItems(d: Deps, conv: ConversationRow, x: Dirty): Item[] {
  const items: Item[] = [];
  for (const mid of x.messages) {
    const m = d.conversations.message(mid);
    if (m && m.conversation_id === conv.id) items.push(messageItem(d, m));
  }
  if (x.notes.size) {
    for (const n of d.notes.forConversation(conv.id)) if (x.notes.has(n.id)) items.push({ kind: "note", at: n.created_at, n: noteView(n) });
  }
  if (x.events) {
    const since = d.clock.now() - RECENT_EVENTS_MS;
    for (const e of d.conversations.events(conv.id)) if (e.at >= since) items.push({ kind: "event", at: e.at, e: eventView(d, e) });
  }
  return items.length ? withDays(items, tz(d)) : [];
}

function render(d: Deps, c: SseClient, conv: ConversationRow, items: Item[], x: Dirty): string {
  const vx = vxFor(d, c.actor, c.locale);
  const ops: FeedOp[] = [];
  if (items.length) ops.push(itemsOp(vx, conv.id, items));
  const parts = [feed(d, ops)];
  if (x.head) parts.push(d.views.render("@inbox/_head", { vx, h: headView(d, conv, c.actor.userId), oob: true }));
  if (x.contact) {
    const ct = contactView(d, viewerOf(d, c.actor), conv);
    for (const view of ["@inbox/_cname", "@inbox/_tags", "@inbox/_attrs"]) parts.push(d.views.render(view, { vx, ct, oob: true, error: null, editing: false }));
  }
  return parts.filter(Boolean).join("\n");
}

/** The tab title's count for one user, on every page that user has open. */
function pushUnread(d: Deps, userId: number): void {
  const count = unreadOf(d.db, userId);
  d.sse.publishBy(
    (c) => c.actor.userId === userId,
    () => "u",
    () => d.views.render("@inbox/_unread", { count, oob: true }),
  );
}

/** The bell on every page of the user, and a browser notification (when opted in) for a new one. */
function pushNotification(d: Deps, userId: number, notificationId: number | null): void {
  const n = d.notifications;
  const items = n.list(userId, { limit: 10 });
  const unread = n.unreadCount(userId);
  const item = items.find((i) => i.id === notificationId);
  d.sse.publishBy(
    (c) => c.actor.userId === userId,
    (c) => c.locale,
    (c) => {
      const vx = vxFor(d, c.actor, c.locale);
      const bell = d.views.render("@inbox/_bell", { vx, bell: { unread, items }, oob: true });
      if (!item) return bell;
      const href = item.conversation_id ? `/inbox/${item.conversation_id}` : "/inbox";
      return `${bell}\n${d.views.render("@inbox/_notify", { kind: item.kind, href, title: vx.t(`inbox.notify_${item.kind}`, { who: item.actor_label }), body: contactOf(d, c.actor, item.conversation_id) })}`;
    },
  );
}
