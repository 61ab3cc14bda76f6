// One message as the conversation view shows it: every inbound type of Meta's reference (text, media,
// location, contacts, interactive and button replies, reactions, orders, system, unsupported, ad referrals)
// and outbound templates, with delivery ticks and, for a failure, the reason people can act on.
// Everything customer-written stays data here; the view escapes it.
import type { MessageRow } from "../conversations";
import type { Deps } from "../deps";
import { EXPLANATIONS } from "../whatsapp/errors";
import { linkify, mapUrl, safeHttpUrl, type Segment } from "./linkify";

type Obj = Record<string, any>;

export interface MediaView {
  kind: "image" | "video" | "audio" | "sticker" | "document";
  url: string | null;
  status: "pending" | "ready" | "failed";
  filename: string | null;
  mime: string | null;
  size: string | null;
  error: string | null;
}

export interface Bubble {
  id: number;
  dir: "in" | "out";
  type: string;
  at: number;
  /** Who wrote an outbound message: an agent's name, or the kind (bot, api, campaign). */
  author: { kind: string; name: string | null } | null;
  text: Segment[] | null;
  media: MediaView | null;
  location: { name: string; address: string; lat: number; lng: number; url: string | null } | null;
  contacts: { name: string; company: string; phones: string[]; emails: string[] }[] | null;
  /** A tapped reply button or list row, or a template quick reply. */
  reply: { title: string; description: string } | null;
  order: { items: { id: string; qty: number; price: string }[]; total: string; text: string } | null;
  system: string | null;
  /** Why a message cannot be shown (unsupported types). */
  unsupported: string | null;
  template: { name: string; language: string; params: string[] } | null;
  /** Buttons of an outbound interactive message (bots). */
  choices: string[];
  referral: { headline: string; body: string; url: string | null } | null;
  quote: { dir: string; text: string } | null;
  reactions: { emoji: string; dir: "in" | "out" }[];
  /** A reaction whose message is not in this conversation: shown on its own. */
  reactionTo: string | null;
  status: MessageRow["status"];
  error: { code: number | null; reason: string } | null;
  retry: boolean;
}

export interface BubbleCtx {
  d: Deps;
  /** Agent names by user id, filled as needed. */
  names: Map<string, string | null>;
  quotes: Map<string, { dir: string; text: string }>;
  reactions: Map<string, { emoji: string; dir: "in" | "out" }[]>;
}

const MEDIA = new Set(["image", "video", "audio", "sticker", "document"]);
const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

