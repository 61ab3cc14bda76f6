// Queue depth per number and lane, kept in memory so /healthz, GET /api/v1/numbers and the outbox gauge cost
// O(numbers) instead of a count(*) over the outbox per call (at 100k queued rows that count is milliseconds of
// the one JavaScript thread, every probe).
//
// Why counters rather than a cached count: a cache refreshed every N ms still pays the full count on the
// thread that serves enqueues, and is wrong for N ms after every change. The counters are exact instead:
// - they are loaded by one GROUP BY on first use;
// - they move only after the COMMIT that inserted or deleted an outbox row (callers pass the change as an emit,
//   so a rolled-back savepoint never counts);
// - rows are inserted only by the outbox service and deleted only by the send loops, all in this process.
// Only a write from another connection (the CLI, an operator's sqlite3) can make them drift; `recount()` (a
// scheduled job) folds such drift back in.
import type { Db } from "../platform/db";
import { queueDepth } from "./store";

export class QueueDepth {
  /** number id → [lane 0, lane 1]; null until first use. */
  private counts: Map<number, [number, number]> | null = null;

  constructor(private db: Db) {}

  private loaded(): Map<number, [number, number]> {
    if (!this.counts) this.recount();
    return this.counts!;
  }

  /** Re-reads the exact counts (one GROUP BY over the outbox). */
  recount(): void {
    const m = new Map<number, [number, number]>();
    for (const r of queueDepth(this.db)) {
      const c = m.get(r.number_id) ?? [0, 0];
      c[r.lane === 1 ? 1 : 0] += r.n;
      m.set(r.number_id, c);
    }
    this.counts = m;
  }

  /** A committed insert (+1) or delete (−1) of an outbox row. */
  add(numberId: number, lane: number, delta: number): void {
    // Not loaded yet: the first use counts committed rows, this change included.
    if (!this.counts) return;
    const c = this.counts.get(numberId) ?? [0, 0];
    const i = lane === 1 ? 1 : 0;
    c[i] = Math.max(0, c[i] + delta);
    this.counts.set(numberId, c);
  }

  /** Messages of a number waiting or being sent. */
  of(numberId: number): number {
    const c = this.loaded().get(numberId);
    return c ? c[0] + c[1] : 0;
  }

  /** Every non-empty (number, lane), for the gauge. */
  all(): { number_id: number; lane: number; n: number }[] {
    const out: { number_id: number; lane: number; n: number }[] = [];
    for (const [number_id, c] of this.loaded()) c.forEach((n, lane) => n && out.push({ number_id, lane, n }));
    return out;
  }
}
