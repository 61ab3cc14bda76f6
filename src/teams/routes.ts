// Teams: pages (list, create, edit, members) and the API.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError, notFound } from "../platform/errors";
import { iso } from "../platform/pagination";
import type { TeamRow } from "./store";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const MemberPath = Type.Object({ id: Type.Integer({ minimum: 1 }), userId: Type.Integer({ minimum: 1 }) });
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

const TeamJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  member_ids: Type.Array(Type.String()),
  created_at: Type.String({ format: "date-time" }),
});
const TeamBody = Type.Object({ name: Type.String({ minLength: 2, maxLength: 60 }), description: Type.Optional(Type.String({ maxLength: 300 })) }, { additionalProperties: false });
const MemberBody = Type.Object({ user_id: Type.Union([Type.String({ pattern: "^\\d+$" }), Type.Integer({ minimum: 1 })]) }, { additionalProperties: false });

export function teamsRoutes(d: Deps) {
  const need = (id: number) => {
    const t = d.teams.get(id);
    if (!t) throw notFound("No such team.");
    return t;
  };
  const json = (t: TeamRow) => ({ id: String(t.id), name: t.name, description: t.description, member_ids: d.teams.members(t.id).map((m) => String(m.user_id)), created_at: iso(t.created_at)! });
  const show = (c: Ctx, t: TeamRow | null, extra: Record<string, unknown> = {}, status = 200) => {
    const members = t ? d.teams.members(t.id) : [];
    const memberIds = new Set(members.map((m) => m.user_id));
    const candidates = t ? d.users.list({ afterId: 0, limit: 1000, status: "active" }).filter((u) => !memberIds.has(u.id)) : [];
    return c.page("@teams/form", { team: t, members, candidates, numbers: t ? d.numbers.ofTeam(t.id) : [], values: t ? { name: t.name, description: t.description } : {}, errors: [], ...extra }, { status, title: t ? t.name : c.t("teams.new") });
  };
  const userExists = (id: number) => {
    if (!d.users.get(id)) throw new AppError(422, "validation_failed", "user_id: no such user", [{ field: "user_id", message: "no such user" }]);
  };

  return [
    route({ method: "GET", path: "/teams", access: "teams:read", handler: (c) => c.page("@teams/index", { teams: d.teams.list() }, { title: c.t("nav.teams") }) }),
    route({ method: "GET", path: "/teams/new", access: "teams:manage", handler: (c) => show(c, null) }),
    route({
      method: "POST",
      path: "/teams",
      access: "teams:manage",
      form: true,
      handler: (c) => {
        try {
          const t = d.teams.create({ name: c.form.get("name"), description: c.form.get("description") }, who(c));
          return c.redirect(`/teams/${t.id}`, { kind: "success", text: c.t("teams.created", { name: t.name }) });
        } catch (e) {
          if (e instanceof AppError && (e.status === 422 || e.status === 409)) return show(c, null, { values: c.form.values(), errors: e.fields.length ? e.fields : [{ field: "name", message: e.message }] }, e.status);
          throw e;
        }
      },
    }),
    route({ method: "GET", path: "/teams/:id", access: "teams:read", params: Id, handler: (c) => show(c, need(c.params.id)) }),
    route({
      method: "POST",
      path: "/teams/:id",
      access: "teams:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const t = need(c.params.id);
        try {
          d.teams.update(t.id, { name: c.form.get("name"), description: c.form.get("description") }, who(c));
          return c.redirect(`/teams/${t.id}`, { kind: "success", text: c.t("common.saved") });
        } catch (e) {
          if (e instanceof AppError && (e.status === 422 || e.status === 409)) return show(c, t, { values: c.form.values(), errors: e.fields.length ? e.fields : [{ field: "name", message: e.message }] }, e.status);
          throw e;
        }
      },
    }),
    route({
      method: "POST",
      path: "/teams/:id/delete",
      access: "teams:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const t = need(c.params.id);
        d.teams.remove(t.id, who(c));
        return c.redirect("/teams", { kind: "success", text: c.t("teams.deleted", { name: t.name }) });
      },
    }),
    route({
      method: "POST",
      path: "/teams/:id/members",
      access: "teams:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const t = need(c.params.id);
        const uid = Number(c.form.get("user_id"));
        userExists(uid);
        d.teams.addMember(t.id, uid, who(c));
        return c.redirect(`/teams/${t.id}`);
      },
    }),
    route({
      method: "POST",
      path: "/teams/:id/members/:userId/remove",
      access: "teams:manage",
      params: MemberPath,
      form: true,
      handler: (c) => {
        d.teams.removeMember(need(c.params.id).id, c.params.userId, who(c));
        return c.redirect(`/teams/${c.params.id}`);
      },
    }),
    // API
    route({ method: "GET", path: "/api/v1/teams", access: "teams:read", tag: "Teams", summary: "List teams", response: Type.Object({ data: Type.Array(TeamJson) }), handler: () => ({ data: d.teams.list().map(json) }) }),
    route({ method: "GET", path: "/api/v1/teams/:id", access: "teams:read", tag: "Teams", summary: "Get a team", params: Id, response: Type.Object({ data: TeamJson }), handler: (c) => ({ data: json(need(c.params.id)) }) }),
    route({ method: "POST", path: "/api/v1/teams", access: "teams:manage", tag: "Teams", summary: "Create a team", body: TeamBody, status: 201, response: Type.Object({ data: TeamJson }), handler: (c) => ({ data: json(d.teams.create(c.body, who(c))) }) }),
    route({ method: "PATCH", path: "/api/v1/teams/:id", access: "teams:manage", tag: "Teams", summary: "Rename or describe a team", params: Id, body: TeamBody, response: Type.Object({ data: TeamJson }), handler: (c) => ({ data: json(d.teams.update(c.params.id, c.body, who(c))) }) }),
    route({
      method: "DELETE",
      path: "/api/v1/teams/:id",
      access: "teams:manage",
      tag: "Teams",
      summary: "Delete a team (members stay as users)",
      params: Id,
      handler: (c) => {
        d.teams.remove(c.params.id, who(c));
        return new Response(null, { status: 204 });
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/teams/:id/members",
      access: "teams:manage",
      tag: "Teams",
      summary: "Add a member",
      params: Id,
      body: MemberBody,
      response: Type.Object({ data: TeamJson }),
      handler: (c) => {
        const t = need(c.params.id);
        userExists(Number(c.body.user_id));
        d.teams.addMember(t.id, Number(c.body.user_id), who(c));
        return { data: json(t) };
      },
    }),
    route({
      method: "DELETE",
      path: "/api/v1/teams/:id/members/:userId",
      access: "teams:manage",
      tag: "Teams",
      summary: "Remove a member",
      params: MemberPath,
      response: Type.Object({ data: TeamJson }),
      handler: (c) => {
        const t = need(c.params.id);
        d.teams.removeMember(t.id, c.params.userId, who(c));
        return { data: json(t) };
      },
    }),
  ];
}
