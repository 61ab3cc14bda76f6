// Presence kept in memory and written through to agent_presence: decisions read it without a query, and a
// restart picks it up again. Heartbeats arrive every few seconds from every open inbox, so only a beat that
// moves the stored time by HEARTBEAT_WRITE_MS is written; the grace period is minutes, far above that.
import type { Db } from "../platform/db";
import { afterHeartbeat, effective, lapsed, EXPIRED, type Presence, type PresenceRow } from "./presence";
import { listPresence, upsertPresence, writeHeartbeat } from "./store";

export const HEARTBEAT_WRITE_MS = 20_000;

export interface Transition {
  userId: number;
  from: Presence;
  to: Presence;
  /** The stored status went to offline (the agent's conversations must be handed on). */
  wentOffline: boolean;
}

export class PresenceBook {
  private rows = new Map<number, PresenceRow>();
  private stored = new Map<number, number | null>();

  constructor(private db: Db, private graceMs: () => number) {
    for (const r of listPresence(db)) this.keep(r);
  }

  private keep(r: PresenceRow): void {
    this.rows.set(r.user_id, r);
    this.stored.set(r.user_id, r.heartbeat_at);
  }

  of(userId: number, now: number): Presence {
    return effective(this.rows.get(userId), now, this.graceMs());
  }

  /** An explicit choice: it holds until changed (a page that keeps beating makes it expire when the page goes). */
  set(userId: number, status: Presence, by: string, now: number): Transition {
    const before = this.rows.get(userId);
    const from = effective(before, now, this.graceMs());
    const row: PresenceRow = { user_id: userId, status, heartbeat_at: null, changed_at: now, changed_by: by };
    upsertPresence(this.db, row);
    this.keep(row);
    return { userId, from, to: status, wentOffline: status === "offline" && (before?.status ?? "offline") !== "offline" };
  }

  /** A page's heartbeat; returns the transition when it changed the status. */
  beat(userId: number, now: number): Transition | null {
    const before = this.rows.get(userId);
    const next = afterHeartbeat(before, now, this.graceMs());
    if (next) {
      const from = effective(before, now, this.graceMs());
      const row: PresenceRow = { user_id: userId, status: next, heartbeat_at: now, changed_at: now, changed_by: "heartbeat" };
      upsertPresence(this.db, row);
      this.keep(row);
      return { userId, from, to: next, wentOffline: false };
    }
    if (!before || before.status === "offline") return null;
    before.heartbeat_at = now;
    const last = this.stored.get(userId) ?? null;
    if (last === null || now - last >= HEARTBEAT_WRITE_MS) {
      writeHeartbeat(this.db, userId, now);
      this.stored.set(userId, now);
    }
    return null;
  }

  /** Marks offline every agent whose page stopped beating longer than the grace period ago. */
  sweep(now: number): Transition[] {
    const out: Transition[] = [];
    for (const r of [...this.rows.values()]) {
      if (!lapsed(r, now, this.graceMs())) continue;
      const row: PresenceRow = { user_id: r.user_id, status: "offline", heartbeat_at: r.heartbeat_at, changed_at: now, changed_by: EXPIRED };
      upsertPresence(this.db, row);
      this.keep(row);
      out.push({ userId: r.user_id, from: r.status, to: "offline", wentOffline: true });
    }
    return out;
  }

  /** Users whose stored status is not offline (a lapsed beat still counts until the sweep). */
  notOffline(): number[] {
    return [...this.rows.values()].filter((r) => r.status !== "offline").map((r) => r.user_id);
  }
}
