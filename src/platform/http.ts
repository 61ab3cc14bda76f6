// The route layer. Every capability declares its routes as a table of RouteSpec (method, path, permission,
// schemas, handler) like listmonk's handlers.go; this file mounts them on Elysia and does, in one place:
// authentication, the permission check, CSRF, body limits and parsing, validation, and error rendering.
// The same tables feed the OpenAPI document and the generated permission-matrix test (R5).
import type { Elysia } from "elysia";
import type { Static, TSchema } from "@sinclair/typebox";
import type { Actor } from "../auth/actor";
import type { Permission } from "../auth/permissions";
import { AppError, badRequest, forbidden, invalid, unauthorized } from "./errors";
import type { Locale, T } from "./i18n";
import type { Logger } from "./log";
import { validator, type Validator } from "./validate";
import { Form } from "./form";
import { clearCookie, parseCookies, setCookie } from "./cookies";
import { safeEqual } from "./ids";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
/** `public`: anyone; `signed-in`: any authenticated actor; otherwise the permission required. */
export type Access = Permission | "public" | "signed-in";

export const JSON_LIMIT = 1024 * 1024;

export interface Flash {
  kind: "success" | "error" | "info";
  text: string;
}

export interface PageOptions {
  status?: number;
  title?: string;
  layout?: "app" | "bare";
  /** The page's live tab id: its stream opens as /events?tab=… (what the page shows is registered by its owner). */
  live?: string | null;
}

/** What a handler gets: parsed input, the actor, and response helpers. */
/** Type parameters default to `any` so shared helpers accept every route's context. */
export interface Ctx<B = any, Q = any, P = any> {
  req: Request;
  url: URL;
  params: P;
  query: Q;
  body: B;
  /** Parsed form for UI routes declared with `form: true`. */
  form: Form;
  actor: Actor | null;
  ip: string;
  userAgent: string;
  rid: string;
  locale: Locale;
  t: T;
  htmx: boolean;
  /** The CSRF token to embed in forms rendered by this request. */
  csrf: string;
  cookies: Record<string, string>;
  /** Extra headers (Set-Cookie, HX-Trigger...) added to whatever the handler returns. */
  headers: Headers;
  log: Logger;
  /** The actor, or a 401 when none (for routes whose access already guarantees one). */
  user(): Actor;
  can(perm: Permission): boolean;
  page(view: string, data?: object, opts?: PageOptions): Response;
  fragment(view: string, data?: object, status?: number): Response;
  redirect(to: string, flash?: Flash): Response;
  json(data: unknown, status?: number): Response;
}

type In<S> = S extends TSchema ? Static<S> : undefined;

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  method: Method;
  path: string;
  access: Access;
  /** API documentation. */
  summary?: string;
  description?: string;
  tag?: string;
  body?: B;
  query?: Q;
  params?: P;
  response?: TSchema;
  /** Success status for plain-object results (API), default 200. */
  status?: number;
  /** UI form route: the body is urlencoded or multipart and lands in `c.form`. */
  form?: boolean;
  /** Largest accepted body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** The handler reads `c.req` body itself (webhooks over raw bytes). */
  rawBody?: boolean;
  /** Skip the CSRF check: only for routes authenticated some other way (signed webhooks). */
  noCsrf?: boolean;
  /**
   * Machine endpoints on the hot path (webhooks, health): no session lookup, no language, no CSRF. Only for
   * public routes; the handler gets the request, params and the response helpers.
   */
  bare?: boolean;
  handler: (c: Ctx<In<B>, In<Q>, P extends TSchema ? Static<P> : Record<string, string>>) => unknown;
}

/** A route with its schema types erased, as stored in route tables. */
export type AnyRoute = RouteSpec<TSchema | undefined, TSchema | undefined, TSchema | undefined> & { handler: (c: Ctx<any, any, any>) => unknown };

