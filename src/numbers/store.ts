// SQL of numbers, the teams serving them, their events (health history) and templates.
import type { Db } from "../platform/db";

export interface NumberRow {
  id: number;
  phone_number_id: string;
  waba_id: string;
  display_phone_number: string;
  name: string;
  portfolio: string;
  access_token: string;
  simulated: number;
  status: "connected" | "disabled" | "error";
  send_rate_per_min: number | null;
  default_language: string;
  verified_name: string | null;
  quality_rating: string | null;
  messaging_limit_tier: string | null;
  throughput_level: string | null;
  name_status: string | null;
  code_verification_status: string | null;
  account_status: string | null;
  last_error: string | null;
  last_error_at: number | null;
  health_checked_at: number | null;
  templates_synced_at: number | null;
  ramp_rate: number | null;
  ramp_reviewed_at: number | null;
  paused_reason: string | null;
  created_at: number;
  updated_at: number;
}

export const listNumbers = (db: Db) => db.query<NumberRow>("SELECT * FROM numbers ORDER BY status = 'disabled', name, id").all();
export const getNumber = (db: Db, id: number) => db.query<NumberRow>("SELECT * FROM numbers WHERE id = ?").get(id);
export const getNumberByPhoneId = (db: Db, phoneNumberId: string) => db.query<NumberRow>("SELECT * FROM numbers WHERE phone_number_id = ?").get(phoneNumberId);
export const countRealConnected = (db: Db) => db.query<{ n: number }>("SELECT count(*) AS n FROM numbers WHERE simulated = 0 AND status <> 'disabled'").get()!.n;

export interface NewNumber {
  phone_number_id: string;
  waba_id: string;
  display_phone_number: string;
  name: string;
  portfolio: string;
  access_token: string;
  simulated: number;
  send_rate_per_min: number | null;
  default_language: string;
}

export function insertNumber(db: Db, n: NewNumber, now: number): number {
  return Number(
    db
      .query(
        `INSERT INTO numbers (phone_number_id, waba_id, display_phone_number, name, portfolio, access_token, simulated, send_rate_per_min, default_language, created_at, updated_at)
         VALUES ($phone_number_id, $waba_id, $display_phone_number, $name, $portfolio, $access_token, $simulated, $send_rate_per_min, $default_language, $now, $now)`,
      )
      .run({ ...n, now }).lastInsertRowid,
  );
}

export interface NumberPatch {
  name?: string;
  portfolio?: string;
  access_token?: string;
  send_rate_per_min?: number | null;
  default_language?: string;
  status?: NumberRow["status"];
  verified_name?: string | null;
  quality_rating?: string | null;
  messaging_limit_tier?: string | null;
  throughput_level?: string | null;
  name_status?: string | null;
  code_verification_status?: string | null;
  account_status?: string | null;
  last_error?: string | null;
  last_error_at?: number | null;
  health_checked_at?: number;
  templates_synced_at?: number;
  display_phone_number?: string;
  ramp_rate?: number;
  ramp_reviewed_at?: number;
  paused_reason?: string | null;
}

const PATCHABLE = [
  "name", "portfolio", "access_token", "send_rate_per_min", "default_language", "status", "verified_name", "quality_rating", "messaging_limit_tier",
  "throughput_level", "name_status", "code_verification_status", "account_status", "last_error", "last_error_at", "health_checked_at", "templates_synced_at", "display_phone_number",
  "ramp_rate", "ramp_reviewed_at", "paused_reason",
] as const satisfies readonly (keyof NumberPatch)[];

export function updateNumber(db: Db, id: number, p: NumberPatch, now: number): void {
  const cols = PATCHABLE.filter((k) => p[k] !== undefined);
  if (!cols.length) return;
  const params: Record<string, string | number | null> = { id, now };
  for (const k of cols) params[k] = p[k] as string | number | null;
  db.query(`UPDATE numbers SET ${cols.map((k) => `${k} = $${k}`).join(", ")}, updated_at = $now WHERE id = $id`).run(params);
}

export const teamIdsOfNumber = (db: Db, numberId: number) => db.query<{ team_id: number }>("SELECT team_id FROM team_numbers WHERE number_id = ? ORDER BY team_id").all(numberId).map((r) => r.team_id);
export const numberIdsOfTeams = (db: Db, teamIds: number[]) =>
  db.query<{ number_id: number }>("SELECT DISTINCT number_id FROM team_numbers WHERE team_id IN (SELECT value FROM json_each(?))").all(JSON.stringify(teamIds)).map((r) => r.number_id);
