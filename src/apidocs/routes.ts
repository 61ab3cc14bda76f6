// /api/v1/openapi.json and the browsable docs at /api/docs, rendered on the server (no CDN, no script).
import type { Deps } from "../deps";
import { route, isApiPath, type AnyRoute } from "../platform/http";
import { openApiDocument, openApiPath, operationId, plain } from "./openapi";
import { example, fieldRows } from "./schema-view";

export function apidocsRoutes(d: Deps, others: readonly AnyRoute[]) {
  let doc: ReturnType<typeof openApiDocument> | null = null;
  // The document describes every route, its own included (filled in below, read lazily).
  const routes: AnyRoute[] = [...others];
  const documentFor = () => (doc ??= openApiDocument(routes, d.cfg.baseUrl));
  const api = () => routes.filter((r) => isApiPath(r.path));
  const groups = () => {
    const byTag = new Map<string, unknown[]>();
    for (const r of api()) {
      const entry = {
        id: operationId(r),
        method: r.method,
        path: openApiPath(r.path),
        summary: r.summary ?? "",
        description: r.description ?? "",
        permission: r.access,
        params: [...fieldRows(plain(r.params), "path"), ...fieldRows(plain(r.query), "query")],
        body: fieldRows(plain(r.body), "body"),
        bodyExample: r.body ? JSON.stringify(example(plain(r.body)), null, 2) : null,
        responseExample: r.response ? JSON.stringify(example(plain(r.response)), null, 2) : null,
        status: r.status ?? (r.response ? 200 : 204),
      };
      const tag = r.tag ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
    }
    return [...byTag.entries()].map(([tag, ops]) => ({ tag, ops }));
  };
  const own = [
    route({
      method: "GET",
      path: "/api/v1/openapi.json",
      access: "public",
      tag: "Meta",
      summary: "This API's OpenAPI 3.1 document",
      handler: () => Response.json(documentFor(), { headers: { "cache-control": "no-cache" } }),
    }),
    route({
      method: "GET",
      path: "/api/docs",
      access: "public",
      handler: (c) => c.page("@apidocs/index", { groups: groups(), baseUrl: d.cfg.baseUrl }, { title: c.t("nav.api_docs"), layout: c.actor ? "app" : "bare" }),
    }),
  ];
  routes.push(...own);
  return own;
}
