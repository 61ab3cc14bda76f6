// Composes the web application: every capability's route table mounted on one Elysia instance, the route
// layer's dependencies, static files and the not-found handler. Never calls listen() (server.ts does).
import { Elysia } from "elysia";
import type { Deps } from "./deps";
import { mountRoutes, notFoundResponse, isApiPath, type AnyRoute, type HttpDeps } from "./platform/http";
import { isHttps } from "./platform/config";
import { isLocale, negotiate, translator, type Locale } from "./platform/i18n";
import { randomToken } from "./platform/ids";
import { setCookie } from "./platform/cookies";
import { authenticate, authRoutes } from "./auth";
import { usersRoutes } from "./users";
import { rolesRoutes } from "./roles";
import { teamsRoutes } from "./teams";
import { tokensRoutes } from "./tokens";
import { settingsRoutes } from "./settings";
import { auditRoutes } from "./audit";
import { alertsRoutes } from "./alerts";
import { opsRoutes } from "./ops";
import { apidocsRoutes } from "./apidocs";
import { homeRoutes } from "./home";
import { profileRoutes } from "./profile";
import { shellRoutes } from "./shell";
import { numbersRoutes } from "./numbers";
import { conversationsRoutes } from "./conversations";
import { canSee } from "./conversations/routes";
import { mediaRoutes, whatsappRoutes } from "./whatsapp";
import { messagesApi } from "./outbox";
import { createRenderer } from "./shell/page";
import { simulatorRoutes } from "./simulator";
import { contactsRoutes } from "./contacts";
import { notesRoutes } from "./notes";
import { notificationsRoutes } from "./notifications";
import { quickRepliesRoutes } from "./quickreplies";
import { searchRoutes } from "./search";
import { routingRoutes } from "./routing";
import { inboxRoutes } from "./inbox";

export const LANG_COOKIE = "cs_lang";
export const CSRF_COOKIE = "cs_csrf";

/** Every route table of the product, in mount order. */
export function allRoutes(d: Deps): AnyRoute[] {
  const routes = [
    ...shellRoutes(d),
    ...opsRoutes(d),
    ...authRoutes(d),
    ...homeRoutes(d),
    ...profileRoutes(d),
    ...usersRoutes(d),
    ...teamsRoutes(d),
    ...rolesRoutes(d),
    ...tokensRoutes(d),
    ...settingsRoutes(d),
    ...auditRoutes(d),
    ...alertsRoutes(d),
    ...whatsappRoutes(d),
    ...numbersRoutes(d),
    ...inboxRoutes(d),
    ...conversationsRoutes(d),
    ...contactsRoutes(d),
    ...notesRoutes(d),
    ...notificationsRoutes(d),
    ...quickRepliesRoutes(d),
    ...searchRoutes(d),
    ...routingRoutes(d),
    ...messagesApi(d),
    ...mediaRoutes(d, (actor, id) => {
      const c = d.conversations.get(id);
      return !!c && canSee(d, actor, c);
    }),
    ...simulatorRoutes(d),
  ];
  return [...routes, ...apidocsRoutes(d, routes)];
}

/** The route layer's view of the app: authentication, language, rendering, CSRF cookie. */
export function httpDeps(d: Deps): HttpDeps {
  const secure = isHttps(d.cfg);
  const renderer = createRenderer(d);
  const passwordPages = ["/profile", "/logout", "/events", "/public/", "/lang/"];
  return {
    log: d.log,
    authenticate: authenticate(d.auth, secure),
    locale(req, cookies, actor): Locale {
      if (isLocale(actor?.language)) return actor.language;
      if (isLocale(cookies[LANG_COOKIE])) return cookies[LANG_COOKIE];
      return negotiate(req.headers.get("accept-language"), d.settings.get("default_language") as Locale);
    },
    translator,
    renderPage: renderer.renderPage,
    renderFragment: renderer.renderFragment,
    anonymousCsrf(cookies, headers) {
      const have = cookies[CSRF_COOKIE];
      if (have && /^[\w-]{20,64}$/.test(have)) return have;
      const token = randomToken(24);
      cookies[CSRF_COOKIE] = token;
      headers.append("set-cookie", setCookie(CSRF_COOKIE, token, { secure, maxAge: 86_400 }));
      return token;
    },
    secureCookies: secure,
    gate(c) {
      // An account whose password an admin set must choose its own before doing anything else.
      if (!c.actor?.mustChangePassword || c.actor.kind !== "user" || isApiPath(c.url.pathname)) return null;
      if (passwordPages.some((p) => c.url.pathname.startsWith(p))) return null;
      return c.redirect("/profile?must=1#password");
    },
  };
}

/** Builds the Elysia app and returns it with its route table (for the OpenAPI document and the R5 test). */
export function buildApp(d: Deps) {
  const routes = allRoutes(d);
  const http = httpDeps(d);
  const app = new Elysia({ normalize: false, aot: true }).onError(({ code, request, error }) => {
    if (code === "NOT_FOUND") return notFoundResponse(request, http);
    d.log.error("request failed outside a route", { err: error, path: new URL(request.url).pathname });
    return Response.json({ error: { code: "internal_error", message: "Something went wrong on the server." } }, { status: 500 });
  });
  mountRoutes(app, routes, http);
  return { app, routes, http };
}
