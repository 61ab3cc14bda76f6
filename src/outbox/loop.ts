// One send loop per number (listmonk's worker/pipe, paced at the point of send): claim the next due row
// (replies before bulk), re-run the check, respect holds (Meta's per-user marketing cap, the portfolio's
// messaging limit), wait for the pacer's slot, send, and act on Meta's answer by error class.
import type { Deps } from "../deps";
import type { Emit, MessageRow } from "../conversations";
import type { NumberRow } from "../numbers";
import type { TimerHandle } from "../platform/clock";
import { GraphError } from "../whatsapp/graph";
import { classify } from "../whatsapp/errors";
import { Pacer } from "./pacer";
import { holdUntil, reachKey } from "./limits";
import * as store from "./store";

const MAX_RETRIES = 8;
const MAX_THROTTLED = 50;
const DAY = 86_400_000;

/** Exponential backoff for transient errors: 2 s, 4 s, ... capped at 5 minutes. */
export const backoff = (attempt: number) => Math.min(300_000, 1000 * 2 ** Math.max(1, attempt));

export class NumberLoop {
  readonly pacer: Pacer;
  private inFlight = 0;
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  private stopped = false;
  private idle: (() => void)[] = [];
  /** Recipients Meta asked us to leave alone for a while (131056 pair rate), including messages queued later. */
  private recipientHolds = new Map<number, number>();

  constructor(
    private d: Deps,
    private number: NumberRow,
  ) {
    this.pacer = new Pacer(d.clock, () => d.numbers.baseRate(this.number));
  }

  /** Picks up a changed number (rate, status, token). */
  refresh(n: NumberRow): void {
    this.number = n;
    this.wake();
  }

  get sending(): number {
    return this.inFlight;
  }

  /** Runs the loop now (it reschedules itself for the next slot or due row). */
  wake(): void {
    if (this.stopped || this.number.status !== "connected") return;
    this.tick();
  }

