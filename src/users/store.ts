// SQL of the users table.
import type { Db } from "../platform/db";

export interface UserRow {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  role_id: number;
  status: "active" | "disabled";
  language: string | null;
  theme: "auto" | "light" | "dark";
  capacity: number | null;
  totp_secret: string | null;
  totp_pending: string | null;
  totp_last_step: number | null;
  must_change_password: number;
  password_changed_at: number;
  last_login_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A user with the role's key and name joined in (what lists and the API show). */
export interface UserView extends UserRow {
  role_key: string;
  role_name: string;
}

const SELECT_VIEW = "SELECT u.*, r.key AS role_key, r.name AS role_name FROM users u JOIN roles r ON r.id = u.role_id";

export const countUsers = (db: Db) => db.query<{ n: number }>("SELECT count(*) AS n FROM users").get()!.n;
export const getUser = (db: Db, id: number) => db.query<UserView>(`${SELECT_VIEW} WHERE u.id = ?`).get(id);
export const getUserByEmail = (db: Db, email: string) => db.query<UserView>(`${SELECT_VIEW} WHERE u.email = ?`).get(email);

/** A page of users ordered by id, after `afterId`, optionally filtered by a search text and a role. */
export function listUsers(db: Db, o: { afterId: number; limit: number; q?: string; roleId?: number; status?: string }): UserView[] {
  return db
    .query<UserView>(
      `${SELECT_VIEW} WHERE u.id > $after
         AND ($q IS NULL OR u.email LIKE '%' || $q || '%' OR u.name LIKE '%' || $q || '%')
         AND ($role IS NULL OR u.role_id = $role)
         AND ($status IS NULL OR u.status = $status)
       ORDER BY u.id LIMIT $limit`,
    )
    .all({ after: o.afterId, limit: o.limit, q: o.q || null, role: o.roleId ?? null, status: o.status ?? null });
}

export interface NewUser {
  email: string;
  name: string;
  password_hash: string;
  role_id: number;
  capacity: number | null;
  language: string | null;
  must_change_password: number;
}

export function insertUser(db: Db, u: NewUser, now: number): number {
  return Number(
    db
      .query(
        `INSERT INTO users (email, name, password_hash, role_id, capacity, language, must_change_password, password_changed_at, created_at, updated_at)
         VALUES ($email, $name, $password_hash, $role_id, $capacity, $language, $must_change_password, $now, $now, $now)`,
      )
      .run({ ...u, now }).lastInsertRowid,
  );
}

export interface UserPatch {
  name?: string;
  email?: string;
  role_id?: number;
  capacity?: number | null;
  status?: "active" | "disabled";
  language?: string | null;
  theme?: "auto" | "light" | "dark";
}

const PATCHABLE = ["name", "email", "role_id", "capacity", "status", "language", "theme"] as const satisfies readonly (keyof UserPatch)[];

export function updateUser(db: Db, id: number, p: UserPatch, now: number): void {
  const cols = PATCHABLE.filter((k) => p[k] !== undefined);
  if (!cols.length) return;
  const set = cols.map((k) => `${k} = $${k}`).join(", ");
  const params: Record<string, string | number | null> = { id, now };
  for (const k of cols) params[k] = (p as Record<string, string | number | null>)[k]!;
  db.query(`UPDATE users SET ${set}, updated_at = $now WHERE id = $id`).run(params);
}

export function setPassword(db: Db, id: number, hash: string, mustChange: boolean, now: number): void {
  db.query("UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, updated_at = ? WHERE id = ?").run(hash, mustChange ? 1 : 0, now, now, id);
}

export const setLastLogin = (db: Db, id: number, now: number) => db.query("UPDATE users SET last_login_at = ? WHERE id = ?").run(now, id);

export function setTotp(db: Db, id: number, f: { totp_secret?: string | null; totp_pending?: string | null; totp_last_step?: number | null }, now: number): void {
  db.query(
    `UPDATE users SET totp_secret = CASE WHEN $s_set THEN $s ELSE totp_secret END,
       totp_pending = CASE WHEN $p_set THEN $p ELSE totp_pending END,
       totp_last_step = CASE WHEN $l_set THEN $l ELSE totp_last_step END, updated_at = $now WHERE id = $id`,
  ).run({
    id,
    now,
    s_set: "totp_secret" in f ? 1 : 0,
    s: f.totp_secret ?? null,
    p_set: "totp_pending" in f ? 1 : 0,
    p: f.totp_pending ?? null,
    l_set: "totp_last_step" in f ? 1 : 0,
    l: f.totp_last_step ?? null,
  });
}

/** Active owners: the last one cannot be demoted or disabled. */
export const countActiveOwners = (db: Db) =>
  db.query<{ n: number }>("SELECT count(*) AS n FROM users u JOIN roles r ON r.id = u.role_id WHERE r.key = 'owner' AND u.status = 'active'").get()!.n;
