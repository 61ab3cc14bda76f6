// SQL of API tokens (stored by SHA-256; the token itself is shown once).
import type { Db } from "../platform/db";

export interface TokenRow {
  id: number;
  name: string;
  token_hash: string;
  prefix: string;
  role_id: number | null;
  user_id: number | null;
  created_by: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface TokenView extends TokenRow {
  role_key: string | null;
  role_name: string | null;
  user_email: string | null;
  creator_email: string | null;
}

const SELECT_VIEW = `SELECT t.*, r.key AS role_key, r.name AS role_name, u.email AS user_email, c.email AS creator_email
  FROM api_tokens t LEFT JOIN roles r ON r.id = t.role_id LEFT JOIN users u ON u.id = t.user_id LEFT JOIN users c ON c.id = t.created_by`;

export const getTokenByHash = (db: Db, hash: string) => db.query<TokenRow>("SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL").get(hash);
export const getToken = (db: Db, id: number) => db.query<TokenView>(`${SELECT_VIEW} WHERE t.id = ?`).get(id);
export const listTokens = (db: Db, afterId: number, limit: number) =>
  db.query<TokenView>(`${SELECT_VIEW} WHERE t.id > ? ORDER BY t.revoked_at IS NOT NULL, t.id LIMIT ?`).all(afterId, limit);

export function insertToken(db: Db, t: { name: string; token_hash: string; prefix: string; role_id: number | null; user_id: number | null; created_by: number | null }, now: number): number {
  return Number(
    db
      .query(
        `INSERT INTO api_tokens (name, token_hash, prefix, role_id, user_id, created_by, created_at)
         VALUES ($name, $token_hash, $prefix, $role_id, $user_id, $created_by, $now)`,
      )
      .run({ ...t, now }).lastInsertRowid,
  );
}

export const revokeToken = (db: Db, id: number, now: number) => db.query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(now, id);
export const touchToken = (db: Db, id: number, now: number) => db.query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(now, id);
