// SQL of the roles table.
import type { Db } from "../platform/db";

export interface RoleRow {
  id: number;
  key: string;
  name: string;
  description: string;
  preset: number;
  permissions: string;
  created_at: number;
  updated_at: number;
}

export const listRoles = (db: Db) => db.query<RoleRow>("SELECT * FROM roles ORDER BY preset DESC, id").all();
export const getRole = (db: Db, id: number) => db.query<RoleRow>("SELECT * FROM roles WHERE id = ?").get(id);
export const getRoleByKey = (db: Db, key: string) => db.query<RoleRow>("SELECT * FROM roles WHERE key = ?").get(key);

export function upsertPresetRole(db: Db, r: { key: string; name: string; description: string; permissions: string }, now: number): void {
  db.query(
    `INSERT INTO roles (key, name, description, preset, permissions, created_at, updated_at)
     VALUES ($key, $name, $description, 1, $permissions, $now, $now)
     ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description, preset = 1,
       permissions = excluded.permissions, updated_at = excluded.updated_at
     WHERE roles.permissions <> excluded.permissions OR roles.name <> excluded.name OR roles.description <> excluded.description`,
  ).run({ ...r, now });
}

export function insertRole(db: Db, r: { key: string; name: string; description: string; permissions: string }, now: number): number {
  return Number(
    db.query("INSERT INTO roles (key, name, description, preset, permissions, created_at, updated_at) VALUES ($key, $name, $description, 0, $permissions, $now, $now)").run({ ...r, now }).lastInsertRowid,
  );
}

export function updateRole(db: Db, id: number, r: { name: string; description: string; permissions: string }, now: number): void {
  db.query("UPDATE roles SET name = $name, description = $description, permissions = $permissions, updated_at = $now WHERE id = $id AND preset = 0").run({ ...r, id, now });
}

export const deleteRole = (db: Db, id: number) => db.query("DELETE FROM roles WHERE id = ? AND preset = 0").run(id);

/** How many users and active tokens hold each role. */
export const roleUsage = (db: Db) =>
  db.query<{ role_id: number; users: number; tokens: number }>(
    `SELECT r.id AS role_id,
       (SELECT count(*) FROM users u WHERE u.role_id = r.id) AS users,
       (SELECT count(*) FROM api_tokens t WHERE t.role_id = r.id AND t.revoked_at IS NULL) AS tokens
     FROM roles r`,
  ).all();
