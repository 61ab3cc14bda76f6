// Presence rules (PRODUCT.md C6, STYLE.md "SSE"): an agent's status is what they chose, kept alive by the page's
// explicit heartbeat. A page that stops beating (tab closed, laptop asleep) turns the agent offline only after a
// grace period, so a background tab that htmx throttles stays online. Pure functions over an injected `now`.

export type Presence = "online" | "away" | "offline";

export interface PresenceRow {
  user_id: number;
  status: Presence;
  /** Last heartbeat from a page; null while the status was set explicitly and no page has beaten since. */
  heartbeat_at: number | null;
  changed_at: number;
  changed_by: string | null;
}

/** `changed_by` of a status the grace expiry set: the next heartbeat may bring the agent back. */
export const EXPIRED = "system:grace";

/** True when a page held this presence and stopped beating longer than the grace period ago. */
export function lapsed(row: PresenceRow, now: number, graceMs: number): boolean {
  return row.status !== "offline" && row.heartbeat_at !== null && row.heartbeat_at < now - graceMs;
}

/** The presence that counts at `now`: the chosen status, or offline once its heartbeat lapsed. */
export function effective(row: PresenceRow | undefined, now: number, graceMs: number): Presence {
  if (!row) return "offline";
  return lapsed(row, now, graceMs) ? "offline" : row.status;
}

/**
 * The status a heartbeat moves the agent to, or null when it only refreshes the beat. Opening the inbox for the
 * first time, or coming back after the grace expired, makes the agent available again; an agent who chose
 * offline stays offline until they choose otherwise.
 */
export function afterHeartbeat(row: PresenceRow | undefined, now: number, graceMs: number): Presence | null {
  if (!row) return "online";
  if (row.status === "offline") return row.changed_by === EXPIRED ? "online" : null;
  return lapsed(row, now, graceMs) ? row.status : null;
}
