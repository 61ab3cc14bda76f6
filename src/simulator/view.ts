// What the fake phone shows: each stored message turned into a chat bubble the views render as plain values
// (always escaped by Eta). Customer text and business text are both untrusted, so nothing here builds HTML;
// links to outside hosts are shown as text, since the page must not load anything from elsewhere.
import type { Sim } from "./context";
import * as store from "./store";
import type { SimCustomer, SimMessage, SimNumber, SimStatus } from "./store";
import type { Rendered } from "./templates";

type Obj = Record<string, any>;

export interface Bubble {
  id: number;
  wamid: string;
  /** Written by the customer (the phone's owner): shown on the right. */
  mine: boolean;
  type: string;
  header: string | null;
  text: string | null;
  footer: string | null;
  /** Same-origin URL of a simulator-held image. */
  image: string | null;
  /** An outside URL the business sent (shown, never loaded). */
  link: string | null;
  location: { latitude: string; longitude: string; name: string | null } | null;
  /** Tappable reply buttons (interactive buttons, template quick replies); `index` is what a tap posts. */
  buttons: { index: number; title: string }[];
  list: { button: string; rows: { index: number; title: string; description: string | null }[] } | null;
  /** What kind of message this is, when the bubble should say so (`sim.type_<kind>`: document, reply...). */
  kind: string | null;
  /** Extra text next to the kind (a reaction's emoji, a template's link buttons). */
  note: string | null;
  status: SimStatus;
  error: string | null;
  time: string;
}

export interface ThreadView {
  id: string;
  numberId: number;
  customerId: number;
  bubbles: Bubble[];
}

/** Messages shown per thread (older ones stay stored). */
export const THREAD_LIMIT = 60;

/** The element id of a thread: stable, so live updates replace it in place. */
export const threadId = (numberId: number, customerId: number) => `sim-thread-${numberId}-${customerId}`;

/** Kinds with their own label; anything else is "other". */
const KINDS = new Set(["contacts", "order", "system", "unsupported"]);

const s = (v: unknown) => (typeof v === "string" && v ? v : null);

function media(o: Obj): { image: string | null; link: string | null } {
  if (s(o?.id)) return { image: `/simulator/files/${encodeURIComponent(o.id)}`, link: null };
  return { image: null, link: s(o?.link) };
}

/** Fills a bubble from a message's type object. */
function content(type: string, o: Obj, p: Obj): Partial<Bubble> {
  switch (type) {
    case "text":
      return { text: s(o?.body) };
    case "image":
    case "sticker":
      return { ...media(o), text: s(o?.caption) };
    case "video":
    case "audio":
    case "document":
      return { link: media(o).link, text: s(o?.caption) ?? s(o?.filename), kind: type };
    case "location":
      return { location: { latitude: String(o?.latitude ?? ""), longitude: String(o?.longitude ?? ""), name: s(o?.name) ?? s(o?.address) } };
    case "reaction":
      return { kind: "reaction", note: String(o?.emoji ?? "") };
    case "button":
      return { text: s(o?.text) ?? s(o?.payload) };
    case "template":
      return template(p.rendered as Rendered | undefined, o);
    case "interactive":
      return interactive(o);
    default:
      return { kind: KINDS.has(type) ? type : "other" };
  }
}

function template(r: Rendered | undefined, o: Obj): Partial<Bubble> {
  if (!r) return { kind: "template", note: String(o?.name ?? "") };
  const buttons = r.buttons.map((b, index) => ({ index, title: b.text, quick: b.type === "QUICK_REPLY" }));
  const others = buttons.filter((b) => !b.quick).map((b) => b.title);
  return { header: r.header, text: r.body, footer: r.footer, buttons: buttons.filter((b) => b.quick).map(({ index, title }) => ({ index, title })), note: others.length ? others.join(" · ") : null };
}

function interactive(o: Obj): Partial<Bubble> {
  if (o?.type === "button_reply" || o?.type === "list_reply") return { text: s(o[o.type]?.title), kind: "reply" };
  const base = { header: s(o?.header?.text), text: s(o?.body?.text), footer: s(o?.footer?.text) };
  if (o?.type === "button") return { ...base, buttons: ((o.action?.buttons ?? []) as Obj[]).map((b, index) => ({ index, title: String(b.reply?.title ?? "") })) };
  if (o?.type === "list") {
    const rows = ((o.action?.sections ?? []) as Obj[]).flatMap((x) => (x.rows ?? []) as Obj[]).map((r, index) => ({ index, title: String(r.title ?? ""), description: s(r.description) }));
    return { ...base, list: { button: String(o.action?.button ?? ""), rows } };
  }
  return { ...base, kind: "interactive" };
}

function bubble(m: SimMessage, time: Intl.DateTimeFormat): Bubble {
  const p = JSON.parse(m.payload) as Obj;
  const errors = m.error ? (JSON.parse(m.error) as Obj[]) : [];
  const base: Bubble = {
    id: m.id, wamid: m.wamid, mine: m.direction === "in", type: m.type, header: null, text: null, footer: null, image: null, link: null,
    location: null, buttons: [], list: null, kind: null, note: null, status: m.status, error: errors[0] ? `${errors[0].code}: ${errors[0].title}` : null, time: time.format(new Date(m.created_at)),
  };
  return { ...base, ...content(m.type, p[m.type], p) };
}

/** The thread of `customer` with `number`, ready for `@simulator/_thread`. */
export function threadView(sim: Sim, number: SimNumber, customer: SimCustomer, locale: string): ThreadView {
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const rows = store.thread(sim.d.db, number.id, customer.id, THREAD_LIMIT);
  return { id: threadId(number.id, customer.id), numberId: number.id, customerId: customer.id, bubbles: rows.map((m) => bubble(m, time)) };
}