/** Declares a route with its handler typed from its schemas. */
export function route<B extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined, P extends TSchema | undefined = undefined>(
  spec: RouteSpec<B, Q, P>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

/** True for the JSON API surface (Bearer tokens, JSON errors, no cookies, no CSRF). */
export function isApiPath(path: string): boolean {
  return path === "/api/v1" || path.startsWith("/api/v1/");
}

/** Per-request facts set by the server before Elysia routes the request. */
export interface RequestInfo {
  rid: string;
  ip: string;
  start: number;
  route: string;
  actor: Actor | null;
  /** The Bun server that accepted the request (SSE streams lift its idle timeout). */
  server: import("bun").Server<unknown> | null;
}

const infos = new WeakMap<Request, RequestInfo>();

export function setRequestInfo(req: Request, info: RequestInfo): void {
  infos.set(req, info);
}

export function requestInfo(req: Request): RequestInfo {
  let info = infos.get(req);
  if (!info) infos.set(req, (info = { rid: crypto.randomUUID(), ip: "127.0.0.1", start: performance.now(), route: "", actor: null, server: null }));
  return info;
}

/** What the route layer needs from the rest of the app (built in app.ts). */
export interface HttpDeps {
  log: Logger;
  /** Resolves the actor from the session cookie (UI) or the Bearer token (API); may add Set-Cookie headers. */
  authenticate(req: Request, cookies: Record<string, string>, api: boolean, headers: Headers): Actor | null;
  /** Picks the UI language and its translator. */
  locale(req: Request, cookies: Record<string, string>, actor: Actor | null): Locale;
  translator(locale: Locale): T;
  /** Renders a full page (layout + view) or a fragment. */
  renderPage(c: Ctx, view: string, data: object, opts: PageOptions): string;
  renderFragment(c: Ctx, view: string, data: object): string;
  /** The anonymous CSRF cookie (double submit) for pages shown before sign-in. */
  anonymousCsrf(cookies: Record<string, string>, headers: Headers): string;
  secureCookies: boolean;
  /** Runs after the access check; a Response short-circuits the handler (e.g. a forced password change). */
  gate?(c: Ctx, spec: AnyRoute): Response | null;
}

const HTML = "text/html; charset=utf-8";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const merged = new WeakSet<Response>();

/** Adds the handler's extra headers to a response, once. */
function withHeaders(res: Response, extra: Headers): Response {
  if (merged.has(res)) return res;
  merged.add(res);
  extra.forEach((v, k) => {
    if (k === "set-cookie") res.headers.append(k, v);
    else res.headers.set(k, v);
  });
  return res;
}

/** Reads at most `limit` bytes of the body as text, or throws 413. */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const length = req.headers.get("content-length");
  const declared = Number(length);
  if (declared > limit) throw new AppError(413, "payload_too_large", `The request body is ${declared} bytes; the limit is ${limit} bytes.`);
  // With a Content-Length the server already holds the body to that size: one copy, no stream loop.
  if (length !== null && Number.isFinite(declared)) return new Uint8Array(await req.arrayBuffer());
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > limit) throw new AppError(413, "payload_too_large", `The request body is larger than the limit of ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function parseJsonBody(req: Request, limit: number): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new AppError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const text = new TextDecoder().decode(await readBody(req, limit));
  if (!text.trim()) throw badRequest("invalid_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest("invalid_json", `The request body is not valid JSON: ${(e as Error).message}`);
  }
}

async function parseFormBody(req: Request, limit: number): Promise<Form> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.includes("multipart/form-data")) {
    const declared = Number(req.headers.get("content-length"));
    if (!(declared <= limit)) throw new AppError(413, "payload_too_large", `The upload is larger than the limit of ${limit} bytes.`);
    try {
      return Form.from(await req.formData());
    } catch {
      throw badRequest("invalid_form", "The form data could not be read; reload the page and try again.");
    }
  }
  if (type.includes("application/x-www-form-urlencoded") || type === "") {
    return Form.from(new URLSearchParams(new TextDecoder().decode(await readBody(req, limit))));
  }
  throw new AppError(415, "unsupported_media_type", "Send this form as application/x-www-form-urlencoded or multipart/form-data.");
}

function queryObject(url: URL, schema: TSchema | undefined): Record<string, unknown> {
  const props = (schema as { properties?: Record<string, { type?: string }> } | undefined)?.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const key of new Set(url.searchParams.keys())) {
    out[key] = props[key]?.type === "array" ? url.searchParams.getAll(key) : url.searchParams.get(key);
  }
  return out;
}

function checkCsrf(c: Ctx): void {
  const site = c.req.headers.get("sec-fetch-site");
  if (site === "cross-site") throw forbidden("Cross-site form submissions are refused. Reload the page and try again.");
  const sent = c.req.headers.get("x-csrf-token") ?? c.form.get("_csrf");
  // The session's token, or the pre-sign-in double-submit cookie (a login form left open in another tab).
  const ok = !!sent && [c.actor?.session?.csrf, c.cookies["cs_csrf"]].some((expected) => !!expected && safeEqual(sent, expected));
  if (!ok) {
    throw new AppError(403, "csrf_failed", "This form has expired or did not come from this site. Reload the page and try again.");
  }
}

/** The actor lacks the route's permission (distinct from rule-based 403s, so tests and clients can tell). */
export class PermissionDenied extends AppError {
  constructor(readonly permission: string, message: string) {
    super(403, "permission_denied", message);
  }
}

function checkAccess(spec: AnyRoute, actor: Actor | null, api: boolean): void {
  if (spec.access === "public") return;
  if (!actor) throw unauthorized(api ? "Missing or invalid API token: send Authorization: Bearer <token>." : "Sign in to continue.");
  if (spec.access === "signed-in") return;
  if (!actor.perms.has(spec.access)) {
    const message = api ? `This token's role (${actor.roleKey}) lacks the permission ${spec.access}.` : `Your role (${actor.roleKey}) does not allow this (${spec.access}). Ask an admin.`;
    throw new PermissionDenied(spec.access, message);
  }
}

