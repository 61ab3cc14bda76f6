// Time is injected: the server takes a Clock so tests move virtual time instead of sleeping.

/** Handle of a timer created through a Clock. */
export interface TimerHandle {
  cancel(): void;
}

/** Source of time and timers. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when a test calls advance(); due timers fire in time order. */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers = new Set<Pending>();

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    // Whole milliseconds, like real timers: times stored from now() stay integers.
    const p: Pending = { at: this.t + Math.max(0, Math.ceil(ms)), seq: this.seq++, fn };
    this.timers.add(p);
    return { cancel: () => this.timers.delete(p) };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers].filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.delete(next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }

  /** Sets the absolute time (only forward). */
  set(ms: number): void {
    if (ms > this.t) this.advance(ms - this.t);
  }
}
