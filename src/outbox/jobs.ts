// Scheduled work of the send loop: the default ramp's review, and forgetting old limit and idempotency records.
import type { Deps } from "../deps";
import { nextRamp, RAMP } from "./pacer";
import { pruneIdempotency, pruneReach } from "./store";

/** Every 30 minutes: numbers left at the default rate climb 20 → 60/min while their quality stays good. */
export function reviewRamps(d: Deps): void {
  const now = d.clock.now();
  for (const n of d.numbers.list()) {
    if (n.send_rate_per_min !== null || n.status !== "connected") continue;
    const current = n.ramp_rate ?? RAMP.start;
    const since = n.ramp_reviewed_at ?? now - 30 * 60_000;
    const next = nextRamp(current, { sent: d.conversations.sentSince(n.id, since), quality: n.quality_rating, throttled: d.sendLoops.throttled(n.id) });
    if (next !== current || n.ramp_rate === null) d.numbers.setRamp(n.id, next);
  }
}

/** Nightly: the 24-hour limit window and day-old idempotency keys. */
export function pruneSendRecords(d: Deps): void {
  const dayAgo = d.clock.now() - 86_400_000;
  pruneReach(d.db, dayAgo);
  pruneIdempotency(d.db, dayAgo);
}

/** Every 5 minutes: re-read the queue depths, folding in rows another connection (the CLI) wrote or deleted. */
export function recountDepths(d: Deps): void {
  d.outbox.recount();
}