/** Renders an AppError (or an unexpected error as a generic 500) for the surface that asked. */
export function errorResponse(c: Ctx, err: unknown, deps: HttpDeps): Response {
  const api = isApiPath(c.url.pathname);
  let e: AppError;
  if (err instanceof PermissionDenied) c.headers.set("x-denied-permission", err.permission);
  if (err instanceof AppError) e = err;
  else {
    deps.log.error("unhandled error", { rid: c.rid, path: c.url.pathname, err });
    e = new AppError(500, "internal_error", `Something went wrong on the server (request ${c.rid}). It has been logged.`);
  }
  if (api) {
    const error: Record<string, unknown> = { code: e.code, message: e.message };
    if (e.fields.length) error.fields = e.fields;
    return withHeaders(Response.json({ error }, { status: e.status }), c.headers);
  }
  if (e.status === 401 && c.req.method === "GET") {
    const next = c.url.pathname + c.url.search;
    const to = `/login${next && next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`;
    if (c.htmx) c.headers.set("HX-Redirect", to);
    return withHeaders(new Response(null, { status: c.htmx ? 200 : 303, headers: c.htmx ? {} : { location: to } }), c.headers);
  }
  if (c.htmx) {
    c.headers.set("HX-Retarget", "#flash");
    c.headers.set("HX-Reswap", "innerHTML");
    return c.fragment("@partials/flash", { flash: { kind: "error", text: e.message } }, e.status);
  }
  return c.page("@errors/error", { status: e.status, message: e.message }, { status: e.status, title: String(e.status), layout: c.actor ? "app" : "bare" });
}

function buildCtx(req: Request, info: RequestInfo, deps: HttpDeps): Ctx {
  const url = new URL(req.url);
  const headers = new Headers();
  let cookies: Record<string, string> | null = null;
  let log: Logger | null = null;
  const c: Ctx = {
    req,
    url,
    params: {},
    query: undefined,
    body: undefined,
    form: Form.empty(),
    actor: null,
    ip: info.ip,
    userAgent: req.headers.get("user-agent") ?? "",
    rid: info.rid,
    locale: "en",
    t: deps.translator("en"),
    htmx: req.headers.get("hx-request") === "true",
    csrf: "",
    // Parsed on first use: machine endpoints never read them.
    get cookies() {
      return (cookies ??= parseCookies(req.headers.get("cookie")));
    },
    headers,
    get log() {
      return (log ??= deps.log.child({ rid: info.rid }));
    },
    user() {
      if (!c.actor) throw unauthorized();
      return c.actor;
    },
    can: (perm) => !!c.actor?.perms.has(perm),
    page(view, data = {}, opts = {}) {
      const body = c.htmx && req.headers.get("hx-request-type") === "partial" && !opts.layout
        ? deps.renderFragment(c, view, data)
        : deps.renderPage(c, view, data, opts);
      return withHeaders(new Response(body, { status: opts.status ?? 200, headers: { "content-type": HTML, vary: "HX-Request" } }), headers);
    },
    fragment(view, data = {}, status = 200) {
      return withHeaders(new Response(deps.renderFragment(c, view, data), { status, headers: { "content-type": HTML } }), headers);
    },
    redirect(to, flash) {
      if (flash) headers.append("set-cookie", flashCookie(flash, deps.secureCookies));
      if (c.htmx) return withHeaders(new Response(null, { status: 200, headers: { "HX-Location": to } }), headers);
      return withHeaders(new Response(null, { status: 303, headers: { location: to } }), headers);
    },
    json: (data, status = 200) => withHeaders(Response.json(data, { status }), headers),
  };
  return c;
}

/** Set-Cookie for a one-shot flash message shown on the next page. */
export function flashCookie(flash: Flash, secure: boolean): string {
  return setCookie("cs_flash", Buffer.from(JSON.stringify(flash)).toString("base64url"), { maxAge: 60, secure });
}

