// API tokens: the settings page (create, shown once; revoke) and the API.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError, notFound } from "../platform/errors";
import { PageQuery, decodeCursor, iso, page } from "../platform/pagination";
import type { TokenView } from "./store";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

const TokenJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: "The first characters, to tell tokens apart" }),
  role: Type.Union([Type.String(), Type.Null()]),
  acts_as: Type.Union([Type.String(), Type.Null()], { description: "Email of the user the token acts as" }),
  created_at: Type.String({ format: "date-time" }),
  last_used_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  revoked_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
const json = (t: TokenView) => ({ id: String(t.id), name: t.name, prefix: t.prefix, role: t.role_key, acts_as: t.user_email, created_at: iso(t.created_at)!, last_used_at: iso(t.last_used_at), revoked_at: iso(t.revoked_at) });

export function tokensRoutes(d: Deps) {
  const show = (c: Ctx, extra: Record<string, unknown> = {}, status = 200) => {
    const grantable = d.roles.list().filter((r) => r.permissions.every((p) => c.actor!.perms.has(p)));
    const users = d.users.list({ afterId: 0, limit: 1000, status: "active" });
    return c.page("@tokens/index", { tokens: d.tokens.list(0, 500), roles: grantable, users, created: null, values: {}, errors: [], ...extra }, { status, title: c.t("nav.tokens") });
  };
  return [
    route({ method: "GET", path: "/settings/tokens", access: "tokens:read", handler: (c) => show(c) }),
    route({
      method: "POST",
      path: "/settings/tokens",
      access: "tokens:manage",
      form: true,
      handler: (c) => {
        const kind = c.form.get("kind");
        try {
          const { token, view } = d.tokens.create({ name: c.form.get("name"), role: kind === "role" ? c.form.get("role") : null, user: kind === "user" ? c.form.get("user") : null }, who(c));
          // Shown once, on this response only; the database keeps a hash.
          c.headers.set("cache-control", "no-store");
          return show(c, { created: { token, name: view.name } }, 201);
        } catch (e) {
          if (e instanceof AppError && (e.status === 422 || e.status === 403)) return show(c, { values: c.form.values(), errors: e.fields.length ? e.fields : [{ field: "role", message: e.message }] }, e.status);
          throw e;
        }
      },
    }),
    route({
      method: "POST",
      path: "/settings/tokens/:id/revoke",
      access: "tokens:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const t = d.tokens.get(c.params.id);
        if (!t) throw notFound("No such token.");
        d.tokens.revoke(t.id, who(c));
        return c.redirect("/settings/tokens", { kind: "success", text: c.t("tokens.revoked", { name: t.name }) });
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/tokens",
      access: "tokens:read",
      tag: "API tokens",
      summary: "List API tokens (never their secrets)",
      query: Type.Object({ ...PageQuery }),
      response: Type.Object({ data: Type.Array(TokenJson), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
      handler: (c) => {
        const limit = c.query.limit ?? 50;
        return page(d.tokens.list(decodeCursor(c.query.cursor), limit + 1), limit, json);
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/tokens",
      access: "tokens:manage",
      tag: "API tokens",
      summary: "Create an API token",
      description: "Give `role` (the token acts with that role) or `user` (email or id: the token acts as that person). The token is in the answer once and never again.",
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 80 }), role: Type.Optional(Type.String()), user: Type.Optional(Type.String()) }, { additionalProperties: false }),
      status: 201,
      response: Type.Object({ data: TokenJson, token: Type.String() }),
      handler: (c) => {
        const { token, view } = d.tokens.create(c.body, who(c));
        return { data: json(view), token };
      },
    }),
    route({
      method: "DELETE",
      path: "/api/v1/tokens/:id",
      access: "tokens:manage",
      tag: "API tokens",
      summary: "Revoke an API token",
      params: Id,
      handler: (c) => {
        d.tokens.revoke(c.params.id, who(c));
        return new Response(null, { status: 204 });
      },
    }),
  ];
}
