// Pacing at the point of send, per number (listmonk limits at enqueue and overshoots; we don't). Sends are
// spaced evenly at the effective rate, so a backlog never leaves faster than one second's worth per second
// (at 120/min: one send every 0.5 s). After Meta says 130429 the rate halves, then recovers step by step.
import type { Clock } from "../platform/clock";

/** Lowest rate a throttled number slows to, per minute. */
const FLOOR_PER_MIN = 1;
/** A throttled number recovers by this factor per quiet minute. */
const RECOVERY_STEP = 1.25;
const RECOVERY_EVERY_MS = 60_000;

/**
 * Pace this far under the rate: the receiver counts sends in its own sliding second, and a few ms of jitter
 * between our clock and its clock must not make rate + 1 there. 1% keeps every number well within ±2%.
 */
export const GUARD = 0.99;
/**
 * The last k sends (k = one second's worth) span at least k × the unguarded interval + this, in real send
 * times: the receiver's sliding second holds at most k even with this much jitter. The grid runs at k × the
 * guarded interval (about 1% longer), so lateness that varies by less than the difference costs no rate.
 */
export const BOUND_MS = 4;

export class Pacer {
  /** The last booked slot (on the grid, not when the send actually left). */
  private last: number | null = null;
  /** When the last `window()` sends actually left, by the loop's clock, oldest first. */
  private recent: number[] = [];
  private slow = 1;
  private slowedAt = 0;

  constructor(
    private clock: Clock,
    /** The number's base rate per minute (configured, or where the default ramp stands). */
    private base: () => number,
  ) {}

  /** Messages per minute right now. */
  rate(): number {
    return Math.max(FLOOR_PER_MIN, Math.min(4800, this.base() * this.slow));
  }

  /** Milliseconds between two sends at the current rate, with the guard. */
  interval(): number {
    return 60_000 / (this.rate() * GUARD);
  }

  /** k: how many sends make one second at the current rate (at least 1). */
  private window(): number {
    return Math.max(1, Math.floor(this.rate() / 60));
  }

  /**
   * The earliest time the next send may leave.
   * - Grid: a loop that wakes late by less than one interval books `last + interval`, so timer lateness and
   *   commit waits don't become lost rate. Later than that (idle, or a long stall) the grid restarts at now:
   *   idle time is never saved up into a burst.
   * - Bound: the grid may put two sends closer than one interval; the last k sends (k = one second's worth)
   *   must still span k intervals of real time, so no second ever carries more than the rate.
   */
  nextSlot(): number {
    const now = this.clock.now();
    if (this.last === null) return now;
    const iv = this.interval();
    const grid = this.last + iv;
    const slot = now - grid < iv ? grid : now;
    const k = this.window();
    const bound = this.recent.length >= k ? this.recent[this.recent.length - k]! + k * (60_000 / this.rate()) + BOUND_MS : -Infinity;
    return Math.max(slot, bound);
  }

  /** Books the slot for one send that leaves now (call when `nextSlot() <= now`). */
  take(): number {
    const slot = this.nextSlot();
    this.last = slot;
    this.recent.push(Math.max(slot, this.clock.now()));
    if (this.recent.length > this.window()) this.recent.splice(0, this.recent.length - this.window());
    return slot;
  }

  /** Meta answered 130429 (or a call limit): halve the rate and start the recovery clock. */
  throttled(): void {
    this.slow = Math.max(FLOOR_PER_MIN / Math.max(1, this.base()), this.slow / 2);
    this.slowedAt = this.clock.now();
  }

  /** A send went through: a throttled number climbs back one step per quiet minute. */
  succeeded(): void {
    if (this.slow >= 1) return;
    const now = this.clock.now();
    if (now - this.slowedAt < RECOVERY_EVERY_MS) return;
    this.slow = Math.min(1, this.slow * RECOVERY_STEP);
    this.slowedAt = now;
  }

  get throttledFactor(): number {
    return this.slow;
  }
}

/** The default ramp (PRODUCT.md C10: a number left at the default starts at 20/min and ramps toward 60/min). */
export const RAMP = { start: 20, step: 10, max: 60 } as const;

/**
 * The ramp's next value after one review period (30 minutes): up a step when the number sent and its quality is
 * good, held on medium quality or when it was throttled, back to the start on low quality.
 */
export function nextRamp(current: number, o: { sent: number; quality: string | null; throttled: boolean }): number {
  if (o.quality === "RED") return RAMP.start;
  if (o.quality === "YELLOW" || o.throttled || o.sent === 0) return current;
  return Math.min(RAMP.max, current + RAMP.step);
}
