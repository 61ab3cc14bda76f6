// The signed-in person's own page: name, language, theme, password, two-factor, sessions.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError } from "../platform/errors";
import { isLocale, translator } from "../platform/i18n";
import { qrSvg } from "../auth/qr";
import { SESSION_COOKIE } from "../auth";
import { describeUserAgent } from "../auth/user-agent";
import { UserJson, userJson } from "../users/model";

const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });
const THEMES = ["auto", "light", "dark"] as const;

export function profileRoutes(d: Deps) {
  function view(c: Ctx, extra: Record<string, unknown> = {}, status = 200) {
    const a = c.user();
    const user = d.users.get(a.userId ?? 0)!;
    const current = c.cookies[SESSION_COOKIE];
    return c.page(
      "@profile/index",
      {
        user,
        errors: [],
        must: c.url.searchParams.get("must") === "1" || a.mustChangePassword,
        sessions: d.auth.sessions(user.id).map((s) => ({ ...s, device: describeUserAgent(s.user_agent), current: !!a.session && s.id === a.session.id })),
        recoveryLeft: d.auth.recoveryCodesLeft(user.id),
        totpSetup: null,
        recoveryCodes: null,
        hasSessionCookie: !!current,
        ...extra,
      },
      { status, title: c.t("nav.profile") },
    );
  }

  /** Runs a profile change; a 422 re-renders the page with the field messages in place. */
  async function attempt(c: Ctx, fn: () => unknown, ok: string, extra: Record<string, unknown> = {}) {
    try {
      await fn();
    } catch (e) {
      if (e instanceof AppError && e.status === 422) return view(c, { errors: e.fields, ...extra }, 422);
      throw e;
    }
    return c.redirect("/profile", { kind: "success", text: ok });
  }

  const userOnly = (c: Ctx) => {
    const a = c.user();
    if (a.userId === null || a.kind !== "user") throw new AppError(403, "forbidden", "The profile belongs to people, not API tokens.");
    return a.userId;
  };

  return [
    route({ method: "GET", path: "/profile", access: "signed-in", handler: (c) => (userOnly(c), view(c)) }),
    route({
      method: "POST",
      path: "/profile",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const id = userOnly(c);
        const name = c.form.get("name");
        const language = c.form.get("language");
        const theme = c.form.get("theme");
        const errors = [];
        if (name.length < 1 || name.length > 80) errors.push({ field: "name", message: c.t("profile.name_invalid") });
        if (language && !isLocale(language)) errors.push({ field: "language", message: "en / it" });
        if (!THEMES.includes(theme as never)) errors.push({ field: "theme", message: "auto / light / dark" });
        if (errors.length) return view(c, { errors }, 422);
        d.users.setPreferences(id, { name, language: language || null, theme: theme as (typeof THEMES)[number] });
        // The new language applies from this redirect on, so the flash is written in it.
        const t = isLocale(language) ? translator(language) : c.t;
        return c.redirect("/profile", { kind: "success", text: t("profile.saved") });
      },
    }),
    route({
      method: "POST",
      path: "/profile/password",
      access: "signed-in",
      form: true,
      handler: (c) => {
        userOnly(c);
        return attempt(c, () => d.auth.changePassword(c.user(), c.form.raw("current_password"), c.form.raw("new_password"), who(c), c.cookies[SESSION_COOKIE] ?? null), c.t("profile.password_changed"));
      },
    }),
    route({
      method: "POST",
      path: "/profile/totp/start",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const id = userOnly(c);
        const { secret } = d.auth.beginTotp(id);
        return view(c, { totpSetup: { secret: secret.replace(/(.{4})/g, "$1 ").trim() } });
      },
    }),
    route({
      method: "GET",
      path: "/profile/totp/qr.svg",
      access: "signed-in",
      handler: (c) => {
        const uri = d.auth.pendingTotpUri(userOnly(c));
        if (!uri) throw new AppError(404, "not_found", "No two-factor setup is in progress.");
        return new Response(qrSvg(uri, { label: c.t("profile.totp_qr") }), { headers: { "content-type": "image/svg+xml", "cache-control": "no-store" } });
      },
    }),
    route({
      method: "POST",
      path: "/profile/totp/confirm",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const id = userOnly(c);
        try {
          const codes = d.auth.confirmTotp(id, c.form.get("code"), who(c));
          return view(c, { recoveryCodes: codes });
        } catch (e) {
          if (e instanceof AppError && (e.status === 422 || e.status === 409)) {
            return c.redirect("/profile#totp", { kind: "error", text: e.fields[0] ? `${c.t("profile.totp_code")}: ${e.fields[0].message}` : e.message });
          }
          throw e;
        }
      },
    }),
    route({
      method: "POST",
      path: "/profile/totp/disable",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const id = userOnly(c);
        return attempt(c, () => d.auth.disableTotp(id, c.form.raw("password"), who(c)), c.t("profile.totp_disabled"));
      },
    }),
    route({
      method: "POST",
      path: "/profile/sessions/end",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const id = userOnly(c);
        const n = d.auth.logoutEverywhere(id, who(c), c.cookies[SESSION_COOKIE] ?? null);
        return c.redirect("/profile", { kind: "success", text: c.t("profile.sessions_ended", { n }) });
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/me",
      access: "signed-in",
      tag: "Users",
      summary: "The caller: the user a token acts as, or the token itself",
      response: Type.Object({ data: Type.Object({ kind: Type.String(), role: Type.String(), permissions: Type.Array(Type.String()), user: Type.Union([UserJson, Type.Null()]) }) }),
      handler: (c) => {
        const a = c.user();
        const u = a.userId !== null ? d.users.get(a.userId) : null;
        return { data: { kind: a.userId !== null ? "user" : "token", role: a.roleKey, permissions: [...a.perms], user: u ? userJson(u, d.teams.teamIdsOf(u.id)) : null } };
      },
    }),
  ];
}
