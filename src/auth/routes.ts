// Sign-in pages: login (with the second step for TOTP), logout, and the first-run setup of the owner.
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { isHttps } from "../platform/config";
import { clearCookie, setCookie } from "../platform/cookies";
import { AppError } from "../platform/errors";
import { safeNext } from "../shell";
import { SESSION_COOKIE } from "./authenticate";
import type { LoginResult } from "./service";

const MFA_COOKIE = "cs_mfa";

export function authRoutes(d: Deps) {
  const secure = isHttps(d.cfg);
  const sessionCookie = (token: string) => setCookie(SESSION_COOKIE, token, { secure, maxAge: d.settings.get("session_max_days") * 86_400 });

  /** Turns a sign-in outcome into the next page: home, the second step, or the form with its error. */
  function outcome(c: Ctx, r: LoginResult | { kind: "retry" }, view: "@auth/login" | "@auth/totp", email = "", next = "/"): Response {
    if (r.kind === "session") {
      c.headers.append("set-cookie", sessionCookie(r.token));
      c.headers.append("set-cookie", clearCookie(MFA_COOKIE, secure));
      return c.redirect(r.user.must_change_password ? "/profile?must=1#password" : safeNext(r.next));
    }
    if (r.kind === "totp") {
      c.headers.append("set-cookie", setCookie(MFA_COOKIE, r.challenge, { secure, maxAge: 300 }));
      return c.redirect("/login/totp");
    }
    if (r.kind === "retry") return c.page(view, { error: c.t("auth.totp_wrong") }, { status: 401, title: c.t("auth.totp_title"), layout: "bare" });
    const error = r.status === 429 ? c.t("auth.locked", { minutes: r.minutes ?? 1 }) : c.t("auth.invalid");
    if (view === "@auth/totp") c.headers.append("set-cookie", clearCookie(MFA_COOKIE, secure));
    return c.page("@auth/login", { error, email, next, setupPending: false }, { status: r.status, title: c.t("auth.sign_in_title"), layout: "bare" });
  }

  return [
    route({
      method: "GET",
      path: "/login",
      access: "public",
      handler: (c) => {
        const next = safeNext(c.url.searchParams.get("next"));
        if (c.actor) return c.redirect(next);
        const setupPending = !!d.auth.setupToken();
        return c.page("@auth/login", { error: null, email: "", next, setupPending }, { title: c.t("auth.sign_in_title"), layout: "bare" });
      },
    }),
    route({
      method: "POST",
      path: "/login",
      access: "public",
      form: true,
      handler: async (c) => {
        const email = c.form.get("email");
        const next = safeNext(c.form.get("next"));
        const r = await d.auth.login({ email, password: c.form.raw("password"), ip: c.ip, userAgent: c.userAgent, next, previous: c.cookies[SESSION_COOKIE] });
        return outcome(c, r, "@auth/login", email, next);
      },
    }),
    route({
      method: "GET",
      path: "/login/totp",
      access: "public",
      handler: (c) => (c.cookies[MFA_COOKIE] ? c.page("@auth/totp", { error: null }, { title: c.t("auth.totp_title"), layout: "bare" }) : c.redirect("/login")),
    }),
    route({
      method: "POST",
      path: "/login/totp",
      access: "public",
      form: true,
      handler: (c) => {
        const challenge = c.cookies[MFA_COOKIE];
        if (!challenge) return c.redirect("/login", { kind: "error", text: c.t("auth.totp_expired") });
        return outcome(c, d.auth.completeChallenge(challenge, c.form.get("code"), c.ip, c.userAgent, c.cookies[SESSION_COOKIE]), "@auth/totp");
      },
    }),
    route({
      method: "POST",
      path: "/logout",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const token = c.cookies[SESSION_COOKIE];
        if (token) d.auth.logout(token, { actor: c.actor, ip: c.ip, userAgent: c.userAgent });
        c.headers.append("set-cookie", clearCookie(SESSION_COOKIE, secure));
        return c.redirect("/login", { kind: "success", text: c.t("auth.logged_out") });
      },
    }),
    route({
      method: "GET",
      path: "/setup",
      access: "public",
      handler: (c) => {
        const token = c.url.searchParams.get("token") ?? "";
        if (!d.auth.checkSetupToken(token)) throw new AppError(403, "setup_closed", c.t("setup.invalid"));
        return c.page("@auth/setup", { token, values: {}, errors: [] }, { title: c.t("setup.title"), layout: "bare" });
      },
    }),
    route({
      method: "POST",
      path: "/setup",
      access: "public",
      form: true,
      handler: async (c) => {
        const token = c.form.get("token");
        if (!d.auth.checkSetupToken(token)) throw new AppError(403, "setup_closed", c.t("setup.invalid"));
        const input = { email: c.form.get("email"), name: c.form.get("name"), password: c.form.raw("password") };
        try {
          await d.auth.completeSetup(token, input, { actor: null, ip: c.ip, userAgent: c.userAgent });
        } catch (e) {
          if (e instanceof AppError && e.status === 422) return c.page("@auth/setup", { token, values: c.form.values(), errors: e.fields }, { status: 422, title: c.t("setup.title"), layout: "bare" });
          throw e;
        }
        const r = await d.auth.login({ email: input.email, password: input.password, ip: c.ip, userAgent: c.userAgent, next: "/" });
        return outcome(c, r, "@auth/login", input.email);
      },
    }),
  ];
}
