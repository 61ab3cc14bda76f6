// Drains stored webhook events in order, idempotently: every entry, change, message and status. A batch of
// events shares one transaction. It is first tried without savepoints (SQLite's FTS5 flushes its index at every
// savepoint, which made a savepoint per event cost as much as the event); if any event throws, the batch is rolled
// back and redone carefully: each event in its own savepoint, each item of a multi-item event in its own, so a
// bad item is marked failed with its error, visible to admins for replay, while everything good lands.
import type { Deps } from "../deps";
import type { Emit, StatusUpdate } from "../conversations";
import { describeInbound, metaTime, type WaMessage } from "./inbound";
import { markEventDone, markEventFailed, pendingEvents, insertMedia, type WebhookEventRow } from "./store";
import { numberUpdate, templateUpdate, userPreferences } from "./updates";

type Obj = Record<string, any>;

const BATCH = 500;
/** Events read from the table at a time, so a batch cut short by its time budget read little it did not use. */
const CHUNK = 32;
const BATCH_DELAY_MS = 15;
/**
 * A batch stops after this much work even if events remain: the event loop is shared with webhook intake, and
 * a 500-event batch held it for ~50 ms, which is what a webhook's p99 latency then measured.
 */
const BATCH_BUDGET_MS = 8;
const TEMPLATE_FIELDS = new Set(["message_template_status_update", "template_category_update", "message_template_quality_update", "message_template_components_update"]);
const NUMBER_FIELDS = new Set(["phone_number_quality_update", "phone_number_name_update", "account_update", "account_alerts", "account_review_update", "business_capability_update"]);

/** Thrown in the optimistic pass to roll the whole batch back for a careful redo. */
class Redo extends Error {}

/** Something that reacts to each newly stored inbound message inside its transaction (opt-out, later rules). */
export type InboundHook = (m: { numberId: number; contactId: number; type: string; text: string; wamid: string }, emits: Emit[]) => void;

