// Login throttling, per account (the typed email, known or not, so a lockout reveals nothing) and per IP.
// Counters live in SQLite so a restart does not reset an attack in progress.
import type { Db } from "../platform/db";
import { clearThrottle, getThrottle, saveThrottle } from "./store";

export interface ThrottlePolicy {
  /** Failures within the window that lock the key. */
  limit: number;
  windowMs: number;
  lockMs: number;
}

/** Milliseconds until `key` may try again, 0 when it is not locked. */
export function lockedFor(db: Db, key: string, now: number): number {
  const r = getThrottle(db, key);
  return r?.locked_until && r.locked_until > now ? r.locked_until - now : 0;
}

/** Counts one failure; returns true when this failure locked the key. */
export function recordFailure(db: Db, key: string, policy: ThrottlePolicy, now: number): boolean {
  const r = getThrottle(db, key);
  const fresh = !r || now - r.window_start > policy.windowMs;
  const failures = fresh ? 1 : r.failures + 1;
  const lock = failures >= policy.limit;
  saveThrottle(db, { key, failures: lock ? 0 : failures, window_start: fresh || lock ? now : r.window_start, locked_until: lock ? now + policy.lockMs : (r?.locked_until ?? null) });
  return lock;
}

export function clearFailures(db: Db, key: string): void {
  clearThrottle(db, key);
}

export const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;
