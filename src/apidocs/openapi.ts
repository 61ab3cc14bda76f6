// The OpenAPI 3.1 document, generated from the same route tables that serve the API, so it cannot drift.
import type { TSchema } from "@sinclair/typebox";
import { isApiPath, type AnyRoute } from "../platform/http";
import { VERSION } from "../ops";

const ERROR = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Stable machine-readable code, e.g. validation_failed" },
        message: { type: "string", description: "What went wrong and what to do, for people" },
        fields: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
};

/** A plain JSON copy of a TypeBox schema (symbols and compiled bits dropped). */
export function plain(schema: TSchema | undefined): Record<string, unknown> | undefined {
  return schema ? (JSON.parse(JSON.stringify(schema)) as Record<string, unknown>) : undefined;
}

export const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");
export const operationId = (r: AnyRoute) =>
  r.method.toLowerCase() + openApiPath(r.path).replace("/api/v1", "").split(/[/{}-]+/).filter(Boolean).map((s) => s[0]!.toUpperCase() + s.slice(1)).join("");

function parameters(r: AnyRoute) {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [["path", r.params], ["query", r.query]] as const) {
    const s = plain(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] } | undefined;
    for (const [name, prop] of Object.entries(s?.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({ name, in: where, required: where === "path" || !!s?.required?.includes(name), description, schema: rest });
    }
  }
  for (const m of r.path.matchAll(/:(\w+)/g)) {
    if (!out.some((p) => p.name === m[1] && p.in === "path")) out.push({ name: m[1], in: "path", required: true, schema: { type: "string" } });
  }
  return out;
}

function responses(r: AnyRoute) {
  const ok = String(r.status ?? (r.response ? 200 : 204));
  const res: Record<string, unknown> = {
    [ok]: r.response ? { description: "Success", content: { "application/json": { schema: plain(r.response) } } } : { description: "Success, no content" },
  };
  const err = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
  if (r.access !== "public") {
    res["401"] = err("Missing or invalid bearer token");
    res["403"] = err(`The token's role lacks ${r.access === "signed-in" ? "access" : r.access}`);
  }
  if (r.body) {
    res["400"] = err("Body is not valid JSON");
    res["422"] = err("Validation failed; `fields` names each problem");
  }
  if (r.query) res["400"] ??= err("A query parameter is invalid");
  if (r.params) res["404"] = err("Not found");
  return res;
}

/** Builds the document for every /api/v1 route in `routes`. */
export function openApiDocument(routes: readonly AnyRoute[], baseUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes.filter((x) => isApiPath(x.path))) {
    const op: Record<string, unknown> = {
      operationId: operationId(r),
      summary: r.summary ?? "",
      description: [r.description, r.access === "public" || r.access === "signed-in" ? null : `Requires the permission \`${r.access}\`.`].filter(Boolean).join("\n\n"),
      tags: [r.tag ?? "Other"],
      parameters: parameters(r),
      responses: responses(r),
      "x-permission": r.access,
    };
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: plain(r.body) } } };
    if (r.access === "public") op.security = [];
    (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Centralino API",
      version: VERSION,
      description:
        "REST API of Centralino. Authenticate with `Authorization: Bearer <token>` (create tokens under Settings → API tokens or with `centralino token create`). " +
        'Errors are `{"error":{"code","message"}}`; lists are `{"data":[...],"next_cursor":...}` with `?limit=&cursor=`; ids are strings; times are ISO 8601 UTC.',
    },
    servers: [{ url: baseUrl }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas: { Error: ERROR } },
    paths,
  };
}
