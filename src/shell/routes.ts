// Shell routes: static files, the language switch for signed-out pages, and the page's live event stream.
import type { Deps } from "../deps";
import { route, requestInfo } from "../platform/http";
import { isHttps } from "../platform/config";
import { isLocale } from "../platform/i18n";
import { setCookie } from "../platform/cookies";
import { notFound } from "../platform/errors";

/** A same-site relative path, or "/" (no open redirects through ?next=). */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : fallback;
}

export function shellRoutes(d: Deps) {
  const secure = isHttps(d.cfg);
  return [
    route({
      method: "GET",
      path: "/public/*",
      access: "public",
      handler: (c) => {
        const path = decodeURIComponent(c.url.pathname.slice("/public/".length));
        const a = path.includes("..") ? undefined : d.assets.get(path);
        if (!a) throw notFound("No such file.");
        if (c.req.headers.get("if-none-match") === a.etag) return new Response(null, { status: 304, headers: { etag: a.etag } });
        const cache = c.url.searchParams.has("v") ? "public, max-age=31536000, immutable" : "public, max-age=300";
        return new Response(a.bytes as BodyInit, { headers: { "content-type": a.type, etag: a.etag, "cache-control": cache } });
      },
    }),
    route({
      method: "GET",
      path: "/favicon.ico",
      access: "public",
      handler: () => new Response(null, { status: 301, headers: { location: d.assets.url("icons/favicon.svg") } }),
    }),
    route({
      method: "GET",
      path: "/lang/:code",
      access: "public",
      handler: (c) => {
        const code = c.params.code ?? "";
        if (!isLocale(code)) throw notFound("Unknown language.");
        c.headers.append("set-cookie", setCookie("cs_lang", code, { secure, maxAge: 365 * 86_400 }));
        return c.redirect(safeNext(c.url.searchParams.get("next")));
      },
    }),
    route({
      method: "GET",
      path: "/events",
      access: "signed-in",
      handler: (c) => {
        // Live updates for this page; quiet streams must not hit the server's idle timeout (PLATFORM.md §2).
        requestInfo(c.req).server?.timeout(c.req, 0);
        // ?tab= names the page's registered view (inbox/tabs.ts), so the stream gets only what that page shows.
        const tab = c.url.searchParams.get("tab");
        return d.sse.open(c.req, c.user(), c.locale, tab && /^[A-Za-z0-9_-]{8,64}$/.test(tab) ? tab : null);
      },
    }),
  ];
}
