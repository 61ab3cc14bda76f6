// Records who did what. Entries name the actor as they were at the time (email, token name) and never hold
// secrets. Capabilities call record(); the audit search UI and export are built on list().
import type { Actor } from "../auth/actor";
import type { Platform } from "../deps";
import { insertAudit, listAudit, type AuditFilter, type AuditRow } from "./store";

/** Who did it: an actor (or none for anonymous and system events) and where from. */
export interface AuditWho {
  actor: Actor | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Label for an anonymous actor, e.g. the email typed into a failed sign-in. */
  label?: string;
  system?: boolean;
}

export interface AuditEntry {
  action: string;
  target?: { kind: string; id: string | number; label?: string };
  details?: Record<string, unknown>;
}

export interface AuditService {
  record(who: AuditWho, entry: AuditEntry): void;
  list(f: AuditFilter): AuditRow[];
}

export function createAudit(p: Platform): AuditService {
  return {
    record(who, entry) {
      const a = who.actor;
      const viaToken = a?.kind === "token" && a.userId !== null;
      const details = { ...(entry.details ?? {}), ...(viaToken ? { via_token: a!.tokenId } : {}) };
      insertAudit(p.db, {
        at: p.clock.now(),
        actor_kind: who.system ? "system" : !a ? "anonymous" : a.kind === "token" && a.userId === null ? "token" : "user",
        actor_id: a ? (a.userId ?? a.tokenId) : null,
        actor_label: a ? a.label : who.system ? "system" : (who.label ?? "anonymous"),
        action: entry.action,
        target_kind: entry.target?.kind ?? null,
        target_id: entry.target ? String(entry.target.id) : null,
        target_label: entry.target?.label ?? null,
        ip: who.ip ?? null,
        user_agent: who.userAgent?.slice(0, 300) ?? null,
        details: Object.keys(details).length ? JSON.stringify(details) : null,
      });
    },
    list: (f) => listAudit(p.db, f),
  };
}
