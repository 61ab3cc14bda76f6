// Users pages: list with live search, create, edit, and the admin actions (reset password, unlock,
// reset two-factor, end sessions). Forms re-render with field errors and a 422 (Miniflux saveCategory).
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError, forbidden, notFound } from "../platform/errors";
import { decodeCursor, encodeCursor } from "../platform/pagination";
import type { Form } from "../platform/form";
import type { UserView } from "./store";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const PAGE = 50;
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

export function usersPages(d: Deps) {
  const grantable = (c: Ctx) => d.roles.list().filter((r) => r.permissions.every((p) => c.actor!.perms.has(p)));

  function formData(c: Ctx, user: UserView | null, values: Record<string, unknown> = {}, errors: { field: string; message: string }[] = []) {
    return {
      user,
      values: user ? { name: user.name, email: user.email, role: user.role_key, capacity: user.capacity ?? "", language: user.language ?? "", status: user.status, ...values } : { role: "agent", must_change_password: "1", ...values },
      teamIds: (values.team_ids as number[] | undefined) ?? (user ? d.teams.teamIdsOf(user.id) : []),
      errors,
      roles: grantable(c),
      teams: d.teams.list(),
      lockedMinutes: user ? d.auth.lockedMinutes(user.email) : 0,
      sessions: user ? d.auth.sessions(user.id).length : 0,
      defaultCapacity: d.settings.get("default_capacity"),
    };
  }

  function readForm(f: Form) {
    const cap = f.get("capacity");
    return {
      name: f.get("name"),
      email: f.get("email"),
      role: f.get("role"),
      team_ids: f.all("team_ids").filter((x) => /^\d+$/.test(x)).map(Number),
      capacity: cap === "" ? null : /^\d+$/.test(cap) ? Number(cap) : -1,
      language: f.get("language") || null,
    };
  }

  /** Re-renders the form on a 422; other errors go to the shared error handler. */
  async function saveOr422(c: Ctx, user: UserView | null, save: () => Promise<unknown>, values: Record<string, unknown>) {
    try {
      await save();
      return null;
    } catch (e) {
      if (e instanceof AppError && (e.status === 422 || e.status === 409)) {
        const errors = e.fields.length ? e.fields : [{ field: e.code === "email_taken" ? "email" : "form", message: e.message }];
        return c.page("@users/form", formData(c, user, values, errors), { status: e.status, title: user ? user.name : c.t("users.new") });
      }
      throw e;
    }
  }

  const need = (id: number) => {
    const u = d.users.get(id);
    if (!u) throw notFound("No such user.");
    return u;
  };

  return [
    route({
      method: "GET",
      path: "/users",
      access: "users:read",
      handler: (c) => {
        const q = c.url.searchParams.get("q") ?? "";
        const after = decodeCursor(c.url.searchParams.get("cursor") ?? undefined);
        const rows = d.users.list({ afterId: after, limit: PAGE + 1, q });
        const more = rows.length > PAGE;
        const teamNames = new Map(d.teams.list().map((t) => [t.id, t.name]));
        const users = rows.slice(0, PAGE).map((u) => ({ ...u, teams: d.teams.teamIdsOf(u.id).map((id) => teamNames.get(id) ?? "?"), locked: d.auth.lockedMinutes(u.email) > 0 }));
        const data = { users, q, next: more ? `/users?${new URLSearchParams({ q, cursor: encodeCursor(users.at(-1)!.id) })}` : null };
        if (c.htmx && c.req.headers.get("hx-target")?.includes("users-rows")) return c.fragment("@users/_rows", data);
        return c.page("@users/index", data, { title: c.t("nav.users") });
      },
    }),
    route({
      method: "GET",
      path: "/users/new",
      access: "users:create",
      handler: (c) => c.page("@users/form", formData(c, null), { title: c.t("users.new") }),
    }),
    route({
      method: "POST",
      path: "/users",
      access: "users:create",
      form: true,
      handler: async (c) => {
        const v = readForm(c.form);
        const input = { ...v, password: c.form.raw("password"), must_change_password: c.form.get("must_change_password") === "1" };
        let id = 0;
        const failed = await saveOr422(c, null, async () => (id = (await d.users.create(input, who(c))).id), { ...c.form.values(), team_ids: v.team_ids });
        return failed ?? c.redirect(`/users/${id}`, { kind: "success", text: c.t("users.created", { email: v.email }) });
      },
    }),
    route({
      method: "GET",
      path: "/users/:id",
      access: "users:read",
      params: Id,
      handler: (c) => {
        const u = need(c.params.id);
        return c.page("@users/form", formData(c, u), { title: u.name });
      },
    }),
    route({
      method: "POST",
      path: "/users/:id",
      access: "users:update",
      params: Id,
      form: true,
      handler: async (c) => {
        const u = need(c.params.id);
        const v = readForm(c.form);
        const status = c.form.get("status") === "disabled" ? "disabled" : "active";
        if (status !== u.status && !c.can("users:disable")) throw forbidden(c.t("users.no_disable"));
        const failed = await saveOr422(c, u, () => d.users.update(u.id, { ...v, status }, who(c)), { ...c.form.values(), team_ids: v.team_ids });
        return failed ?? c.redirect(`/users/${u.id}`, { kind: "success", text: c.t("users.saved") });
      },
    }),
    route({
      method: "POST",
      path: "/users/:id/password",
      access: "users:reset_password",
      params: Id,
      form: true,
      handler: async (c) => {
        const u = need(c.params.id);
        const failed = await saveOr422(c, u, () => d.users.resetPassword(u.id, c.form.raw("new_password"), who(c)), {});
        return failed ?? c.redirect(`/users/${u.id}`, { kind: "success", text: c.t("users.password_reset", { email: u.email }) });
      },
    }),
    route({
      method: "POST",
      path: "/users/:id/unlock",
      access: "users:reset_password",
      params: Id,
      form: true,
      handler: (c) => {
        const u = need(c.params.id);
        d.auth.unlock(u.email, who(c));
        return c.redirect(`/users/${u.id}`, { kind: "success", text: c.t("users.unlocked") });
      },
    }),
    route({
      method: "POST",
      path: "/users/:id/totp/reset",
      access: "users:reset_password",
      params: Id,
      form: true,
      handler: (c) => {
        const u = need(c.params.id);
        if (u.role_key === "owner" && !c.can("workspace:own")) throw forbidden(c.t("users.owner_only"));
        d.auth.resetTotp(u.id, who(c));
        return c.redirect(`/users/${u.id}`, { kind: "success", text: c.t("users.totp_reset") });
      },
    }),
    route({
      method: "POST",
      path: "/users/:id/sessions/end",
      access: "users:disable",
      params: Id,
      form: true,
      handler: (c) => {
        const u = need(c.params.id);
        if (u.role_key === "owner" && !c.can("workspace:own")) throw forbidden(c.t("users.owner_only"));
        const n = d.auth.logoutEverywhere(u.id, who(c));
        return c.redirect(`/users/${u.id}`, { kind: "success", text: c.t("users.sessions_ended", { n }) });
      },
    }),
  ];
}
