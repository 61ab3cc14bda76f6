// Routing's scheduled jobs (src/jobs.ts registers them): both run every minute, on the injected clock.
import type { Deps } from "../deps";

/** Agents whose page stopped beating past the grace period go offline; their conversations move on. */
export function sweepPresence(d: Deps): void {
  const n = d.routing.sweepPresence();
  if (n) d.log.info("agents went offline after their heartbeat lapsed", { agents: n });
}

/** Conversations their agent did not answer within reassign_after_minutes go to another agent. */
export function reassignUnanswered(d: Deps): void {
  const n = d.routing.reassignUnanswered();
  if (n) d.log.info("conversations reassigned after no answer", { conversations: n });
}

/** Catches up the queue in case an event was missed (a restart while agents were online). */
export function drainQueue(d: Deps): void {
  d.routing.drainQueue();
}
