// SQL of admin alerts.
import type { Db } from "../platform/db";

export interface AlertRow {
  id: number;
  at: number;
  updated_at: number;
  level: "info" | "warning" | "critical";
  dedupe_key: string | null;
  title: string;
  body: string;
  link: string | null;
  i18n: string | null;
  occurrences: number;
  dismissed_at: number | null;
  dismissed_by: number | null;
}

export interface NewAlert {
  level: AlertRow["level"];
  dedupe_key: string | null;
  title: string;
  body: string;
  link: string | null;
  i18n: string | null;
}

/** Inserts an alert, or bumps the open one with the same dedupe key; returns its id. */
export function upsertAlert(db: Db, a: NewAlert, now: number): number {
  if (a.dedupe_key) {
    const open = db.query<{ id: number }>("SELECT id FROM alerts WHERE dedupe_key = ? AND dismissed_at IS NULL").get(a.dedupe_key);
    if (open) {
      db.query("UPDATE alerts SET level = $level, title = $title, body = $body, link = $link, i18n = $i18n, updated_at = $now, occurrences = occurrences + 1 WHERE id = $id").run({
        level: a.level,
        title: a.title,
        body: a.body,
        link: a.link,
        i18n: a.i18n,
        now,
        id: open.id,
      });
      return open.id;
    }
  }
  return Number(
    db.query("INSERT INTO alerts (at, updated_at, level, dedupe_key, title, body, link, i18n) VALUES ($now, $now, $level, $dedupe_key, $title, $body, $link, $i18n)").run({ ...a, now }).lastInsertRowid,
  );
}

export const listOpenAlerts = (db: Db, limit = 50) =>
  db.query<AlertRow>("SELECT * FROM alerts WHERE dismissed_at IS NULL ORDER BY CASE level WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, updated_at DESC LIMIT ?").all(limit);
export const countOpenAlerts = (db: Db) => db.query<{ n: number }>("SELECT count(*) AS n FROM alerts WHERE dismissed_at IS NULL").get()!.n;
export const getAlert = (db: Db, id: number) => db.query<AlertRow>("SELECT * FROM alerts WHERE id = ?").get(id);
export const dismissAlert = (db: Db, id: number, by: number | null, now: number) =>
  db.query("UPDATE alerts SET dismissed_at = ?, dismissed_by = ? WHERE id = ? AND dismissed_at IS NULL").run(now, by, id).changes === 1;
/** Closes the open alert of a condition that went away (e.g. a setting fixed). */
export const resolveAlertKey = (db: Db, key: string, now: number) =>
  db.query("UPDATE alerts SET dismissed_at = ? WHERE dedupe_key = ? AND dismissed_at IS NULL").run(now, key).changes;