function sizeLabel(bytes: number | null): string | null {
  if (!bytes) return null;
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function mediaOf(x: BubbleCtx, m: MessageRow, o: Obj): MediaView | null {
  if (!MEDIA.has(m.type)) return null;
  const row = x.d.media.forMessage(m.id);
  const status = row?.status ?? "failed";
  return {
    kind: m.type as MediaView["kind"],
    url: row && row.status === "ready" ? `/media/${row.id}` : null,
    status,
    filename: row?.filename ?? (str(o.filename) || null),
    mime: row?.mime_type ?? (str(o.mime_type) || null),
    size: sizeLabel(row?.size ?? null),
    error: row ? row.error : "no file",
  };
}

function authorOf(x: BubbleCtx, m: MessageRow): Bubble["author"] {
  if (m.direction === "in") return null;
  if (m.author_kind !== "agent" || !m.author_id) return { kind: m.author_kind, name: null };
  if (!x.names.has(m.author_id)) x.names.set(m.author_id, x.d.users.get(Number(m.author_id))?.name ?? null);
  return { kind: "agent", name: x.names.get(m.author_id) ?? null };
}

/** Template parameters as sent, in order (for the agent to see what the customer got). */
function templateOf(o: Obj | undefined): Bubble["template"] {
  if (!o) return null;
  const params = ((o.components ?? []) as Obj[]).flatMap((c) => ((c.parameters ?? []) as Obj[]).map((p) => str(p.text)).filter(Boolean));
  return { name: str(o.name), language: str(o.language?.code), params };
}

function errorOf(m: MessageRow): Bubble["error"] {
  if (m.status === "failed") return { code: m.error_code, reason: (m.error_code !== null ? EXPLANATIONS[m.error_code] : undefined) ?? ([m.error_title, m.error_details].filter(Boolean).join(": ") || "") };
  if (m.status === "cancelled") return { code: null, reason: m.error_details || m.error_title || "" };
  return null;
}

function content(m: MessageRow, o: Obj, payload: Obj): Partial<Bubble> {
  switch (m.type) {
    case "location":
      return { location: { name: str(o.name), address: str(o.address), lat: Number(o.latitude), lng: Number(o.longitude), url: mapUrl(o.latitude, o.longitude) } };
    case "contacts":
      return {
        contacts: (Array.isArray(o) ? (o as Obj[]) : []).map((c) => ({
          name: str(c.name?.formatted_name) || [str(c.name?.first_name), str(c.name?.last_name)].filter(Boolean).join(" "),
          company: str(c.org?.company),
          phones: ((c.phones ?? []) as Obj[]).map((p) => str(p.phone) || str(p.wa_id)).filter(Boolean),
          emails: ((c.emails ?? []) as Obj[]).map((e) => str(e.email)).filter(Boolean),
        })),
      };
    case "interactive": {
      if (m.direction === "out") return { text: linkify(str(o.body?.text)), choices: ((o.action?.buttons ?? []) as Obj[]).map((b) => str(b.reply?.title)).concat(((o.action?.sections ?? []) as Obj[]).flatMap((s) => ((s.rows ?? []) as Obj[]).map((r) => str(r.title)))) };
      const r = (o.button_reply ?? o.list_reply ?? o.nfm_reply ?? {}) as Obj;
      return { reply: { title: str(r.title) || str(r.body) || str(r.name), description: str(r.description) } };
    }
    case "button":
      return { reply: { title: str(o.text) || str(o.payload), description: "" } };
    case "order": {
      const items = ((o.product_items ?? []) as Obj[]).map((i) => ({ id: str(i.product_retailer_id), qty: Number(i.quantity) || 0, price: `${Number(i.item_price) || 0} ${str(i.currency)}`.trim(), sum: (Number(i.quantity) || 0) * (Number(i.item_price) || 0), cur: str(i.currency) }));
      const currencies = [...new Set(items.map((i) => i.cur))];
      const total = currencies.length === 1 ? `${items.reduce((a, i) => a + i.sum, 0)} ${currencies[0]}`.trim() : "";
      return { order: { items: items.map(({ id, qty, price }) => ({ id, qty, price })), total, text: str(o.text) } };
    }
    case "system":
      return { system: str(o.body) || str(o.type) };
    case "unsupported": {
      const e = ((payload.errors ?? []) as Obj[])[0];
      return { unsupported: str(e?.error_data?.details) || str(e?.title) || "" };
    }
    case "template":
      return { template: templateOf(o) };
    default:
      return MEDIA.has(m.type) ? { text: str(o.caption) ? linkify(str(o.caption)) : null } : { text: m.text ? linkify(m.text) : null };
  }
}

/** The bubble of one message. */
export function bubbleOf(x: BubbleCtx, m: MessageRow): Bubble {
  let payload: Obj = {};
  try {
    payload = JSON.parse(m.payload) as Obj;
  } catch {
    // an unreadable payload still shows its text
  }
  const o = (payload[m.type] ?? {}) as Obj;
  const ref = payload.referral as Obj | undefined;
  const b: Bubble = {
    id: m.id, dir: m.direction, type: m.type, at: m.created_at, author: authorOf(x, m),
    text: null, media: mediaOf(x, m, o), location: null, contacts: null, reply: null, order: null, system: null, unsupported: null,
    template: null, choices: [], referral: ref ? { headline: str(ref.headline), body: str(ref.body), url: safeHttpUrl(str(ref.source_url)) } : null,
    quote: m.context_wamid && m.type !== "reaction" ? (x.quotes.get(m.context_wamid) ?? null) : null,
    reactions: m.wamid ? (x.reactions.get(m.wamid) ?? []) : [],
    reactionTo: m.type === "reaction" ? str(o.emoji) : null,
    status: m.status, error: errorOf(m), retry: m.direction === "out" && (m.status === "failed" || m.status === "cancelled"),
    ...content(m, o, payload),
  };
  return b;
}
