// Enqueueing: the one way any capability sends (agents, bots, API, campaigns). The check step runs, then the
// message and its outbox row are written in the caller's transaction; the number's send loop is woken after
// the commit. A failed message can be retried: it really goes back in the queue.
import type { Deps } from "../deps";
import type { ContactRow } from "../contacts";
import type { Emit, MessageRow } from "../conversations";
import { normalizePhone } from "../contacts/phone";
import { AppError, conflict, notFound } from "../platform/errors";
import { check, type CheckResult } from "../guardrails/check";
import * as store from "./store";
import { QueueDepth } from "./depth";

declare module "../platform/bus" {
  interface Events {
    "message.queued": { messageId: number; conversationId: number; numberId: number };
  }
}

export type SendType = "text" | "template" | "image" | "document" | "audio" | "video" | "sticker" | "interactive" | "reaction" | "location";

export interface SendRequest {
  numberId: number;
  /** E.164 recipient (API, campaigns); or `contactId` when the contact is known (inbox, bots). */
  to?: string;
  contactId?: number;
  type: SendType;
  /** The Graph API's own object for the type: text{body}, template{name, language{code}, components}, ... */
  content: Record<string, unknown>;
  authorKind: MessageRow["author_kind"];
  authorId: string | null;
  /** 0: conversational (default), 1: bulk. */
  lane?: 0 | 1;
  /** wamid this message replies to. */
  context?: string | null;
}

export interface Enqueued {
  message: MessageRow;
  warnings: string[];
}

/** A short text for previews and search. */
function summary(type: string, c: Record<string, any>): string {
  if (type === "text") return String(c.body ?? "");
  if (type === "template") return String(c.name ?? "");
  if (type === "interactive") return String(c.body?.text ?? "");
  if (type === "reaction") return String(c.emoji ?? "");
  if (type === "location") return [c.name, c.address].filter(Boolean).join(", ");
  return String(c.caption ?? c.filename ?? "");
}

export interface OutboxService {
  /** Checks and queues a message in one transaction (nested in the caller's, if any); throws 422 on a check failure. */
  enqueue(req: SendRequest, emits?: Emit[]): Enqueued;
  /** Re-runs the check for a queued message about to leave. */
  recheck(message: MessageRow): CheckResult;
  /** Puts a failed message back in the queue. */
  retry(messageId: number): MessageRow;
  /** Messages of a number waiting or being sent (in-memory, exact; see depth.ts). */
  depth(numberId: number): number;
  /** Every non-empty (number, lane) queue, for the gauge. */
  depths(): { number_id: number; lane: number; n: number }[];
  /** Re-reads the depths from the table (start, and a scheduled job against writes from other connections). */
  recount(): void;
  /** After the COMMIT that deleted an outbox row: the send loop's bookkeeping for the depth. */
  removed(numberId: number, lane: number): void;
}

export function createOutbox(d: Deps): OutboxService {
  const queue = new QueueDepth(d.db);
  const resolveContact = (req: SendRequest, defaultLanguage: string): { contact: ContactRow; created: boolean } => {
    if (req.contactId !== undefined) {
      const c = d.contacts.get(req.contactId);
      if (!c) throw new AppError(422, "invalid_recipient", "No such contact.");
      return { contact: c, created: false };
    }
    const e164 = normalizePhone(req.to ?? "");
    if (!e164) throw new AppError(422, "invalid_recipient", `"${String(req.to ?? "").slice(0, 40)}" is not a phone number in E.164 form, e.g. +393331234567.`);
    return d.contacts.resolveOutbound(e164, defaultLanguage);
  };

  const intentOf = (numberId: number, contact: ContactRow, type: string, content: Record<string, any>) => {
    const number = d.numbers.get(numberId);
    if (!number) throw new AppError(422, "unknown_number", `There is no number ${numberId}.`);
    const template = type === "template" ? (content as { name: string; language: { code: string }; components?: unknown[] }) : null;
    const known = template?.name && template.language?.code ? d.numbers.template(number.waba_id, template.name, template.language.code) : null;
    return { number, contact, type, template, known, windowExpiresAt: d.conversations.windowExpiresAt(number.id, contact.id), now: d.clock.now() };
  };

  const svc: OutboxService = {
    enqueue(req, outer) {
      const emits: Emit[] = outer ?? [];
      const result = d.db.tx(() => {
        const number = d.numbers.get(req.numberId);
        if (!number) throw new AppError(422, "unknown_number", `There is no number ${req.numberId}.`);
        const { contact, created } = resolveContact(req, number.default_language);
        const verdict = check(intentOf(number.id, contact, req.type, req.content));
        if (!verdict.ok) throw new AppError(422, verdict.code, verdict.message);
        const payload = { [req.type]: req.content, ...(req.context ? { context: { message_id: req.context } } : {}) };
        const message = d.conversations.recordOutbound({ numberId: number.id, contactId: contact.id, type: req.type, text: summary(req.type, req.content), payload, authorKind: req.authorKind, authorId: req.authorId });
        const now = d.clock.now();
        const lane = req.lane ?? 0;
        const outboxId = store.insertOutbox(d.db, { message_id: message.id, number_id: number.id, lane, not_before: now, created_at: now });
        d.conversations.setOpaque(message.id, `ob:${outboxId}`);
        // A message written by a person (not automation) counts as a reply: first response, unanswered timers.
        if (req.authorKind === "agent") d.conversations.noteReply(message.conversation_id, now);
        // Emits run only after the commit: a rolled-back enqueue never counts in the depth.
        emits.push(() => queue.add(number.id, lane, 1));
        if (created) emits.push(() => d.bus.emit("contact.created", { contactId: contact.id }));
        emits.push(() => d.bus.emit("message.queued", { messageId: message.id, conversationId: message.conversation_id, numberId: number.id }));
        emits.push(() => d.sendLoops.wake(number.id));
        return { message: d.conversations.message(message.id)!, warnings: verdict.warnings };
      });
      if (!outer) for (const e of emits) e();
      return result;
    },

    recheck(message) {
      const contact = d.contacts.get(message.contact_id);
      if (!contact) return { ok: false, code: "invalid_recipient", message: "The contact no longer exists." };
      const content = (JSON.parse(message.payload) as Record<string, Record<string, unknown>>)[message.type] ?? {};
      return check(intentOf(message.number_id, contact, message.type, content));
    },

    retry(messageId) {
      const m = d.conversations.message(messageId);
      if (!m || m.direction !== "out") throw notFound("No such outbound message.");
      if (m.status !== "failed" && m.status !== "cancelled") throw conflict("not_failed", `Only a failed or cancelled message can be retried; this one is ${m.status}.`);
      const now = d.clock.now();
      d.db.tx(() => {
        const outboxId = store.insertOutbox(d.db, { message_id: m.id, number_id: m.number_id, lane: 0, not_before: now, created_at: now });
        d.conversations.requeueForRetry(m.id, `ob:${outboxId}`);
      });
      queue.add(m.number_id, 0, 1);
      d.sendLoops.wake(m.number_id);
      return d.conversations.message(m.id)!;
    },

    depth: (numberId) => queue.of(numberId),
    depths: () => queue.all(),
    recount: () => queue.recount(),
    removed: (numberId, lane) => queue.add(numberId, lane, -1),
  };
  return svc;
}
