// Pacing at the point of send, per number (listmonk limits at enqueue and overshoots; we don't). Sends are
// spaced evenly at the effective rate, so a backlog never leaves faster than one second's worth per second
// (at 120/min: one send every 0.5 s). After Meta says 130429 the rate halves, then recovers step by step.
import type { Clock } from "../platform/clock";

/** Lowest rate a throttled number slows to, per minute. */
const FLOOR_PER_MIN = 1;
/** A throttled number recovers by this factor per quiet minute. */
const RECOVERY_STEP = 1.25;
const RECOVERY_EVERY_MS = 60_000;

export class Pacer {
  private last: number | null = null;
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

  /** Milliseconds between two sends at the current rate. */
  interval(): number {
    return 60_000 / this.rate();
  }

  /** The earliest time the next send may leave. */
  nextSlot(): number {
    const now = this.clock.now();
    return this.last === null ? now : Math.max(now, this.last + this.interval());
  }

  /**
   * Books the slot for one send. A backlog keeps the exact spacing (slot after slot); after an idle gap the
   * schedule restarts from now, so idle time is never saved up into a burst.
   */
  take(): number {
    const slot = this.nextSlot();
    this.last = slot;
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
