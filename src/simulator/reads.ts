// The business marks a customer's message read (`{"status":"read","message_id"}` on the messages endpoint):
// that message and the earlier ones of the thread turn blue on the customer's phone, as in WhatsApp.
import type { Sim } from "./context";
import { SimGraphError, missingParam } from "./errors";
import * as store from "./store";
import type { SimNumber } from "./store";

type Obj = Record<string, any>;

/** Answers `{"success":true}`, or 100 when the message is not an inbound message of this number. */
export function markRead(sim: Sim, number: SimNumber, b: Obj): Obj {
  if (b.messaging_product !== "whatsapp") throw missingParam("messaging_product");
  if (typeof b.message_id !== "string" || !b.message_id) throw missingParam("message_id");
  const { db } = sim.d;
  const m = store.messageByWamid(db, b.message_id);
  if (!m || m.number_id !== number.id || m.direction !== "in") throw new SimGraphError(100, { details: `message_id ${b.message_id} is not a message received by this phone number.` });
  const unread = store.unreadInboundUpTo(db, number.id, m.customer_id, m.id);
  for (const x of unread) store.setMessageStatus(db, x.id, "read");
  if (unread.length) sim.changed(number.id, m.customer_id);
  return { success: true };
}
