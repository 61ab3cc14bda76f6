// One renderer per piece, shared by pages, htmx responses and SSE pushes. Pieces that must be inserted or
// updated wherever they are (a list row, a timeline item) travel as "feed" operations: <template>s appended
// out of band to the page's #inbox-feed, which public/inbox.js places (replace by id, or insert where the
// row belongs). Pieces that only ever replace themselves use plain out-of-band swaps by id.
import type { Deps } from "../deps";
import type { RowView } from "./list";
import type { Item } from "./thread";
import type { Vx } from "./vx";

export interface FeedOp {
  /** The container (list or thread) the elements belong to. */
  into: string;
  /** row: the list decides membership and order; append: replace by id, else append. */
  mode: "row" | "append";
  view: string;
  data: object;
}

export const rowOp = (vx: Vx, r: RowView): FeedOp => ({ into: "#conv-list", mode: "row", view: "@inbox/_row", data: { vx, r, search: "" } });

export const itemsOp = (vx: Vx, cid: number, items: Item[]): FeedOp => ({ into: `#thread-${cid}`, mode: "append", view: "@inbox/_items", data: { vx, items, cid } });

/** The feed element carrying `ops` (empty when there is nothing to place). */
export function feed(d: Deps, ops: FeedOp[]): string {
  return ops.length ? d.views.render("@inbox/_feed", { ops }) : "";
}

/** An HTML response made of rendered parts (a main fragment plus out-of-band pieces). */
export function html(parts: string[], status = 200): Response {
  return new Response(parts.join("\n"), { status, headers: { "content-type": "text/html; charset=utf-8" } });
}
