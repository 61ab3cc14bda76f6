// Conversations and messages (PRODUCT.md D2, D3): inbound messages land idempotently in the one active
// conversation per (number, contact); statuses only move forward and are matched by wamid or by the
// biz_opaque_callback_data we sent; a status that arrives before its message is held, not lost.
import type { AuditWho } from "../audit";
import type { Platform } from "../deps";
import { conflict, notFound } from "../platform/errors";
import * as store from "./store";
import type { ConversationRow, MessageRow } from "./store";

declare module "../platform/bus" {
  interface Events {
    "conversation.created": { conversationId: number; numberId: number; contactId: number };
    "conversation.resolved": { conversationId: number; by: string };
    "conversation.reopened": { conversationId: number; by: string };
    "conversation.snoozed": { conversationId: number; until: number | null };
    /** Something was added to the conversation's timeline (assignment, transfer, snooze, ...). */
    "conversation.event": { conversationId: number; kind: string };
    "message.received": { messageId: number; conversationId: number; numberId: number; contactId: number };
    "message.status": { messageId: number; conversationId: number; status: string };
  }
}

export const WINDOW_MS = 24 * 3_600_000;

/** Forward order of outbound statuses; `failed` and `cancelled` are terminal. */
const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 };

/** True when `next` may replace `current` (statuses never move back; a late failure can follow `sent`). */
export function movesForward(current: MessageRow["status"], next: string): boolean {
  if (current === "failed" || current === "cancelled") return false;
  if (next === "failed" || next === "cancelled") return current === null || (RANK[current] ?? 0) < RANK.delivered!;
  return (RANK[next] ?? -1) > (current === null ? -1 : (RANK[current] ?? -1));
}

export interface InboundMessage {
  numberId: number;
  contactId: number;
  wamid: string;
  type: string;
  text: string;
  payload: unknown;
  contextWamid: string | null;
  /** Meta's timestamp, ms. */
  at: number;
}

export interface StatusUpdate {
  wamid: string | null;
  opaque: string | null;
  /** sent | delivered | read | played | failed */
  status: string;
  at: number;
  error: { code: number; title: string; details: string | null } | null;
  pricing: { category: string | null; type: string | null; billable: boolean | null } | null;
  raw: unknown;
}

/** Events to emit once the caller's transaction has committed. */
export type Emit = () => void;

