// All SQL of the simulator (migrations/0004_simulator.sql): Meta's side of the numbers, templates and media,
// the fake customers and what each fake phone shows. Nothing outside src/simulator reads these tables.
import type { Db } from "../platform/db";

export interface SimNumber {
  id: number;
  phone_number_id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string;
  token_sha256: string;
  quality_rating: string;
  messaging_limit_tier: string;
  throughput_level: string;
  portfolio: string;
  created_at: number;
}

export interface SimCustomer {
  id: number;
  phone: string;
  wa_id: string;
  name: string;
  user_id: string | null;
  kind: "person" | "load";
  created_at: number;
}

export type SimStatus = "accepted" | "sent" | "delivered" | "read" | "failed";

export interface SimMessage {
  id: number;
  number_id: number;
  customer_id: number;
  direction: "in" | "out";
  wamid: string;
  type: string;
  payload: string;
  status: SimStatus;
  error: string | null;
  opaque: string | null;
  category: string | null;
  created_at: number;
}

export interface SimTemplate {
  id: number;
  meta_id: string;
  waba_id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  parameter_format: string;
  components: string;
  reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface SimMedia {
  id: number;
  media_id: string;
  phone_number_id: string;
  mime_type: string;
  sha256: string;
  size: number;
  filename: string | null;
  path: string;
  created_at: number;
}

// Numbers

export const listNumbers = (db: Db) => db.query<SimNumber>("SELECT * FROM sim_numbers ORDER BY id").all();
export const getNumber = (db: Db, id: number) => db.query<SimNumber>("SELECT * FROM sim_numbers WHERE id = ?").get(id);
export const numberByPhoneId = (db: Db, pid: string) => db.query<SimNumber>("SELECT * FROM sim_numbers WHERE phone_number_id = ?").get(pid);
export const numbersInWaba = (db: Db, waba: string) => db.query<SimNumber>("SELECT * FROM sim_numbers WHERE waba_id = ? ORDER BY id").all(waba);
export const tokenKnown = (db: Db, hash: string) => !!db.query<{ x: number }>("SELECT 1 AS x FROM sim_numbers WHERE token_sha256 = ? LIMIT 1").get(hash);

export function insertNumber(db: Db, n: Omit<SimNumber, "id">): number {
  return Number(
    db
      .query(
        `INSERT INTO sim_numbers (phone_number_id, waba_id, display_phone_number, verified_name, token_sha256, quality_rating, messaging_limit_tier, throughput_level, portfolio, created_at)
         VALUES ($phone_number_id, $waba_id, $display_phone_number, $verified_name, $token_sha256, $quality_rating, $messaging_limit_tier, $throughput_level, $portfolio, $created_at)`,
      )
      .run(n).lastInsertRowid,
  );
}

export const setNumberToken = (db: Db, id: number, hash: string) => db.query("UPDATE sim_numbers SET token_sha256 = ? WHERE id = ?").run(hash, id);

// Customers

export const getCustomer = (db: Db, id: number) => db.query<SimCustomer>("SELECT * FROM sim_customers WHERE id = ?").get(id);
export const customerByPhone = (db: Db, phone: string) => db.query<SimCustomer>("SELECT * FROM sim_customers WHERE phone = ?1 OR wa_id = ?1 ORDER BY phone = ?1 DESC LIMIT 1").get(phone);
export const listCustomers = (db: Db) => db.query<SimCustomer>("SELECT * FROM sim_customers WHERE kind = 'person' ORDER BY name COLLATE NOCASE, id").all();

export function insertCustomer(db: Db, c: Omit<SimCustomer, "id">): number {
  return Number(
    db.query("INSERT INTO sim_customers (phone, wa_id, name, user_id, kind, created_at) VALUES ($phone, $wa_id, $name, $user_id, $kind, $created_at)").run(c).lastInsertRowid,
  );
}

// Messages

export function insertMessage(db: Db, m: Omit<SimMessage, "id">): number {
  return Number(
    db
      .query(
        `INSERT INTO sim_messages (number_id, customer_id, direction, wamid, type, payload, status, error, opaque, category, created_at)
         VALUES ($number_id, $customer_id, $direction, $wamid, $type, $payload, $status, $error, $opaque, $category, $created_at)`,
      )
      .run(m).lastInsertRowid,
  );
}

/** When the customer last wrote to this number (the 24-hour window), or null. */
export const lastInboundAt = (db: Db, numberId: number, customerId: number) =>
  db.query<{ t: number | null }>("SELECT max(created_at) AS t FROM sim_messages WHERE number_id = ? AND customer_id = ? AND direction = 'in'").get(numberId, customerId)?.t ?? null;

export const getMessage = (db: Db, id: number) => db.query<SimMessage>("SELECT * FROM sim_messages WHERE id = ?").get(id);
export const messageByWamid = (db: Db, wamid: string) => db.query<SimMessage>("SELECT * FROM sim_messages WHERE wamid = ?").get(wamid);
export const setMessageStatus = (db: Db, id: number, status: SimStatus, error: string | null = null) =>
  db.query("UPDATE sim_messages SET status = ?, error = coalesce(?, error) WHERE id = ?").run(status, error, id);

/** The last `limit` messages of a thread, oldest first. */
export function thread(db: Db, numberId: number, customerId: number, limit: number): SimMessage[] {
  return db
    .query<SimMessage>("SELECT * FROM (SELECT * FROM sim_messages WHERE number_id = ? AND customer_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id")
    .all(numberId, customerId, limit);
}

/** Inbound messages up to and including `id` that the business has not read yet (read marks earlier ones too). */
export const unreadInboundUpTo = (db: Db, numberId: number, customerId: number, id: number) =>
  db.query<SimMessage>("SELECT * FROM sim_messages WHERE number_id = ? AND customer_id = ? AND direction = 'in' AND status IN ('sent', 'delivered') AND id <= ?").all(numberId, customerId, id);

/** Outbound messages the customer's phone has received but not shown yet. */
export const unreadOutbound = (db: Db, numberId: number, customerId: number) =>
  db.query<SimMessage>("SELECT * FROM sim_messages WHERE number_id = ? AND customer_id = ? AND direction = 'out' AND status IN ('sent', 'delivered')").all(numberId, customerId);

// Templates

export interface TemplateFilter {
  afterId: number;
  limit: number;
  name?: string;
  status?: string;
}

export function listTemplates(db: Db, waba: string, f: TemplateFilter): SimTemplate[] {
  return db
    .query<SimTemplate>("SELECT * FROM sim_templates WHERE waba_id = $waba AND id > $after AND ($name IS NULL OR name = $name) AND ($status IS NULL OR status = $status) ORDER BY id LIMIT $limit")
    .all({ waba, after: f.afterId, name: f.name ?? null, status: f.status ?? null, limit: f.limit });
}

export const getTemplate = (db: Db, waba: string, name: string, language: string) =>
  db.query<SimTemplate>("SELECT * FROM sim_templates WHERE waba_id = ? AND name = ? AND language = ?").get(waba, name, language);
export const getTemplateById = (db: Db, id: number) => db.query<SimTemplate>("SELECT * FROM sim_templates WHERE id = ?").get(id);
export const templateByMetaId = (db: Db, metaId: string) => db.query<SimTemplate>("SELECT * FROM sim_templates WHERE meta_id = ?").get(metaId);
export const pendingTemplates = (db: Db) => db.query<SimTemplate>("SELECT * FROM sim_templates WHERE status = 'PENDING'").all();
export const setTemplateStatus = (db: Db, id: number, status: string, reason: string | null, now: number) =>
  db.query("UPDATE sim_templates SET status = ?, reason = ?, updated_at = ? WHERE id = ?").run(status, reason, now, id);

export function insertTemplate(db: Db, t: Omit<SimTemplate, "id">): number {
  return Number(
    db
      .query(
        `INSERT INTO sim_templates (meta_id, waba_id, name, language, category, status, parameter_format, components, reason, created_at, updated_at)
         VALUES ($meta_id, $waba_id, $name, $language, $category, $status, $parameter_format, $components, $reason, $created_at, $updated_at)`,
      )
      .run(t).lastInsertRowid,
  );
}

/** Deletes every language of a template name (or the one with `metaId`); returns how many went. */
export function deleteTemplates(db: Db, waba: string, name: string, metaId: string | null): number {
  return db.query("DELETE FROM sim_templates WHERE waba_id = ? AND name = ? AND (? IS NULL OR meta_id = ?)").run(waba, name, metaId, metaId).changes;
}

// Media

export function insertMedia(db: Db, m: Omit<SimMedia, "id">): number {
  return Number(
    db
      .query(
        `INSERT INTO sim_media (media_id, phone_number_id, mime_type, sha256, size, filename, path, created_at)
         VALUES ($media_id, $phone_number_id, $mime_type, $sha256, $size, $filename, $path, $created_at)`,
      )
      .run(m).lastInsertRowid,
  );
}

export const getMedia = (db: Db, mediaId: string) => db.query<SimMedia>("SELECT * FROM sim_media WHERE media_id = ?").get(mediaId);
