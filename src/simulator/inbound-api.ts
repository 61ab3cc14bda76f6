// "This fake customer sends that" for the API and the phone page: turns a short description (text, image
// bytes, a tapped button, a location...) into Meta's inbound message object and sends it. Images are stored
// as simulator media first, so the app downloads them through the fake Graph API like real ones.
import { Type, type Static } from "@sinclair/typebox";
import { invalid, notFound } from "../platform/errors";
import type { Sim } from "./context";
import { customerSends, ensureCustomer, phoneDigits, type Inbound } from "./customers";
import { SimGraphError } from "./errors";
import { storeMedia } from "./media";
import * as store from "./store";
import type { SimNumber } from "./store";

const Str = (o: object = {}) => Type.String(o);

export const CustomerMessage = Type.Object({
  number: Type.Optional(Str({ description: "phone_number_id of the simulated business number (default: the first)" })),
  name: Type.Optional(Str({ maxLength: 100, description: "The customer's WhatsApp profile name, used when the customer is new" })),
  type: Type.Union(["text", "image", "button", "interactive", "location", "reaction"].map((t) => Type.Literal(t))),
  text: Type.Optional(Type.Object({ body: Str({ minLength: 1, maxLength: 4096 }) })),
  image: Type.Optional(
    Type.Object({
      data_base64: Str({ minLength: 1, description: "The JPEG or PNG file, base64" }),
      mime_type: Type.Union([Type.Literal("image/jpeg"), Type.Literal("image/png")]),
      caption: Type.Optional(Str({ maxLength: 1024 })),
    }),
  ),
  button: Type.Optional(Type.Object({ payload: Str(), text: Str({ minLength: 1 }) }, { description: "A template quick-reply tap" })),
  interactive: Type.Optional(
    Type.Object({ type: Type.Union([Type.Literal("button_reply"), Type.Literal("list_reply")]), id: Str({ minLength: 1 }), title: Str({ minLength: 1 }), description: Type.Optional(Str()) }),
  ),
  location: Type.Optional(
    Type.Object({ latitude: Type.Number({ minimum: -90, maximum: 90 }), longitude: Type.Number({ minimum: -180, maximum: 180 }), name: Type.Optional(Str()), address: Type.Optional(Str()) }),
  ),
  reaction: Type.Optional(Type.Object({ message_id: Str({ minLength: 1 }), emoji: Str() })),
  context: Type.Optional(Type.Object({ message_id: Str({ minLength: 1, description: "The business message this one replies to" }) })),
});
export type CustomerMessage = Static<typeof CustomerMessage>;

/** Stores an image as the number's media and returns the `image` message a customer would send. */
export function imageInbound(sim: Sim, number: SimNumber, bytes: Uint8Array, mime: string, caption: string | null, filename: string | null): Inbound {
  const m = storeMedia(sim, number.phone_number_id, bytes, mime, filename);
  return { type: "image", body: { mime_type: m.mime_type, sha256: m.sha256, id: m.media_id, ...(caption ? { caption } : {}) } };
}

function content(sim: Sim, number: SimNumber, b: CustomerMessage): Inbound {
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw invalid([{ field: b.type, message: `is required when type is ${b.type}` }]);
    return v;
  };
  const context = b.context?.message_id;
  switch (b.type) {
    case "text":
      return { type: "text", body: { body: need(b.text).body }, context };
    case "image": {
      const i = need(b.image);
      try {
        return { ...imageInbound(sim, number, Buffer.from(i.data_base64, "base64"), i.mime_type, i.caption ?? null, null), context };
      } catch (e) {
        if (e instanceof SimGraphError) throw invalid([{ field: "image", message: String(e.opts.details ?? e.message) }]);
        throw e;
      }
    }
    case "button":
      return { type: "button", body: need(b.button), context };
    case "interactive": {
      const { type, ...reply } = need(b.interactive);
      return { type: "interactive", body: { type, [type]: reply }, context };
    }
    case "location":
      return { type: "location", body: need(b.location), context };
    default:
      return { type: "reaction", body: need(b.reaction) };
  }
}

/** The API's customer message: finds or creates the customer and sends. */
export function inboundFromApi(sim: Sim, phone: string, b: CustomerMessage) {
  const digits = phoneDigits(phone);
  if (!digits) throw invalid([{ field: "phone", message: "must be a phone number with country code, e.g. +393331234567" }]);
  const { db } = sim.d;
  const number = b.number ? store.numberByPhoneId(db, b.number) : store.listNumbers(db)[0];
  if (!number) throw notFound(b.number ? `No simulated number ${b.number}.` : "No simulated number exists yet.");
  const customer = ensureCustomer(sim, digits, b.name ?? "");
  const msg = customerSends(sim, number, customer, content(sim, number, b));
  return { wamid: msg.wamid, wa_id: customer.wa_id, customer_id: String(customer.id) };
}