export function setNumberTeams(db: Db, numberId: number, teamIds: number[]): void {
  db.query("DELETE FROM team_numbers WHERE number_id = ?").run(numberId);
  for (const t of teamIds) db.query("INSERT OR IGNORE INTO team_numbers (team_id, number_id) VALUES (?, ?)").run(t, numberId);
}
export const numbersOfTeam = (db: Db, teamId: number) =>
  db.query<{ id: number; name: string; display_phone_number: string }>("SELECT n.id, n.name, n.display_phone_number FROM team_numbers t JOIN numbers n ON n.id = t.number_id WHERE t.team_id = ? ORDER BY n.name").all(teamId);

export function insertNumberEvent(db: Db, e: { number_id: number; at: number; kind: string; summary: string; detail: string | null }): void {
  db.query("INSERT INTO number_events (number_id, at, kind, summary, detail) VALUES ($number_id, $at, $kind, $summary, $detail)").run({ ...e });
}
export const listNumberEvents = (db: Db, numberId: number, limit = 30) =>
  db.query<{ id: number; at: number; kind: string; summary: string; detail: string | null }>("SELECT id, at, kind, summary, detail FROM number_events WHERE number_id = ? ORDER BY at DESC, id DESC LIMIT ?").all(numberId, limit);

export interface TemplateRow {
  id: number;
  waba_id: string;
  meta_id: string | null;
  name: string;
  language: string;
  category: string;
  status: string;
  parameter_format: string;
  components: string;
  quality: string | null;
  reason: string | null;
  updated_at: number;
}

export function upsertTemplate(db: Db, t: Omit<TemplateRow, "id">): void {
  db.query(
    `INSERT INTO templates (waba_id, meta_id, name, language, category, status, parameter_format, components, quality, reason, updated_at)
     VALUES ($waba_id, $meta_id, $name, $language, $category, $status, $parameter_format, $components, $quality, $reason, $updated_at)
     ON CONFLICT (waba_id, name, language) DO UPDATE SET meta_id = excluded.meta_id, category = excluded.category, status = excluded.status,
       parameter_format = excluded.parameter_format, components = excluded.components, quality = excluded.quality, reason = excluded.reason,
       updated_at = excluded.updated_at`,
  ).run({ ...t });
}

/** Templates Meta no longer lists were deleted there. */
export function deleteTemplatesNotIn(db: Db, wabaId: string, keep: { name: string; language: string }[]): number {
  return db
    .query("DELETE FROM templates WHERE waba_id = ? AND (name || '|' || language) NOT IN (SELECT value FROM json_each(?))")
    .run(wabaId, JSON.stringify(keep.map((k) => `${k.name}|${k.language}`))).changes;
}

export const listTemplates = (db: Db, wabaId: string) => db.query<TemplateRow>("SELECT * FROM templates WHERE waba_id = ? ORDER BY name, language").all(wabaId);
export const getTemplate = (db: Db, wabaId: string, name: string, language: string) =>
  db.query<TemplateRow>("SELECT * FROM templates WHERE waba_id = ? AND name = ? AND language = ?").get(wabaId, name, language);

/** Applies a template webhook (status, category or quality) by Meta id, or by name and language. */
export function updateTemplateByMeta(db: Db, f: { waba_id: string; meta_id: string | null; name: string | null; language: string | null; status?: string; category?: string; quality?: string; reason?: string | null; at: number }): number {
  return db
    .query(
      `UPDATE templates SET status = coalesce($status, status), category = coalesce($category, category), quality = coalesce($quality, quality),
         reason = CASE WHEN $status IS NOT NULL THEN $reason ELSE reason END, updated_at = $at
       WHERE waba_id = $waba_id AND ((meta_id = $meta_id AND $meta_id IS NOT NULL) OR (name = $name AND ($language IS NULL OR language = $language)))`,
    )
    .run({ waba_id: f.waba_id, meta_id: f.meta_id, name: f.name, language: f.language, status: f.status ?? null, category: f.category ?? null, quality: f.quality ?? null, reason: f.reason ?? null, at: f.at }).changes;
}
