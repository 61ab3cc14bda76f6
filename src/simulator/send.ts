// `POST /{phone-number-id}/messages`: a business send (validated, then Meta's checks, then stored on the
// customer's phone with status webhooks planned) or a mark-as-read. Meta's checks are one list, run in order:
// a check throws a synchronous error or marks the send to fail later by webhook (enforce.ts holds Meta's limits).
import { digitsOf, newWamid, type Sim } from "./context";
import { SimGraphError, missingParam } from "./errors";
import { ensureCustomer } from "./customers";
import { findMedia } from "./media";
import { markRead } from "./reads";
import { scheduleStatuses } from "./statuses";
import { checkTemplateSend, type Rendered } from "./templates";
import { validateSend } from "./validate";
import { messagingLimit, pairRate, throughput, windowOpen } from "./enforce";
import * as store from "./store";
import type { SimNumber } from "./store";

type Obj = Record<string, any>;

/** What the checks see and may set. */
export interface SendContext {
  sim: Sim;
  number: SimNumber;
  body: Obj;
  /** Recipient digits as dialled. */
  to: string;
  /** Pricing category: the template's, or `service` for free-form messages. */
  category: string;
  rendered: Rendered | null;
  /** A Meta error code to report as a `failed` status instead of sent/delivered/read. */
  failLater: number | null;
}

export type SendCheck = (c: SendContext) => void;

/** The next scripted error of the faults panel, at once or as a failed status. */
const scriptedError: SendCheck = (c) => {
  const e = c.sim.faults.takeSendError();
  if (e?.mode === "sync") throw new SimGraphError(e.code);
  if (e) c.failLater = e.code;
};

const notToSelf: SendCheck = (c) => {
  if (c.to === digitsOf(c.number.display_phone_number)) throw new SimGraphError(131021);
};

/** Templates must exist in that language and be approved (132001), not paused (132015) or disabled (132016). */
const templateApproved: SendCheck = (c) => {
  if (c.body.type !== "template") return;
  const { template, rendered } = checkTemplateSend(c.sim, c.number, c.body.template);
  c.category = template.category.toLowerCase();
  c.rendered = rendered;
};

/** Media sent by id must have been uploaded by this number. */
const mediaOwned: SendCheck = (c) => {
  const id = c.body[c.body.type]?.id;
  if (typeof id !== "string" || c.body.type === "template") return;
  const m = findMedia(c.sim, id);
  if (!m || m.phone_number_id !== c.number.phone_number_id) throw new SimGraphError(131009, { details: `${c.body.type}.id: media ${id} does not exist for this phone number.` });
};

/** Meta's checks before a send is accepted, in order. */
export const SEND_CHECKS: SendCheck[] = [scriptedError, notToSelf, throughput, pairRate, templateApproved, mediaOwned, windowOpen, messagingLimit];

/** Handles a messages POST; returns Meta's answer or throws its error. */
export function acceptSend(sim: Sim, number: SimNumber, body: unknown): Obj {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw missingParam("messaging_product");
  const b = body as Obj;
  if (b.status === "read") return markRead(sim, number, b);
  const to = validateSend(b);
  const c: SendContext = { sim, number, body: b, to, category: "service", rendered: null, failLater: null };
  for (const check of SEND_CHECKS) check(c);
  const { db, clock } = sim.d;
  // The fake phone's copy is demo state: committed without its own fsync (see relaxed() in statuses.ts).
  const { customer, wamid, msg } = db.txRelaxed(() => {
    const customer = ensureCustomer(sim, to);
    const wamid = newWamid(customer.wa_id);
    const payload = { ...b, ...(c.rendered ? { rendered: c.rendered } : {}) };
    store.insertMessage(db, {
      number_id: number.id,
      customer_id: customer.id,
      direction: "out",
      wamid,
      type: b.type ?? "text",
      payload: JSON.stringify(payload),
      status: "accepted",
      error: null,
      opaque: typeof b.biz_opaque_callback_data === "string" ? b.biz_opaque_callback_data : null,
      category: c.category,
      created_at: clock.now(),
    });
    return { customer, wamid, msg: store.messageByWamid(db, wamid)! };
  });
  scheduleStatuses(sim, msg, c.failLater);
  sim.changed(number.id, customer.id);
  return {
    messaging_product: "whatsapp",
    contacts: [{ input: b.to, wa_id: customer.wa_id }],
    messages: [{ id: wamid, ...(b.type === "template" ? { message_status: "accepted" } : {}) }],
  };
}
