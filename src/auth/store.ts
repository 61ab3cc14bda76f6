// SQL of browser sessions, login throttling, two-step login challenges and recovery codes.
import type { Db } from "../platform/db";

export interface SessionRow {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export function insertSession(db: Db, s: SessionRow): void {
  db.query(
    `INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES ($id, $user_id, $csrf_token, $created_at, $last_seen_at, $expires_at, $ip, $user_agent)`,
  ).run({ ...s });
}

export const getSession = (db: Db, id: string) => db.query<SessionRow>("SELECT * FROM sessions WHERE id = ?").get(id);
export const touchSession = (db: Db, id: string, now: number) => db.query("UPDATE sessions SET last_seen_at = ? WHERE id = ?").run(now, id);
export const deleteSession = (db: Db, id: string) => db.query("DELETE FROM sessions WHERE id = ?").run(id);
export const listUserSessions = (db: Db, userId: number) => db.query<SessionRow>("SELECT * FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC").all(userId);

/** Deletes a user's sessions, keeping `exceptId` (the current one) when given; returns how many. */
export function deleteUserSessions(db: Db, userId: number, exceptId: string | null = null): number {
  return db.query("DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?").run(userId, exceptId).changes;
}

export function deleteExpiredSessions(db: Db, now: number, idleMs: number): number {
  return db.query("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?").run(now, now - idleMs).changes;
}

export interface ThrottleRow {
  key: string;
  failures: number;
  window_start: number;
  locked_until: number | null;
}

export const getThrottle = (db: Db, key: string) => db.query<ThrottleRow>("SELECT * FROM login_throttle WHERE key = ?").get(key);
export function saveThrottle(db: Db, r: ThrottleRow): void {
  db.query(
    `INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($key, $failures, $window_start, $locked_until)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, locked_until = excluded.locked_until`,
  ).run({ ...r });
}
export const clearThrottle = (db: Db, key: string) => db.query("DELETE FROM login_throttle WHERE key = ?").run(key);
export const deleteStaleThrottles = (db: Db, before: number) =>
  db.query("DELETE FROM login_throttle WHERE window_start < ? AND (locked_until IS NULL OR locked_until < ?)").run(before, before);

export interface ChallengeRow {
  id: string;
  user_id: number;
  attempts: number;
  next_path: string | null;
  expires_at: number;
}

export const insertChallenge = (db: Db, c: ChallengeRow) =>
  db.query("INSERT INTO login_challenges (id, user_id, attempts, next_path, expires_at) VALUES ($id, $user_id, $attempts, $next_path, $expires_at)").run({ ...c });
export const getChallenge = (db: Db, id: string) => db.query<ChallengeRow>("SELECT * FROM login_challenges WHERE id = ?").get(id);
export const bumpChallenge = (db: Db, id: string) => db.query("UPDATE login_challenges SET attempts = attempts + 1 WHERE id = ?").run(id);
export const deleteChallenge = (db: Db, id: string) => db.query("DELETE FROM login_challenges WHERE id = ?").run(id);
export const deleteExpiredChallenges = (db: Db, now: number) => db.query("DELETE FROM login_challenges WHERE expires_at <= ?").run(now);

export function replaceRecoveryCodes(db: Db, userId: number, hashes: string[]): void {
  db.query("DELETE FROM recovery_codes WHERE user_id = ?").run(userId);
  for (const h of hashes) db.query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)").run(userId, h);
}

/** Marks an unused recovery code used; true when it existed. */
export const useRecoveryCode = (db: Db, userId: number, hash: string, now: number) =>
  db.query("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL").run(now, userId, hash).changes === 1;
export const countRecoveryCodes = (db: Db, userId: number) =>
  db.query<{ n: number }>("SELECT count(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL").get(userId)!.n;
export const deleteRecoveryCodes = (db: Db, userId: number) => db.query("DELETE FROM recovery_codes WHERE user_id = ?").run(userId);
