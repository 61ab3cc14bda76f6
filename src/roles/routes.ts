// Roles: the preset roles (read-only) and custom roles built from the permission catalogue; pages and API.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError, notFound } from "../platform/errors";
import { PERMISSION_GROUPS } from "../auth/permissions";
import type { Role } from "./service";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

const RoleJson = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  preset: Type.Boolean(),
  permissions: Type.Array(Type.String()),
});
const RoleBody = Type.Object(
  { name: Type.String({ minLength: 2, maxLength: 60 }), description: Type.Optional(Type.String({ maxLength: 300 })), permissions: Type.Array(Type.String(), { minItems: 1, maxItems: 200 }) },
  { additionalProperties: false },
);

const json = (r: Role) => ({ id: String(r.id), key: r.key, name: r.name, description: r.description, preset: r.preset, permissions: r.permissions });

export function rolesRoutes(d: Deps) {
  const need = (id: number) => {
    const r = d.roles.get(id);
    if (!r) throw notFound("No such role.");
    return r;
  };
  const show = (c: Ctx, role: Role | null, extra: Record<string, unknown> = {}, status = 200) => {
    const copyFrom = c.url.searchParams.get("from");
    const base = role ?? (copyFrom ? d.roles.byKey(copyFrom) : null);
    return c.page(
      "@roles/form",
      { role, groups: PERMISSION_GROUPS, values: { name: role?.name ?? "", description: role?.description ?? "", permissions: base?.permissions ?? [] }, errors: [], usage: role ? d.roles.usage().get(role.id) : null, ...extra },
      { status, title: role ? role.name : c.t("roles.new") },
    );
  };
  const fromForm = (c: Ctx) => ({ name: c.form.get("name"), description: c.form.get("description"), permissions: c.form.all("permissions") });
  const formError = (c: Ctx, role: Role | null, e: unknown) => {
    if (e instanceof AppError && (e.status === 422 || e.status === 409)) {
      const input = fromForm(c);
      return show(c, role, { values: input, errors: e.fields.length ? e.fields : [{ field: "name", message: e.message }] }, e.status);
    }
    throw e;
  };

  return [
    route({
      method: "GET",
      path: "/roles",
      access: "roles:read",
      handler: (c) => c.page("@roles/index", { roles: d.roles.list(), usage: d.roles.usage() }, { title: c.t("nav.roles") }),
    }),
    route({ method: "GET", path: "/roles/new", access: "roles:manage", handler: (c) => show(c, null) }),
    route({
      method: "POST",
      path: "/roles",
      access: "roles:manage",
      form: true,
      handler: (c) => {
        try {
          const r = d.roles.create(fromForm(c), who(c));
          return c.redirect(`/roles/${r.id}`, { kind: "success", text: c.t("roles.created", { name: r.name }) });
        } catch (e) {
          return formError(c, null, e);
        }
      },
    }),
    route({ method: "GET", path: "/roles/:id", access: "roles:read", params: Id, handler: (c) => show(c, need(c.params.id)) }),
    route({
      method: "POST",
      path: "/roles/:id",
      access: "roles:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const role = need(c.params.id);
        try {
          d.roles.update(role.id, fromForm(c), who(c));
          return c.redirect(`/roles/${role.id}`, { kind: "success", text: c.t("common.saved") });
        } catch (e) {
          return formError(c, role, e);
        }
      },
    }),
    route({
      method: "POST",
      path: "/roles/:id/delete",
      access: "roles:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const role = need(c.params.id);
        d.roles.remove(role.id, who(c));
        return c.redirect("/roles", { kind: "success", text: c.t("roles.deleted", { name: role.name }) });
      },
    }),
    // API
    route({
      method: "GET",
      path: "/api/v1/permissions",
      access: "roles:read",
      tag: "Roles",
      summary: "The permission catalogue, grouped",
      response: Type.Object({ data: Type.Array(Type.Object({ group: Type.String(), permissions: Type.Array(Type.String()) })) }),
      handler: () => ({ data: Object.entries(PERMISSION_GROUPS).map(([group, permissions]) => ({ group, permissions: [...permissions] })) }),
    }),
    route({ method: "GET", path: "/api/v1/roles", access: "roles:read", tag: "Roles", summary: "List roles", response: Type.Object({ data: Type.Array(RoleJson) }), handler: () => ({ data: d.roles.list().map(json) }) }),
    route({ method: "GET", path: "/api/v1/roles/:id", access: "roles:read", tag: "Roles", summary: "Get a role", params: Id, response: Type.Object({ data: RoleJson }), handler: (c) => ({ data: json(need(c.params.id)) }) }),
    route({ method: "POST", path: "/api/v1/roles", access: "roles:manage", tag: "Roles", summary: "Create a custom role", body: RoleBody, status: 201, response: Type.Object({ data: RoleJson }), handler: (c) => ({ data: json(d.roles.create(c.body, who(c))) }) }),
    route({ method: "PATCH", path: "/api/v1/roles/:id", access: "roles:manage", tag: "Roles", summary: "Change a custom role", params: Id, body: RoleBody, response: Type.Object({ data: RoleJson }), handler: (c) => ({ data: json(d.roles.update(c.params.id, c.body, who(c))) }) }),
    route({
      method: "DELETE",
      path: "/api/v1/roles/:id",
      access: "roles:manage",
      tag: "Roles",
      summary: "Delete a custom role nobody holds",
      params: Id,
      handler: (c) => {
        d.roles.remove(c.params.id, who(c));
        return new Response(null, { status: 204 });
      },
    }),
  ];
}
