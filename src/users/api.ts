// Users API (PRODUCT.md "API core"): list, read, create, update.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { PageQuery, decodeCursor, page } from "../platform/pagination";
import { notFound, forbidden } from "../platform/errors";
import { CreateUserBody, UpdateUserBody, UserJson, userJson } from "./model";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

export function usersApi(d: Deps) {
  const json = (id: number) => {
    const u = d.users.get(id);
    if (!u) throw notFound("No such user.");
    return userJson(u, d.teams.teamIdsOf(id));
  };
  return [
    route({
      method: "GET",
      path: "/api/v1/users",
      access: "users:read",
      tag: "Users",
      summary: "List users",
      query: Type.Object({ q: Type.Optional(Type.String({ description: "Search in name and email" })), role: Type.Optional(Type.String()), status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("disabled")])), ...PageQuery }),
      response: Type.Object({ data: Type.Array(UserJson), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
      handler: (c) => {
        const limit = c.query.limit ?? 50;
        const role = c.query.role ? d.roles.byKey(c.query.role) : null;
        if (c.query.role && !role) return { data: [], next_cursor: null };
        const rows = d.users.list({ afterId: decodeCursor(c.query.cursor), limit: limit + 1, q: c.query.q, roleId: role?.id, status: c.query.status });
        return page(rows, limit, (u) => userJson(u, d.teams.teamIdsOf(u.id)));
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/users/:id",
      access: "users:read",
      tag: "Users",
      summary: "Get a user",
      params: Id,
      response: Type.Object({ data: UserJson }),
      handler: (c) => ({ data: json(c.params.id) }),
    }),
    route({
      method: "POST",
      path: "/api/v1/users",
      access: "users:create",
      tag: "Users",
      summary: "Create a user",
      description: "The role must not hold permissions the caller lacks. Passwords need at least 10 characters.",
      body: CreateUserBody,
      status: 201,
      response: Type.Object({ data: UserJson }),
      handler: async (c) => {
        const u = await d.users.create({ ...c.body, team_ids: c.body.team_ids?.map(Number) }, who(c));
        return { data: json(u.id) };
      },
    }),
    route({
      method: "PATCH",
      path: "/api/v1/users/:id",
      access: "users:update",
      tag: "Users",
      summary: "Update a user",
      description: "Setting status to disabled needs users:disable and ends the user's sessions; setting a password ends them too.",
      params: Id,
      body: UpdateUserBody,
      response: Type.Object({ data: UserJson }),
      handler: async (c) => {
        if (c.body.status && !c.can("users:disable")) throw forbidden("Changing a user's status needs the permission users:disable.");
        if (c.body.password && !c.can("users:reset_password")) throw forbidden("Setting a user's password needs the permission users:reset_password.");
        await d.users.update(c.params.id, { ...c.body, team_ids: c.body.team_ids?.map(Number) }, who(c));
        return { data: json(c.params.id) };
      },
    }),
  ];
}
