// SQL of the settings table (JSON values by key).
import type { Db } from "../platform/db";

export const allSettings = (db: Db) => db.query<{ key: string; value: string }>("SELECT key, value FROM settings").all();

export function putSetting(db: Db, key: string, value: unknown, by: number | null, now: number): void {
  db.query(
    `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  ).run(key, JSON.stringify(value), now, by);
}

export const deleteSetting = (db: Db, key: string) => db.query("DELETE FROM settings WHERE key = ?").run(key);
