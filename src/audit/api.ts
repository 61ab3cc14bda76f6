// The audit log through the API (the search page and CSV export arrive with supervision).
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route } from "../platform/http";
import { PageQuery, decodeCursor, iso, page } from "../platform/pagination";
import { badRequest } from "../platform/errors";

const Entry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: "date-time" }),
  actor: Type.String({ description: "Email of the person, token:<name> for a role token, system or anonymous" }),
  actor_kind: Type.String(),
  action: Type.String({ description: "e.g. auth.login, auth.login_failed, users.create, settings.update" }),
  target: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

function time(v: string | undefined, name: string): number | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw badRequest("invalid_parameter", `${name}: must be an ISO 8601 time such as 2026-01-31T00:00:00Z`);
  return t;
}

export function auditRoutes(d: Deps) {
  return [
    route({
      method: "GET",
      path: "/api/v1/audit-log",
      access: "audit:read",
      tag: "Audit",
      summary: "Search the audit log (newest first)",
      query: Type.Object({
        actor: Type.Optional(Type.String({ description: "Exact actor label (email or token:<name>)" })),
        action: Type.Optional(Type.String({ description: "An action or a prefix such as auth" })),
        from: Type.Optional(Type.String({ description: "ISO 8601, inclusive" })),
        to: Type.Optional(Type.String({ description: "ISO 8601, exclusive" })),
        ...PageQuery,
      }),
      response: Type.Object({ data: Type.Array(Entry), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
      handler: (c) => {
        const q = c.query;
        const limit = q.limit ?? 50;
        const rows = d.audit.list({ actor: q.actor, action: q.action, from: time(q.from, "from"), to: time(q.to, "to"), beforeId: decodeCursor(q.cursor), limit: limit + 1 });
        return page(rows, limit, (r) => ({
          id: String(r.id),
          at: iso(r.at),
          actor: r.actor_label,
          actor_kind: r.actor_kind,
          action: r.action,
          target: r.target_kind ? `${r.target_kind}:${r.target_label ?? r.target_id}` : null,
          ip: r.ip,
          details: r.details ? JSON.parse(r.details) : null,
        }));
      },
    }),
  ];
}
