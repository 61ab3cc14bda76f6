// The shape checks of `POST /{phone-number-id}/messages`, with the codes Meta answers: 100 for a missing or
// unknown top-level parameter, 131008 for a missing field inside the message object, 131009 for a value out
// of range (limits from whatsapp-cloud-api.md §3.2).
import { SimGraphError, missingParam } from "./errors";

type Obj = Record<string, any>;

export const MESSAGE_TYPES = ["text", "template", "image", "document", "audio", "video", "sticker", "interactive", "reaction", "location", "contacts"] as const;
const MEDIA = new Set(["image", "document", "audio", "video", "sticker"]);

const missing = (field: string) => new SimGraphError(131008, { details: `${field} is required.` });
const badValue = (details: string) => new SimGraphError(131009, { details });
const str = (v: unknown): v is string => typeof v === "string" && v.length > 0;

/** Checks a send body; returns the recipient's digits. Throws Meta's error on the first problem. */
export function validateSend(b: Obj): string {
  if (b.messaging_product !== "whatsapp") throw missingParam("messaging_product");
  if (b.recipient_type !== undefined && b.recipient_type !== "individual") throw new SimGraphError(100, { details: "recipient_type must be individual (groups are not simulated)." });
  if (!str(b.to)) throw missingParam("to");
  const digits = b.to.replace(/[\s()+-]/g, "");
  if (!/^\d{7,15}$/.test(digits)) throw badValue(`to: ${b.to} is not a valid WhatsApp phone number.`);
  const type = b.type ?? "text";
  if (!(MESSAGE_TYPES as readonly string[]).includes(type)) throw new SimGraphError(100, { details: `Param type must be one of {${MESSAGE_TYPES.join(", ")}}.` });
  const o = b[type];
  if (!o || typeof o !== "object") throw missingParam(type);
  if (b.biz_opaque_callback_data !== undefined && (typeof b.biz_opaque_callback_data !== "string" || b.biz_opaque_callback_data.length > 512)) {
    throw badValue("biz_opaque_callback_data must be a string of at most 512 characters.");
  }
  if (b.context !== undefined && !str(b.context?.message_id)) throw missing("context.message_id");
  if (MEDIA.has(type)) media(type, o);
  else CHECKS[type]?.(o);
  return digits;
}

function media(type: string, o: Obj): void {
  if (!str(o.id) && !str(o.link)) throw missing(`${type}.id or ${type}.link`);
  if (str(o.link) && !/^https?:\/\//.test(o.link)) throw badValue(`${type}.link must be an http(s) URL.`);
  if (o.caption !== undefined && (typeof o.caption !== "string" || o.caption.length > 1024)) throw badValue(`${type}.caption must be at most 1024 characters.`);
}

const CHECKS: Record<string, (o: Obj) => void> = {
  text(o) {
    if (!str(o.body)) throw missing("text.body");
    if (o.body.length > 4096) throw badValue("text.body must be at most 4096 characters.");
  },
  reaction(o) {
    if (!str(o.message_id)) throw missing("reaction.message_id");
    if (typeof o.emoji !== "string") throw missing("reaction.emoji");
  },
  location(o) {
    if (typeof o.latitude !== "number" && typeof o.latitude !== "string") throw missing("location.latitude");
    if (typeof o.longitude !== "number" && typeof o.longitude !== "string") throw missing("location.longitude");
  },
  contacts(o) {
    if (!Array.isArray(o) || !o.length) throw missing("contacts");
  },
  interactive(o) {
    if (o.type === "button") return buttons(o);
    if (o.type === "list") return list(o);
    if (!str(o.type)) throw missing("interactive.type");
    if (!str(o.body?.text) && o.type !== "location_request_message") throw missing("interactive.body.text");
  },
};

function buttons(o: Obj): void {
  if (!str(o.body?.text)) throw missing("interactive.body.text");
  if (o.body.text.length > 1024) throw badValue("interactive.body.text must be at most 1024 characters.");
  const list = o.action?.buttons;
  if (!Array.isArray(list) || !list.length) throw missing("interactive.action.buttons");
  if (list.length > 3) throw badValue("interactive.action.buttons: at most 3 buttons.");
  const titles = new Set<string>();
  for (const b of list as Obj[]) {
    if (!str(b?.reply?.id) || !str(b?.reply?.title)) throw missing("interactive.action.buttons[].reply.id and title");
    if (b.reply.title.length > 20 || b.reply.id.length > 256) throw badValue("button titles are at most 20 characters, ids at most 256.");
    if (titles.has(b.reply.title)) throw badValue("button titles must be unique.");
    titles.add(b.reply.title);
  }
}

function list(o: Obj): void {
  if (!str(o.body?.text)) throw missing("interactive.body.text");
  if (!str(o.action?.button)) throw missing("interactive.action.button");
  if (o.action.button.length > 20) throw badValue("interactive.action.button must be at most 20 characters.");
  const sections = o.action.sections;
  if (!Array.isArray(sections) || !sections.length) throw missing("interactive.action.sections");
  const rows = (sections as Obj[]).flatMap((s) => (Array.isArray(s?.rows) ? (s.rows as Obj[]) : []));
  if (!rows.length) throw missing("interactive.action.sections[].rows");
  if (sections.length > 10 || rows.length > 10) throw badValue("a list has at most 10 sections and 10 rows in total.");
  for (const r of rows) {
    if (!str(r?.id) || !str(r?.title)) throw missing("interactive.action.sections[].rows[].id and title");
    if (r.title.length > 24 || r.id.length > 200 || (r.description && String(r.description).length > 72)) throw badValue("row titles are at most 24 characters, ids 200, descriptions 72.");
  }
}