export interface ConversationsService {
  get(id: number): ConversationRow | null;
  message(id: number): MessageRow | null;
  /** Stores an inbound message; null when the wamid was already stored (a duplicate delivery). */
  recordInbound(m: InboundMessage, emits: Emit[]): { messageId: number; conversationId: number; newConversation: boolean } | null;
  /** Applies a status; "held" when its message is not known yet. */
  applyStatus(s: StatusUpdate, emits: Emit[]): "applied" | "stale" | "held";
  /** Writes an outbound message (the outbox issue sends it); it starts queued. */
  recordOutbound(m: { numberId: number; contactId: number; type: string; text: string; payload: unknown; authorKind: MessageRow["author_kind"]; authorId: string | null; opaque?: string | null }): MessageRow;
  /** Sets the wamid Meta returned and applies statuses that were waiting for it. */
  attachWamid(messageId: number, wamid: string, emits: Emit[]): void;
  /** The end of the customer service window for (number, contact), or null when it never opened. */
  windowExpiresAt(numberId: number, contactId: number): number | null;
  resolve(id: number, who: AuditWho): ConversationRow;
  reopen(id: number, who: AuditWho): ConversationRow;
  heldCount(): number;
  /** Outbound messages of a number Meta accepted since `since`. */
  sentSince(numberId: number, since: number): number;
  setOpaque(messageId: number, opaque: string): void;
  requeueForRetry(messageId: number, opaque: string): void;
  /** Sets who handles the conversation; no agent means it waits in the queue. Inside the caller's transaction. */
  setAssignment(id: number, a: { assigneeId: number | null; teamId: number | null }): void;
  /** A person wrote to the customer (first-response and unanswered tracking). */
  noteReply(id: number, at: number): void;
  /** Snoozes until a time (the scheduler wakes it), or wakes it now with null. */
  snooze(id: number, until: number | null, who: AuditWho): ConversationRow;
  /** Wakes every snoozed conversation whose time has come; returns their ids. */
  wakeDue(): number[];
  setUnread(id: number, unread: number): void;
  /** Open conversations per assigned agent. */
  openCounts(): Map<number, number>;
  /** Open conversations nobody handles, longest waiting first. */
  queue(limit?: number): ConversationRow[];
  queuePosition(id: number): number;
  /** Queue positions of several conversations at once (a list page); those not waiting are absent. */
  queuePositions(ids: number[]): Map<number, number>;
  previousAssignee(numberId: number, contactId: number, exceptId: number): number | null;
  /** Assigned conversations the customer has waited on since before `before`. */
  unansweredSince(before: number): ConversationRow[];
  openOf(userId: number): ConversationRow[];
  /** Adds a timeline event (the emit runs after the caller's commit when `emits` is given). */
  addEvent(id: number, kind: string, who: AuditWho | "system", detail?: Record<string, unknown>, emits?: Emit[]): void;
  events(id: number): store.EventRow[];
  /** The send loop took the message. */
  markSending(messageId: number, emits: Emit[]): void;
  /** Meta accepted the send: its wamid, and `sent` unless a webhook already moved it further. */
  markAccepted(messageId: number, wamid: string, emits: Emit[]): void;
  /** The send failed for good, with Meta's code and text. */
  markFailed(messageId: number, error: { code: number; title: string; details: string | null }, emits: Emit[]): void;
  /** Never sent: the check failed when it left the queue, or its campaign was cancelled. */
  cancel(messageId: number, code: string, reason: string, emits: Emit[]): void;
}