/** Reads and clears the flash cookie. */
export function takeFlash(c: Ctx, secure: boolean): Flash | null {
  const raw = c.cookies["cs_flash"];
  if (!raw) return null;
  c.headers.append("set-cookie", clearCookie("cs_flash", secure));
  try {
    const f = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Flash;
    return typeof f.text === "string" && ["success", "error", "info"].includes(f.kind) ? f : null;
  } catch {
    return null;
  }
}

interface Compiled {
  body?: Validator<TSchema>;
  query?: Validator<TSchema>;
  params?: Validator<TSchema>;
}

/** Runs one request through a route: auth, access, CSRF, parsing, validation, handler, errors. */
async function run(spec: AnyRoute, v: Compiled, req: Request, params: Record<string, string>, routePath: string, deps: HttpDeps): Promise<Response> {
  const info = requestInfo(req);
  info.route = routePath;
  const c = buildCtx(req, info, deps);
  const api = isApiPath(c.url.pathname);
  try {
    if (!spec.bare) {
      c.actor = deps.authenticate(req, c.cookies, api, c.headers);
      info.actor = c.actor;
      c.locale = deps.locale(req, c.cookies, c.actor);
      c.t = deps.translator(c.locale);
      if (!api && !spec.noCsrf) c.csrf = c.actor?.session?.csrf ?? deps.anonymousCsrf(c.cookies, c.headers);
    }
    const gated = deps.gate?.(c, spec);
    if (gated) return gated;
    checkAccess(spec, c.actor, api);
    if (v.params) {
      const r = v.params.check(params);
      if (!r.ok) throw new AppError(404, "not_found", `Not found: ${r.fields.map((f) => `${f.field} ${f.message}`).join("; ")}.`);
      c.params = r.value as Record<string, string>;
    } else c.params = params;
    if (v.query) {
      const r = v.query.check(queryObject(c.url, v.query.schema));
      if (!r.ok) throw new AppError(400, "invalid_parameter", r.fields.map((f) => `${f.field}: ${f.message}`).join("; "), r.fields);
      c.query = r.value;
    }
    const limit = spec.bodyLimit ?? JSON_LIMIT;
    if (spec.form && UNSAFE.has(req.method)) c.form = await parseFormBody(req, limit);
    if (!api && UNSAFE.has(req.method) && !spec.noCsrf) checkCsrf(c);
    if (v.body && !spec.rawBody) {
      const r = v.body.check(await parseJsonBody(req, limit));
      if (!r.ok) throw invalid(r.fields);
      c.body = r.value;
    }
    const out = await spec.handler(c);
    if (out instanceof Response) return withHeaders(out, c.headers);
    if (typeof out === "string") return withHeaders(new Response(out, { headers: { "content-type": HTML } }), c.headers);
    if (out === undefined || out === null) return withHeaders(new Response(null, { status: 204 }), c.headers);
    return c.json(out, spec.status ?? 200);
  } catch (err) {
    return errorResponse(c, err, deps);
  }
}

/** Mounts a route table on an Elysia app. Elysia only routes; it never parses bodies here. */
export function mountRoutes(app: Elysia<any, any, any, any, any, any, any>, routes: readonly AnyRoute[], deps: HttpDeps): void {
  for (const spec of routes) {
    const v: Compiled = {
      body: spec.body ? validator(spec.body, { root: "body" }) : undefined,
      query: spec.query ? validator(spec.query, { convert: true, root: "query" }) : undefined,
      params: spec.params ? validator(spec.params, { convert: true, root: "path" }) : undefined,
    };
    app.route(
      spec.method,
      spec.path,
      ((ctx: { request: Request; params: Record<string, string> }) => run(spec, v, ctx.request, ctx.params ?? {}, spec.path, deps)) as never,
      { parse: "none" } as never,
    );
  }
}

/** A response for requests no route matched: a JSON error under /api, an HTML page elsewhere. */
export function notFoundResponse(req: Request, deps: HttpDeps): Response {
  const info = requestInfo(req);
  info.route = "(not found)";
  const c = buildCtx(req, info, deps);
  const api = isApiPath(c.url.pathname);
  try {
    c.actor = deps.authenticate(req, c.cookies, api, c.headers);
    c.locale = deps.locale(req, c.cookies, c.actor);
    c.t = deps.translator(c.locale);
  } catch {
    // an unreadable session still gets a 404 page
  }
  const message = api ? `No API route ${req.method} ${c.url.pathname}. See /api/docs.` : c.t("errors.not_found");
  return errorResponse(c, new AppError(404, "not_found", message), deps);
}
