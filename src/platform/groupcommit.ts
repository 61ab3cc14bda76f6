// Group commit for writes that must be durable before their caller is answered (API enqueues, the send loop's
// "Meta accepted" bookkeeping). Every unit of work submitted in one event-loop turn runs in one
// BEGIN IMMEDIATE … COMMIT (synchronous=FULL, so one fsync for the whole turn instead of one per unit), each in
// its own savepoint: a unit that throws rolls back only its own writes and gets its own error. Emits (bus
// events, loop wake-ups) of a unit run only after the COMMIT that holds its writes, and its promise resolves
// only then: a resolved unit is on disk. If the COMMIT itself fails, the whole transaction is rolled back and
// every unit of the batch is rejected, so nothing is half-written and nobody is told "done".
import type { Db } from "./db";

/** Something to run after the commit (bus events, wake-ups). */
export type AfterCommit = () => void;

interface Unit {
  fn: (emits: AfterCommit[]) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private batch: Unit[] = [];
  private scheduled = false;
  /** Units committed and batches flushed since start (for tests and metrics). */
  readonly stats = { units: 0, batches: 0, largest: 0 };

  constructor(private db: Db) {}

  /** Runs `fn` in this turn's shared transaction; resolves with its result once that transaction is committed. */
  run<T>(fn: (emits: AfterCommit[]) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.batch.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate: after the I/O callbacks of this turn, so requests that arrived together commit together.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything submitted so far (normally called by the scheduled turn). */
  flush(): void {
    this.scheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (!batch.length) return;
    // Transactions in bun:sqlite are synchronous, so none is open when a scheduled turn runs this.
    const raw = this.db.raw;
    const outcomes: ({ ok: true; value: unknown; emits: AfterCommit[] } | { ok: false; error: unknown })[] = [];
    try {
      raw.run("BEGIN IMMEDIATE");
    } catch (e) {
      for (const u of batch) u.reject(e);
      return;
    }
    for (const u of batch) {
      const emits: AfterCommit[] = [];
      try {
        // Nested in the open transaction, db.tx is a savepoint: a throw rolls back this unit only.
        outcomes.push({ ok: true, value: this.db.tx(() => u.fn(emits)), emits });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    try {
      raw.run("COMMIT");
    } catch (e) {
      // A failed COMMIT (disk full, I/O error, a deferred constraint) can leave the transaction open.
      if (raw.inTransaction) {
        try {
          raw.run("ROLLBACK");
        } catch {
          // already rolled back by SQLite
        }
      }
      for (const u of batch) u.reject(e);
      return;
    }
    this.stats.batches++;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    batch.forEach((u, i) => {
      const o = outcomes[i]!;
      if (!o.ok) return u.reject(o.error);
      this.stats.units++;
      try {
        for (const e of o.emits) e();
      } catch (e) {
        // Committed, but a listener failed: this caller hears about it (as it did before group commit).
        return u.reject(e);
      }
      u.resolve(o.value);
    });
  }

  get waiting(): number {
    return this.batch.length;
  }
}
