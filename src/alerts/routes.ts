// Alerts: dismiss from the header bell, and the same through the API.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route } from "../platform/http";
import { notFound } from "../platform/errors";
import { iso } from "../platform/pagination";
import type { AlertRow } from "./store";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const AlertJson = Type.Object({
  id: Type.String(),
  level: Type.Union([Type.Literal("info"), Type.Literal("warning"), Type.Literal("critical")]),
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  occurrences: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const toJson = (a: AlertRow) => ({ id: String(a.id), level: a.level, title: a.title, body: a.body, link: a.link, occurrences: a.occurrences, created_at: iso(a.at), updated_at: iso(a.updated_at) });

export function alertsRoutes(d: Deps) {
  const dismiss = (id: number, userId: number | null) => {
    if (!d.alerts.dismiss(id, userId)) throw notFound("No such open alert.");
  };
  return [
    route({
      method: "POST",
      path: "/alerts/:id/dismiss",
      access: "alerts:manage",
      params: Id,
      form: true,
      handler: (c) => {
        dismiss(c.params.id, c.actor!.userId);
        return c.htmx ? new Response(null, { status: 204 }) : c.redirect("/");
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/alerts",
      access: "alerts:read",
      tag: "Alerts",
      summary: "List open admin alerts",
      response: Type.Object({ data: Type.Array(AlertJson) }),
      handler: () => ({ data: d.alerts.listOpen().map(toJson) }),
    }),
    route({
      method: "POST",
      path: "/api/v1/alerts/:id/dismiss",
      access: "alerts:manage",
      tag: "Alerts",
      summary: "Dismiss an alert",
      params: Id,
      response: Type.Object({ data: AlertJson }),
      handler: (c) => {
        dismiss(c.params.id, c.actor!.userId);
        return { data: toJson(d.alerts.get(c.params.id)!) };
      },
    }),
  ];
}