export class Processor {
  private scheduled = false;
  private hooks: InboundHook[] = [];
  private running = false;
  /** The last batch stopped with events still pending (full, or out of time). */
  private backlog = false;
  private stopped = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private d: Deps) {}

  /** Adds a reaction to new inbound messages. */
  onInbound(hook: InboundHook): void {
    this.hooks.push(hook);
  }

  /** Periodic safety net: a missed wake-up (or events left by a crash) is drained within a second. */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), 1000);
    this.timer.unref?.();
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Schedules a batch shortly (never after stop: the database may be closed). Waiting a few milliseconds lets
   * events pile up, so one transaction processes hundreds instead of a handful per event-loop turn.
   */
  wake(soon = false): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      if (this.stopped) return;
      this.batch();
      // A backlog continues right after the webhooks that arrived meanwhile have been taken in.
      if (this.backlog) this.wake(true);
    };
    if (soon) setImmediate(run);
    else setTimeout(run, BATCH_DELAY_MS);
  }

  /** Processes one batch; returns how many events it handled. Webhook requests get the event loop in between. */
  batch(): number {
    if (this.running) return 0;
    this.running = true;
    try {
      this.backlog = false;
      const first = pendingEvents(this.d.db, 0, CHUNK);
      if (!first.length) return 0;
      try {
        return this.pass(first, false);
      } catch (e) {
        if (!(e instanceof Redo)) throw e;
        return this.pass(first, true);
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * One transaction over pending events, chunk by chunk, until the budget or BATCH is spent. Careless passes
   * throw Redo on the first event that fails; careful ones mark it failed and go on.
   */
  private pass(first: WebhookEventRow[], careful: boolean): number {
    const deadline = performance.now() + BATCH_BUDGET_MS;
    const emits: Emit[] = [];
    const lags: number[] = [];
    let done = 0;
    let rows = first;
    // NORMAL, not FULL: the derived rows and the events' "done" marks commit together, so a power cut can
    // only lose a tail of processing, and those events are still pending and processed again (idempotent).
    this.d.db.txRelaxed(() => {
      while (rows.length) {
        for (const row of rows) {
          this.processOne(row, emits, careful);
          lags.push(row.received_at);
        }
        done += rows.length;
        if (rows.length < CHUNK || done >= BATCH || performance.now() > deadline) {
          this.backlog = rows.length === CHUNK;
          break;
        }
        rows = pendingEvents(this.d.db, rows[rows.length - 1]!.id, CHUNK);
      }
    });
    const now = this.d.clock.now();
    for (const at of lags) this.d.metrics.observe("centralino_webhook_processing_lag_seconds", "From a webhook's commit to its processing.", Math.max(0, now - at) / 1000);
    for (const e of emits) e();
    return done;
  }

  /** Processes every pending event now (tests, replay, shutdown); returns how many were handled. */
  drain(): number {
    let total = 0;
    for (let n = this.batch(); n > 0; n = this.batch()) total += n;
    return total;
  }

  private processOne(row: WebhookEventRow, emits: Emit[], careful: boolean): void {
    const now = this.d.clock.now();
    const mine: Emit[] = [];
    const problems: string[] = [];
    try {
      if (careful) this.d.db.tx(() => this.handle(JSON.parse(row.body) as Obj, row.received_at, mine, problems));
      else this.handle(JSON.parse(row.body) as Obj, row.received_at, mine, null);
    } catch (e) {
      if (!careful) throw new Redo();
      problems.unshift(e instanceof Error ? e.message : String(e));
      mine.length = 0;
    }
    emits.push(...mine);
    if (!problems.length) return void markEventDone(this.d.db, row.id, now);
    const message = problems.slice(0, 5).join("; ") + (problems.length > 5 ? `; and ${problems.length - 5} more` : "");
    markEventFailed(this.d.db, row.id, message, now);
    this.d.log.error("webhook event failed", { event: row.id, err: message });
    this.d.metrics.inc("centralino_webhook_events_failed_total", "Webhook events that could not be processed.");
  }

  /** `problems` collects the items that failed (careful pass); null means any failure throws. */
  private handle(body: Obj, receivedAt: number, emits: Emit[], problems: string[] | null): void {
    for (const entry of (body.entry ?? []) as Obj[]) {
      const wabaId = String(entry.id ?? "");
      for (const change of (entry.changes ?? []) as Obj[]) {
        const field = String(change.field ?? "");
        const value = (change.value ?? {}) as Obj;
        if (field === "messages") this.messages(value, receivedAt, emits, problems);
        else if (TEMPLATE_FIELDS.has(field)) templateUpdate(this.d, wabaId, field, value, receivedAt, emits);
        else if (NUMBER_FIELDS.has(field)) numberUpdate(this.d, wabaId, field, value);
        else if (field === "user_preferences") userPreferences(this.d, value, emits);
        else this.d.log.debug("webhook field ignored", { field });
      }
    }
  }

  private messages(v: Obj, receivedAt: number, emits: Emit[], problems: string[] | null): void {
    const phoneId = String(v.metadata?.phone_number_id ?? "");
    const number = this.d.numbers.byPhoneId(phoneId);
    if (!number) {
      this.d.log.warn("webhook for an unknown number", { phone_number_id: phoneId, messages: (v.messages ?? []).length, statuses: (v.statuses ?? []).length });
      this.d.metrics.inc("centralino_webhook_unknown_number_total", "Webhook changes for numbers not connected here.");
      return;
    }
    const profiles = new Map<string, Obj>();
    for (const c of asList<Obj>(v.contacts)) if (c && typeof c === "object") profiles.set(String(c.wa_id ?? c.user_id ?? ""), c);
    // One bad item must not lose the good ones Meta batched with it: in the careful pass each runs in its own
    // savepoint, and the event is marked failed with the items that did not land (replay skips the ones that did).
    const each = (what: string, fn: (mine: Emit[]) => void) => {
      if (!problems) return fn(emits);
      const mine: Emit[] = [];
      try {
        this.d.db.tx(() => fn(mine));
        emits.push(...mine);
      } catch (e) {
        problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    for (const m of asList<WaMessage>(v.messages)) each(`message ${String(m?.id ?? "?").slice(0, 80)}`, (mine) => this.inbound(number.id, number.default_language, m, profiles, receivedAt, mine));
    for (const s of asList<Obj>(v.statuses)) each(`status ${String(s?.id ?? "?").slice(0, 80)}`, (mine) => this.status(s, receivedAt, mine));
    for (const e of asList<Obj>(v.errors)) if (e && typeof e === "object") this.d.numbers.recordEvent(number.id, "webhook_error", `Meta error ${e.code}: ${e.title ?? e.message ?? ""}`, e, true);
  }

  private inbound(numberId: number, defaultLanguage: string, m: WaMessage, profiles: Map<string, Obj>, receivedAt: number, emits: Emit[]): void {
    if (!m || typeof m !== "object") throw new Error("not an object");
    if (m.group_id || !m.id) return;
    if (typeof m.id !== "string" || m.id.length > 400) throw new Error("the message id is not a string");
    const profile = profiles.get(String(m.from ?? "")) ?? profiles.get(String(m.from_user_id ?? "")) ?? (profiles.size === 1 ? [...profiles.values()][0] : undefined);
    const waId = m.from ? String(m.from) : profile?.wa_id ? String(profile.wa_id) : null;
    const userId = m.from_user_id ?? profile?.user_id ?? null;
    if (!waId && !userId) throw new Error(`message ${m.id} names no sender (no from, wa_id or user_id)`);
    const at = metaTime(m.timestamp, receivedAt);
    const name = profile?.profile?.name;
    const { contact, created } = this.d.contacts.resolveInbound({ waId, userId: userId === null ? null : String(userId), profileName: typeof name === "string" ? name.slice(0, 200) : null, at, defaultLanguage });
    if (created) emits.push(() => this.d.bus.emit("contact.created", { contactId: contact.id }));
    const desc = describeInbound(m);
    const stored = this.d.conversations.recordInbound({ numberId, contactId: contact.id, wamid: m.id, type: desc.type, text: desc.text, payload: desc.payload, contextWamid: desc.contextWamid, at }, emits);
    if (!stored) return;
    if (desc.type === "system" && (m.system as Obj | undefined)?.type === "user_changed_number" && (m.system as Obj).wa_id) {
      this.d.contacts.changeNumber(contact.id, String((m.system as Obj).wa_id));
    }
    for (const hook of this.hooks) hook({ numberId, contactId: contact.id, type: desc.type, text: desc.text, wamid: m.id }, emits);
    if (desc.media) {
      insertMedia(this.d.db, { message_id: stored.messageId, number_id: numberId, direction: "in", wa_media_id: desc.media.id, mime_type: desc.media.mime_type, sha256: desc.media.sha256, filename: desc.media.filename, at: receivedAt });
      emits.push(() => this.d.media.wake());
    }
  }

  private status(s: Obj, receivedAt: number, emits: Emit[]): void {
    if (!s || typeof s !== "object") throw new Error("not an object");
    if (s.recipient_type === "group") return;
    const e = (s.errors as Obj[] | undefined)?.[0];
    const update: StatusUpdate = {
      wamid: s.id ? String(s.id) : null,
      opaque: s.biz_opaque_callback_data ? String(s.biz_opaque_callback_data) : null,
      status: String(s.status ?? ""),
      at: metaTime(s.timestamp, receivedAt),
      error: e ? { code: Number(e.code ?? 0), title: String(e.title ?? e.message ?? ""), details: e.error_data?.details ?? e.message ?? null } : null,
      pricing: s.pricing ? { category: s.pricing.category ?? null, type: s.pricing.type ?? null, billable: typeof s.pricing.billable === "boolean" ? s.pricing.billable : null } : null,
      raw: s,
    };
    if (!["sent", "delivered", "read", "played", "failed"].includes(update.status)) throw new Error(`unknown status ${update.status} for ${update.wamid}`);
    this.d.conversations.applyStatus(update, emits);
  }
}

/** Meta sends arrays; anything else (a fuzzed or broken body) is treated as empty. */
function asList<T>(x: unknown): T[] {
  return Array.isArray(x) ? (x as T[]) : [];
}
