// Status webhooks for accepted sends (whatsapp-cloud-api.md §2.3): `sent`, `delivered`, `read` after delays on
// the injected clock (or `read` when the customer's phone page shows the message), each with PMP pricing and
// the sender's biz_opaque_callback_data; `failed` with errors[] when a fault says so. Faults reorder them or
// drop `delivered`, as Meta does. The v24 shape is used: no `conversation` object.
import { metaSeconds, type Sim } from "./context";
import { statusError } from "./errors";
import { metadata } from "./webhooks";
import * as store from "./store";
import type { SimMessage, SimStatus } from "./store";

type Step = "sent" | "delivered" | "read";

const RANK: Record<SimStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 9 };

/** Per-message pricing: templates are billed by their category; free-form replies are free service. */
export function pricing(category: string | null) {
  const cat = category ?? "service";
  const free = cat === "service";
  return { billable: !free, pricing_model: "PMP", type: free ? "free_customer_service" : "regular", category: cat };
}

/**
 * The fake phone's status steps are demo state, written three times per message sent: they commit with
 * synchronous=NORMAL, without an fsync of their own. Nothing is lost on a crash of the process (the WAL frames are
 * in the OS), and after a power cut the order still holds: the WAL is append-only, so the next FULL commit (the
 * app storing this status's webhook, or anything else) makes this write durable with it. The app can never have
 * durably seen a status the fake phone forgot.
 */
const relaxed = (sim: Sim, fn: () => void) => sim.d.db.txRelaxed(fn);

/** Plans the status webhooks of an accepted send; `failCode` makes it a single `failed` instead. */
export function scheduleStatuses(sim: Sim, msg: SimMessage, failCode: number | null): void {
  const f = sim.faults.get();
  if (failCode !== null) {
    sim.later(f.delays.sent_ms, () => fail(sim, msg.id, failCode));
    return;
  }
  let steps: [Step, number][] = [["sent", f.delays.sent_ms], ["delivered", f.delays.delivered_ms]];
  if (f.delays.read_ms > 0) steps.push(["read", f.delays.read_ms]);
  if (f.drop_delivered) steps = steps.filter(([s]) => s !== "delivered");
  if (f.reorder) {
    const times = steps.map(([, ms]) => ms).reverse();
    steps = steps.map(([s], i) => [s, times[i]!]);
  }
  for (const [step, ms] of steps) sim.later(ms, () => advance(sim, msg.id, step, f.reorder));
}

/**
 * Moves a business message to `step` on the phone and tells the app. In order mode a step the message already
 * passed is not sent again (the phone showed it early); with `reorder` every step goes out, late ones too.
 */
export function advance(sim: Sim, id: number, step: Step, force = false): void {
  const { db } = sim.d;
  const msg = store.getMessage(db, id);
  if (!msg || msg.status === "failed") return;
  const forward = RANK[step] > RANK[msg.status];
  if (!forward && !force) return;
  if (forward) relaxed(sim, () => store.setMessageStatus(db, id, step));
  post(sim, msg, { status: step, pricing: pricing(msg.category) });
}

function fail(sim: Sim, id: number, code: number): void {
  const { db } = sim.d;
  const msg = store.getMessage(db, id);
  if (!msg) return;
  const errors = [statusError(code)];
  relaxed(sim, () => store.setMessageStatus(db, id, "failed", JSON.stringify(errors)));
  post(sim, msg, { status: "failed", errors });
}

function post(sim: Sim, msg: SimMessage, fields: Record<string, unknown>): void {
  const number = store.getNumber(sim.d.db, msg.number_id);
  const customer = store.getCustomer(sim.d.db, msg.customer_id);
  if (!number || !customer) return;
  const status = { id: msg.wamid, timestamp: metaSeconds(sim.d.clock.now()), recipient_id: customer.wa_id, ...fields, ...(msg.opaque ? { biz_opaque_callback_data: msg.opaque } : {}) };
  sim.webhooks.send({ wabaId: number.waba_id, field: "messages", value: { messaging_product: "whatsapp", metadata: metadata(number), statuses: [status] } });
  sim.changed(number.id, customer.id);
}

/** The customer's phone shows the thread: every business message it received becomes `read`. */
export function markShown(sim: Sim, numberId: number, customerId: number): void {
  for (const m of store.unreadOutbound(sim.d.db, numberId, customerId)) advance(sim, m.id, "read");
}
