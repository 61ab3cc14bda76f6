// SQL of the audit log.
import type { Db } from "../platform/db";

export interface AuditRow {
  id: number;
  at: number;
  actor_kind: "user" | "token" | "system" | "anonymous";
  actor_id: number | null;
  actor_label: string;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

export function insertAudit(db: Db, r: Omit<AuditRow, "id">): void {
  db.query(
    `INSERT INTO audit_log (at, actor_kind, actor_id, actor_label, action, target_kind, target_id, target_label, ip, user_agent, details)
     VALUES ($at, $actor_kind, $actor_id, $actor_label, $action, $target_kind, $target_id, $target_label, $ip, $user_agent, $details)`,
  ).run({ ...r });
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  from?: number;
  to?: number;
  beforeId: number;
  limit: number;
}

/** Newest first; `action` matches a prefix (`auth.` finds every sign-in event). */
export function listAudit(db: Db, f: AuditFilter): AuditRow[] {
  return db
    .query<AuditRow>(
      `SELECT * FROM audit_log WHERE id < $before
         AND ($actor IS NULL OR actor_label = $actor)
         AND ($action IS NULL OR action = $action OR action LIKE $action || '.%')
         AND ($from IS NULL OR at >= $from) AND ($to IS NULL OR at < $to)
       ORDER BY id DESC LIMIT $limit`,
    )
    .all({ before: f.beforeId || Number.MAX_SAFE_INTEGER, actor: f.actor ?? null, action: f.action ?? null, from: f.from ?? null, to: f.to ?? null, limit: f.limit });
}
