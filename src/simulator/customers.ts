// Fake customers and what they send: each inbound message is stored on the customer's phone and posted to the
// app as Meta's `messages` webhook (whatsapp-cloud-api.md §2). A tap on a business message's button becomes an
// `interactive` button_reply / list_reply, or a `button` for a template quick reply, with `context` pointing
// at the business message.
import { phone } from "../contacts";
import { digitsOf, metaSeconds, newWamid, type Sim } from "./context";
import { metadata } from "./webhooks";
import * as store from "./store";
import type { SimCustomer, SimMessage, SimNumber } from "./store";
import type { Rendered } from "./templates";

type Obj = Record<string, any>;

/** What a customer sends: the message type and that type's object (Meta's field names). */
export interface Inbound {
  type: string;
  body: Obj;
  /** The business message this one answers (reply or tap). */
  context?: string;
}

// Mexico's wa_id keeps the mobile "1" after 52; old Brazilian accounts lack the 9th digit (D1 in PRODUCT.md):
// the simulator models both, so the app's contact matching meets them.
const MX_DIALLED = /^52([2-9]\d{9})$/;
const BR_LONG = /^55([1-9]{2})9([6-9]\d{7})$/;

/** The wa_id WhatsApp would report for a dialled number. */
export function waIdFor(digits: string): string {
  let m: RegExpExecArray | null;
  if ((m = MX_DIALLED.exec(digits))) return `521${m[1]}`;
  if ((m = BR_LONG.exec(digits))) return `55${m[1]}${m[2]}`;
  return digits;
}

/** The digits of a phone number typed in any international form, or null when it cannot be one. */
export function phoneDigits(input: string): string | null {
  const raw = input.trim();
  const e164 = phone.normalizePhone(raw.startsWith("+") || raw.startsWith("00") ? raw : `+${digitsOf(raw)}`);
  return e164 ? e164.slice(1) : null;
}

/** The customer with this number (as dialled or as wa_id), created when new. */
export function ensureCustomer(sim: Sim, digits: string, name = "", kind: SimCustomer["kind"] = "person"): SimCustomer {
  const { db, clock } = sim.d;
  const found = store.customerByPhone(db, digits) ?? store.customerByPhone(db, waIdFor(digits));
  if (found) return found;
  const id = store.insertCustomer(db, { phone: digits, wa_id: waIdFor(digits), name: name.trim().slice(0, 100), user_id: null, kind, created_at: clock.now() });
  return store.getCustomer(db, id)!;
}

/** The customer sends `m` to the business number: stored on the phone, then webhooked to the app. */
export function customerSends(sim: Sim, number: SimNumber, customer: SimCustomer, m: Inbound): SimMessage {
  const { db, clock } = sim.d;
  const now = clock.now();
  const wamid = newWamid(customer.wa_id);
  const msg: Obj = { from: customer.wa_id, id: wamid, timestamp: metaSeconds(now), type: m.type, [m.type]: m.body };
  if (m.context) msg.context = { from: digitsOf(number.display_phone_number), id: m.context };
  const id = store.insertMessage(db, { number_id: number.id, customer_id: customer.id, direction: "in", wamid, type: m.type, payload: JSON.stringify(msg), status: "sent", error: null, opaque: null, category: null, created_at: now });
  const contact: Obj = { profile: { name: customer.name }, wa_id: customer.wa_id };
  if (customer.user_id) contact.user_id = customer.user_id;
  sim.webhooks.send({
    wabaId: number.waba_id,
    field: "messages",
    value: { messaging_product: "whatsapp", metadata: metadata(number), contacts: [contact], messages: [msg] },
    onDelivered: () => {
      // The app answered 200: the customer's phone shows two ticks.
      if (store.messageByWamid(db, wamid)?.status === "sent") store.setMessageStatus(db, id, "delivered");
      sim.changed(number.id, customer.id);
    },
  });
  sim.changed(number.id, customer.id);
  return store.messageByWamid(db, wamid)!;
}

/**
 * The customer's reply when tapping button (or list row) number `index` of a business message, or null. Taps
 * name the button by position, so business-supplied ids never travel through the page's HTML attributes.
 */
export function tapReply(business: SimMessage, index: number): Inbound | null {
  if (business.direction !== "out" || !Number.isInteger(index) || index < 0) return null;
  const p = JSON.parse(business.payload) as Obj;
  if (business.type === "template") {
    const b = (p.rendered as Rendered | undefined)?.buttons[index];
    return b && b.type === "QUICK_REPLY" ? { type: "button", body: { payload: b.payload, text: b.text }, context: business.wamid } : null;
  }
  if (business.type !== "interactive") return null;
  const i = p.interactive as Obj;
  if (i?.type === "button") {
    const r = ((i.action?.buttons ?? []) as Obj[])[index]?.reply;
    return r ? { type: "interactive", body: { type: "button_reply", button_reply: { id: r.id, title: r.title } }, context: business.wamid } : null;
  }
  if (i?.type === "list") {
    const row = ((i.action?.sections ?? []) as Obj[]).flatMap((s) => (s.rows ?? []) as Obj[])[index];
    if (!row) return null;
    const list_reply = { id: row.id, title: row.title, ...(row.description ? { description: row.description } : {}) };
    return { type: "interactive", body: { type: "list_reply", list_reply }, context: business.wamid };
  }
  return null;
}