  /** Stops claiming and resolves once the sends in flight have finished. */
  stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    if (!this.inFlight) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private schedule(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.d.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.wake();
    }, Math.max(0, at - this.d.clock.now()));
  }

  /**
   * Half a second's worth in flight at most, and never fewer than 2. Graph calls take ~100 ms, so this still
   * leaves room at every rate; at 80/s on ten numbers a full second's worth (800 calls) made everything slower.
   */
  private maxInFlight(): number {
    return Math.max(2, Math.ceil(this.pacer.rate() / 120));
  }

  private tick(): void {
    while (!this.stopped && this.number.status === "connected" && this.inFlight < this.maxInFlight()) {
      const now = this.d.clock.now();
      const slot = this.pacer.nextSlot();
      if (slot > now) return this.schedule(Math.ceil(slot));
      // Claim, check, holds and "sending" in one transaction, committed without its own fsync (NORMAL). What
      // it records only matters once the send's outcome is committed, and that commit is FULL: the WAL is
      // append-only, so it makes this one durable too. If power is lost before it, the row comes back
      // 'queued' or 'sending' (requeued at start): either way the message is sent again, as after any crash
      // with a send in flight. A process crash loses nothing (the frames are in the OS).
      const emits: Emit[] = [];
      const claimed = this.d.db.txRelaxed(() => {
        const row = store.claimNext(this.d.db, this.number.id, now);
        if (!row) return null;
        const message = this.d.conversations.message(row.message_id);
        if (!message || !this.admit(row, message, now, emits)) return { row, message: null };
        this.d.conversations.markSending(message.id, emits);
        const reach = reachKey(this.d, this.number, message, now);
        if (reach) store.recordReach(this.d.db, reach.portfolio, message.contact_id, now);
        return { row, message };
      });
      emits.forEach((e) => e());
      if (!claimed) {
        const due = store.nextDue(this.d.db, this.number.id);
        if (due !== null) this.schedule(Math.max(due, now + 1));
        return;
      }
      if (!claimed.message) continue;
      this.pacer.take();
      this.inFlight++;
      void this.send(claimed.row, claimed.message).finally(() => {
        this.inFlight--;
        if (this.stopped && !this.inFlight) this.idle.splice(0).forEach((r) => r());
        this.wake();
      });
    }
  }

  /** The check again, then holds (inside the claim's transaction); false when the row was cancelled or put back. */
  private admit(row: store.OutboxRow, m: MessageRow, now: number, emits: Emit[]): boolean {
    const verdict = this.d.outbox.recheck(m);
    if (!verdict.ok) {
      store.deleteOutbox(this.d.db, row.id);
      this.d.conversations.cancel(m.id, verdict.code, verdict.message, emits);
      emits.push(() => this.d.outbox.removed(row.number_id, row.lane));
      this.d.metrics.inc("centralino_messages_cancelled_total", "Messages cancelled when they left the queue.", { reason: verdict.code });
      return false;
    }
    const pair = this.recipientHolds.get(m.contact_id);
    if (pair !== undefined && pair <= now) this.recipientHolds.delete(m.contact_id);
    const until = pair !== undefined && pair > now ? pair : holdUntil(this.d, this.number, m, now);
    if (until !== null) {
      store.requeue(this.d.db, row.id, until, "held");
      this.schedule(until);
      return false;
    }
    return true;
  }

  private body(m: MessageRow): Record<string, unknown> {
    const contact = this.d.contacts.get(m.contact_id)!;
    const payload = JSON.parse(m.payload) as Record<string, unknown>;
    const to = contact.wa_id ?? contact.phone?.replace(/^\+/, "") ?? contact.user_id;
    return { to, type: m.type, [m.type]: payload[m.type], ...(payload.context ? { context: payload.context } : {}), biz_opaque_callback_data: m.opaque };
  }

  private async send(row: store.OutboxRow, m: MessageRow): Promise<void> {
    const emits: Emit[] = [];
    const t0 = performance.now();
    const observe = () => this.d.metrics.observe("centralino_graph_send_seconds", "Graph API send latency.", (performance.now() - t0) / 1000);
    try {
      const r = await this.d.graph.send(this.d.numbers.target(this.number), this.number.phone_number_id, this.body(m)).finally(observe);
      // Group commit: sends that Meta accepted in the same turn (any number) share one transaction and fsync.
      // The send counts as done (and its slot in flight frees) only once that commit is on disk.
      await this.d.commits.run((after) => {
        store.deleteOutbox(this.d.db, row.id);
        this.d.conversations.markAccepted(m.id, r.wamid, after);
        const contact = this.d.contacts.get(m.contact_id);
        if (r.waId && contact && contact.wa_id !== r.waId) this.d.contacts.setWaId(contact.id, r.waId);
        after.push(() => this.d.outbox.removed(row.number_id, row.lane));
      });
      this.pacer.succeeded();
      this.d.metrics.inc("centralino_messages_sent_total", "Messages Meta accepted.", { number: String(this.number.id) });
    } catch (e) {
      this.failed(row, m, e, emits);
    } finally {
      emits.forEach((x) => x());
    }
  }

  private failed(row: store.OutboxRow, m: MessageRow, e: unknown, emits: Emit[]): void {
    const err = e instanceof GraphError ? e : new GraphError(-1, e instanceof Error ? e.message : String(e), 0);
    const now = this.d.clock.now();
    const cls = classify(err.code, err.httpStatus);
    const label = `${err.code}: ${err.message}`;
    this.d.metrics.inc("centralino_send_errors_total", "Graph send errors by class.", { class: cls });
    const requeue = (at: number) => {
      store.requeue(this.d.db, row.id, at, label);
      this.schedule(at);
    };
    const fail = () => {
      this.d.db.tx(() => {
        store.deleteOutbox(this.d.db, row.id);
        this.d.conversations.markFailed(m.id, { code: err.code, title: err.message, details: err.details }, emits);
      });
      emits.push(() => this.d.outbox.removed(row.number_id, row.lane));
    };
    switch (cls) {
      case "retry":
        return row.attempts >= MAX_RETRIES ? fail() : requeue(now + backoff(row.attempts));
      case "throttle":
        this.pacer.throttled();
        return row.attempts >= MAX_THROTTLED ? fail() : requeue(now + 1000);
      case "pair_rate": {
        // Only this recipient waits: 4^k seconds (1, 4, 16, 64, 256), the others go on.
        const at = now + 1000 * 4 ** Math.min(4, row.attempts - 1);
        this.recipientHolds.set(m.contact_id, at);
        store.delayRecipient(this.d.db, this.number.id, m.contact_id, at);
        return requeue(at);
      }
      case "marketing_cap":
        store.setMarketingHold(this.d.db, m.contact_id, now + DAY);
        return requeue(now + DAY);
      case "stop_number":
        requeue(now);
        this.number = this.d.numbers.pause(this.number.id, label);
        return;
      default:
        return fail();
    }
  }
}
