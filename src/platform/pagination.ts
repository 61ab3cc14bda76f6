// Cursor pagination for the API: `?limit=&cursor=`, answers `{data, next_cursor}`. Cursors are opaque
// (base64url of the last id), so clients cannot depend on their shape.
import { Type } from "@sinclair/typebox";
import { badRequest } from "./errors";

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: "Items per page (1-200, default 50)" })),
  cursor: Type.Optional(Type.String({ description: "The next_cursor of the previous page" })),
};

export function encodeCursor(id: number): string {
  return Buffer.from(`c1:${id}`).toString("base64url");
}

/** The id after which the page starts (0 for the first page); 400 for a cursor that was not ours. */
export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const m = /^c1:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw badRequest("invalid_cursor", "cursor is not valid: pass the next_cursor value of a previous answer unchanged.");
  return Number(m[1]);
}

/** Builds a page from rows fetched with `limit + 1` (the extra row says whether there is a next page). */
export function page<T extends { id: number | string }>(rows: T[], limit: number, map: (row: T) => unknown) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { data: items.map(map), next_cursor: more && last ? encodeCursor(Number(last.id)) : null };
}

/** Unix milliseconds → ISO 8601 UTC (null stays null). */
export function iso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