export function createConversations(p: Platform): ConversationsService {
  const { db } = p;

  function statusPatch(s: StatusUpdate): store.StatusPatch {
    const status = (s.status === "played" ? "read" : s.status) as MessageRow["status"];
    return {
      status,
      at: s.at,
      error_code: s.error?.code ?? null,
      error_title: s.error?.title ?? null,
      error_details: s.error?.details ?? null,
      pricing_category: s.pricing?.category ?? null,
      pricing_type: s.pricing?.type ?? null,
      billable: s.pricing?.billable === null || s.pricing?.billable === undefined ? null : s.pricing.billable ? 1 : 0,
    };
  }

  function apply(msg: MessageRow, s: StatusUpdate, emits: Emit[]): "applied" | "stale" {
    const patch = statusPatch(s);
    const forward = movesForward(msg.status, patch.status!);
    store.writeStatus(db, msg.id, patch, forward);
    if (!forward) return "stale";
    emits.push(() => p.bus.emit("message.status", { messageId: msg.id, conversationId: msg.conversation_id, status: patch.status! }));
    return "applied";
  }

  function releaseHeld(msg: MessageRow, emits: Emit[]) {
    for (const h of store.heldFor(db, msg.wamid, msg.opaque)) {
      const current = store.getMessage(db, msg.id)!;
      apply(current, JSON.parse(h.payload) as StatusUpdate, emits);
      store.dropHeld(db, h.id);
    }
  }

  const svc: ConversationsService = {
    get: (id) => store.getConversation(db, id),
    message: (id) => store.getMessage(db, id),

    recordInbound(m, emits) {
      if (store.messageIdByWamid(db, m.wamid) !== null) return null;
      const now = p.clock.now();
      const conv = store.activeConversation(db, m.numberId, m.contactId);
      const newConversation = !conv;
      const conversationId = conv ? conv.id : store.insertConversation(db, { number_id: m.numberId, contact_id: m.contactId, at: m.at, inbound: true });
      const messageId = store.insertMessage(db, {
        conversation_id: conversationId,
        number_id: m.numberId,
        contact_id: m.contactId,
        wamid: m.wamid,
        direction: "in",
        type: m.type,
        text: m.text,
        payload: JSON.stringify(m.payload ?? {}),
        context_wamid: m.contextWamid,
        author_kind: "customer",
        author_id: null,
        opaque: null,
        status: null,
        created_at: m.at,
        received_at: now,
      });
      if (conv) {
        store.touchOnInbound(db, conv.id, m.at);
        if (conv.status === "snoozed") store.wakeSnoozed(db, conv.id);
      }
      store.bumpWindow(db, m.numberId, m.contactId, m.at);
      if (newConversation) emits.push(() => p.bus.emit("conversation.created", { conversationId, numberId: m.numberId, contactId: m.contactId }));
      emits.push(() => p.bus.emit("message.received", { messageId, conversationId, numberId: m.numberId, contactId: m.contactId }));
      return { messageId, conversationId, newConversation };
    },

    applyStatus(s, emits) {
      const msg = (s.opaque ? store.getMessageByOpaque(db, s.opaque) : null) ?? (s.wamid ? store.getMessageByWamid(db, s.wamid) : null);
      if (!msg) {
        store.holdStatus(db, { wamid: s.wamid, opaque: s.opaque, status: s.status, payload: JSON.stringify(s), received_at: p.clock.now() });
        return "held";
      }
      if (s.wamid && !msg.wamid) store.setWamid(db, msg.id, s.wamid);
      return apply(msg, s, emits);
    },

    recordOutbound(m) {
      const now = p.clock.now();
      return db.tx(() => {
        const conv = store.activeConversation(db, m.numberId, m.contactId);
        const conversationId = conv ? conv.id : store.insertConversation(db, { number_id: m.numberId, contact_id: m.contactId, at: now });
        const id = store.insertMessage(db, {
          conversation_id: conversationId,
          number_id: m.numberId,
          contact_id: m.contactId,
          wamid: null,
          direction: "out",
          type: m.type,
          text: m.text,
          payload: JSON.stringify(m.payload ?? {}),
          context_wamid: null,
          author_kind: m.authorKind,
          author_id: m.authorId,
          opaque: m.opaque ?? null,
          status: "queued",
          created_at: now,
          received_at: null,
        });
        store.touchOnOutbound(db, conversationId, now);
        return store.getMessage(db, id)!;
      });
    },

    attachWamid(messageId, wamid, emits) {
      store.setWamid(db, messageId, wamid);
      releaseHeld(store.getMessage(db, messageId)!, emits);
    },

    windowExpiresAt(numberId, contactId) {
      const last = store.windowOf(db, numberId, contactId);
      return last === null ? null : last + WINDOW_MS;
    },

    resolve(id, who) {
      const c = store.getConversation(db, id);
      if (!c) throw notFound("No such conversation.");
      if (c.status === "resolved") throw conflict("already_resolved", "This conversation is already resolved.");
      const emits: Emit[] = [];
      db.tx(() => {
        store.setConversationStatus(db, id, "resolved", p.clock.now());
        svc.addEvent(id, "resolved", who, {}, emits);
      });
      emits.forEach((e) => e());
      p.bus.emit("conversation.resolved", { conversationId: id, by: who.actor?.label ?? "system" });
      return store.getConversation(db, id)!;
    },

    reopen(id, who) {
      const c = store.getConversation(db, id);
      if (!c) throw notFound("No such conversation.");
      if (c.status !== "resolved") throw conflict("not_resolved", "Only a resolved conversation can be reopened.");
      if (store.activeConversation(db, c.number_id, c.contact_id)) {
        throw conflict("newer_conversation_open", "The customer already has an open conversation on this number; continue there.");
      }
      const emits: Emit[] = [];
      db.tx(() => {
        store.setConversationStatus(db, id, "open", p.clock.now());
        svc.addEvent(id, "reopened", who, {}, emits);
      });
      emits.forEach((e) => e());
      p.bus.emit("conversation.reopened", { conversationId: id, by: who.actor?.label ?? "system" });
      return store.getConversation(db, id)!;
    },

    heldCount: () => store.countHeld(db),
    setAssignment: (id, a) => store.setAssignment(db, id, { assignee_id: a.assigneeId, team_id: a.teamId, at: p.clock.now() }),
    noteReply: (id, at) => store.noteReply(db, id, at),
    snooze(id, until, who) {
      const c = store.getConversation(db, id);
      if (!c) throw notFound("No such conversation.");
      if (c.status === "resolved") throw conflict("resolved", "A resolved conversation cannot be snoozed.");
      if (until !== null && until <= p.clock.now()) throw conflict("snooze_in_past", "Choose a time in the future.");
      db.tx(() => {
        store.setSnooze(db, id, until);
        svc.addEvent(id, until === null ? "woke" : "snoozed", who, until === null ? {} : { until });
      });
      p.bus.emit("conversation.snoozed", { conversationId: id, until });
      return store.getConversation(db, id)!;
    },
    wakeDue() {
      const ids = store.dueSnoozes(db, p.clock.now());
      for (const id of ids) {
        db.tx(() => {
          store.setSnooze(db, id, null);
          svc.addEvent(id, "woke", "system", { reason: "snooze_ended" });
        });
        p.bus.emit("conversation.snoozed", { conversationId: id, until: null });
      }
      return ids;
    },
    setUnread: (id, n) => store.setUnread(db, id, n),
    openCounts: () => new Map(store.openCountsByAssignee(db).map((r) => [r.assignee_id, r.n])),
    queue: (limit) => store.waitingQueue(db, limit),
    queuePosition: (id) => store.queuePosition(db, id),
    queuePositions: (ids) => store.queuePositions(db, ids),
    previousAssignee: (numberId, contactId, exceptId) => store.previousAssignee(db, numberId, contactId, exceptId),
    unansweredSince: (before) => store.unansweredSince(db, before),
    openOf: (userId) => store.openOfAssignee(db, userId),
    addEvent(id, kind, who, detail = {}, emits) {
      const actor = who === "system" ? null : who.actor;
      store.insertEvent(db, {
        conversation_id: id,
        at: p.clock.now(),
        kind,
        actor_kind: who === "system" || who.system || !actor ? "system" : actor.kind === "token" && actor.userId === null ? "token" : "user",
        actor_id: actor ? (actor.userId ?? actor.tokenId) : null,
        actor_label: actor?.label ?? "system",
        detail: Object.keys(detail).length ? JSON.stringify(detail) : null,
      });
      const emit = () => p.bus.emit("conversation.event", { conversationId: id, kind });
      if (emits) emits.push(emit);
      else emit();
    },
    events: (id) => store.listEvents(db, id),
    sentSince: (numberId, since) => store.sentSince(db, numberId, since),
    setOpaque: (id, opaque) => store.setOpaque(db, id, opaque),
    requeueForRetry: (id, opaque) => store.resetForRetry(db, id, opaque),

    markSending(id, emits) {
      const m = store.getMessage(db, id);
      if (store.markSending(db, id).changes) emits.push(() => p.bus.emit("message.status", { messageId: id, conversationId: m!.conversation_id, status: "sending" }));
    },

    markAccepted(id, wamid, emits) {
      const m = store.getMessage(db, id)!;
      if (!m.wamid) store.setWamid(db, id, wamid);
      releaseHeld(store.getMessage(db, id)!, emits);
      apply(store.getMessage(db, id)!, { wamid, opaque: null, status: "sent", at: p.clock.now(), error: null, pricing: null, raw: null }, emits);
    },

    markFailed(id, error, emits) {
      apply(store.getMessage(db, id)!, { wamid: null, opaque: null, status: "failed", at: p.clock.now(), error, pricing: null, raw: null }, emits);
    },

    cancel(id, code, reason, emits) {
      const m = store.getMessage(db, id)!;
      store.cancelMessage(db, id, code, reason, p.clock.now());
      emits.push(() => p.bus.emit("message.status", { messageId: id, conversationId: m.conversation_id, status: "cancelled" }));
    },
  };
  return svc;
}
