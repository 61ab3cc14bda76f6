// Turns one `messages[]` entry of a webhook into what the message model stores: its type, a text for previews
// and search, the type's own object, what it replies to, and the media to download. Every type of Meta's
// reference is understood; an unknown future type is kept as is rather than dropped.

export interface WaMessage {
  from?: string;
  from_user_id?: string;
  id: string;
  timestamp: string;
  type: string;
  context?: { from?: string; id?: string; forwarded?: boolean; frequently_forwarded?: boolean; referred_product?: unknown };
  referral?: Record<string, unknown>;
  errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[];
  group_id?: string;
  [key: string]: unknown;
}

export interface MediaRef {
  id: string;
  mime_type: string | null;
  sha256: string | null;
  filename: string | null;
}

export interface Described {
  type: string;
  text: string;
  payload: Record<string, unknown>;
  contextWamid: string | null;
  media: MediaRef | null;
}

const MEDIA_TYPES = new Set(["image", "video", "audio", "document", "sticker"]);

type Obj = Record<string, any>;

function textOf(type: string, o: Obj | undefined, m: WaMessage): string {
  if (!o) return type === "unsupported" ? (m.errors?.[0]?.error_data?.details ?? m.errors?.[0]?.title ?? "") : "";
  switch (type) {
    case "text":
      return String(o.body ?? "");
    case "image":
    case "video":
    case "document":
      return String(o.caption ?? o.filename ?? "");
    case "location":
      return [o.name, o.address].filter(Boolean).join(", ") || `${o.latitude}, ${o.longitude}`;
    case "contacts":
      return (o as unknown as Obj[]).map((c) => c.name?.formatted_name ?? c.name?.first_name ?? "").filter(Boolean).join(", ");
    case "interactive":
      return String(o.button_reply?.title ?? o.list_reply?.title ?? o.nfm_reply?.body ?? "");
    case "button":
      return String(o.text ?? o.payload ?? "");
    case "reaction":
      return String(o.emoji ?? "");
    case "order":
      return String(o.text ?? "");
    case "system":
      return String(o.body ?? "");
    default:
      return typeof o.body === "string" ? o.body : typeof o.caption === "string" ? o.caption : "";
  }
}

/** Describes one inbound message for storage. */
export function describeInbound(m: WaMessage): Described {
  const type = typeof m.type === "string" && m.type ? m.type : "unsupported";
  const obj = m[type] as Obj | undefined;
  const payload: Record<string, unknown> = {};
  if (obj !== undefined) payload[type] = obj;
  for (const k of ["context", "referral", "errors", "identity"] as const) if (m[k] !== undefined) payload[k] = m[k];
  const media =
    MEDIA_TYPES.has(type) && obj && typeof obj.id === "string"
      ? { id: obj.id, mime_type: obj.mime_type ?? null, sha256: obj.sha256 ?? null, filename: obj.filename ?? null }
      : null;
  const contextWamid = type === "reaction" ? (obj?.message_id ?? null) : (m.context?.id ?? null);
  return { type, text: textOf(type, obj, m).slice(0, 20_000), payload, contextWamid, media };
}

const EARLIEST = Date.UTC(2009, 0, 1);

/**
 * Meta's seconds timestamp as milliseconds; `fallback` (when we received it) when it is missing, not a number,
 * before WhatsApp existed or more than a day after we received it — a broken clock must not sort a message
 * into the future or break every date shown.
 */
export function metaTime(ts: unknown, fallback: number): number {
  const n = typeof ts === "string" ? Number(ts) : typeof ts === "number" ? ts : NaN;
  const ms = Math.round(n * 1000);
  return Number.isFinite(ms) && ms >= EARLIEST && ms <= fallback + 86_400_000 ? ms : fallback;
}
