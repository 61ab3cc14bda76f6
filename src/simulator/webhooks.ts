// Webhooks from the fake Meta to the app, over real HTTP to its own /webhooks/whatsapp. The body is written the
// way Meta writes it (non-ASCII escaped as \uxxxx) and signed over those exact bytes with X-Hub-Signature-256.
// A non-200 is retried with growing delays on the injected clock, always with the same body. Faults add
// duplicates (at-least-once delivery) and batching (several entries and changes in one POST).
import { digitsOf, type Sim } from "./context";
import type { SimNumber } from "./store";
import { escapedJson, signBody, webhookSecret } from "../whatsapp";

type Obj = Record<string, any>;

/** One change of an envelope: `value` goes under entry[id=wabaId].changes[{field, value}]. */
export interface Change {
  wabaId: string;
  field: string;
  value: Obj;
  /** Template webhooks carry the entry's `time` (Unix seconds, a number). */
  time?: number;
  /** Called once the app has answered 200. */
  onDelivered?: () => void;
}

const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 60_000;
/** Meta keeps trying for days; the simulator gives up after ~25 minutes of capped retries. */
const MAX_ATTEMPTS = 30;
const TIMEOUT_MS = 20_000;

/** `value.metadata` of a number: the display number as bare digits, and the id webhooks are routed by. */
export const metadata = (n: SimNumber) => ({ display_phone_number: digitsOf(n.display_phone_number), phone_number_id: n.phone_number_id });

/** The envelope Meta posts: one entry per WABA, and in batch mode same-number messages/statuses merged. */
export function envelope(changes: Change[]): Obj {
  const entries = new Map<string, Obj>();
  for (const c of changes) {
    let entry = entries.get(c.wabaId);
    if (!entry) entries.set(c.wabaId, (entry = { id: c.wabaId, ...(c.time !== undefined ? { time: c.time } : {}), changes: [] }));
    const into = mergeTarget(entry.changes as Obj[], c);
    if (into) mergeValue(into.value, c.value);
    else entry.changes.push({ field: c.field, value: structuredClone(c.value) });
  }
  return { object: "whatsapp_business_account", entry: [...entries.values()] };
}

const kindOf = (v: Obj) => (v.statuses ? "statuses" : v.messages ? "messages" : null);

/** The earlier change of the same number and kind that `c` can join (one value: messages OR statuses). */
function mergeTarget(changes: Obj[], c: Change): Obj | undefined {
  const kind = kindOf(c.value);
  if (c.field !== "messages" || !kind) return undefined;
  return changes.find((x) => x.field === "messages" && kindOf(x.value) === kind && x.value.metadata?.phone_number_id === c.value.metadata?.phone_number_id);
}

function mergeValue(into: Obj, v: Obj): void {
  for (const key of ["messages", "statuses"]) if (v[key]) into[key] = [...(into[key] ?? []), ...v[key]];
  if (v.contacts) {
    const have = new Set((into.contacts ?? []).map((c: Obj) => c.wa_id));
    into.contacts = [...(into.contacts ?? []), ...v.contacts.filter((c: Obj) => !have.has(c.wa_id))];
  }
}

export class WebhookSender {
  private held: Change[] = [];
  private flushScheduled = false;

  constructor(private sim: Sim) {}

  /** Sends one change now, or holds it for the next batch when the batch fault is on. */
  send(change: Change): void {
    const f = this.sim.faults.get();
    if (!f.batch) return this.deliver([change]);
    this.held.push(change);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.sim.later(f.batch_window_ms, () => this.flush());
  }

  /** Sends whatever the batch fault is holding. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.held.splice(0);
    if (batch.length) this.deliver(batch);
  }

  private deliver(changes: Change[]): void {
    const body = escapedJson(envelope(changes));
    const done = () => changes.forEach((c) => c.onDelivered?.());
    this.attempt(body, 1, done);
    if (this.sim.faults.duplicate()) this.attempt(body, 1, () => undefined);
  }

  private attempt(body: string, n: number, done: () => void): void {
    if (this.sim.stopped) return;
    void this.post(body).then((status) => {
      // A POST that finishes after shutdown must not touch the (closed) database.
      if (this.sim.stopped) return;
      const { d } = this.sim;
      if (status === 200) {
        d.metrics.inc("centralino_simulator_webhooks_total", "Webhook POSTs the simulator made, by outcome.", { outcome: "ok" });
        try {
          done();
        } catch (err) {
          d.log.error("simulator webhook follow-up failed", { err });
        }
        return;
      }
      d.metrics.inc("centralino_simulator_webhooks_total", "Webhook POSTs the simulator made, by outcome.", { outcome: "retry" });
      if (n >= MAX_ATTEMPTS) {
        d.log.warn("simulator webhook given up", { attempts: n, status });
        return;
      }
      const wait = Math.min(RETRY_BASE_MS * 2 ** (n - 1), RETRY_CAP_MS);
      d.log.debug("simulator webhook will be retried", { attempt: n, status, wait_ms: wait });
      this.sim.later(wait, () => this.attempt(body, n + 1, done));
    });
  }

  /** One signed POST; the HTTP status, or 0 when the app could not be reached. */
  private async post(body: string): Promise<number> {
    const { d } = this.sim;
    try {
      const res = await fetch(`${d.runtime.selfUrl}/webhooks/whatsapp`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, webhookSecret(d.cfg)) },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        // The app talking to itself over loopback: its certificate names the public host, not 127.0.0.1.
        ...(d.runtime.selfUrl.startsWith("https:") ? { tls: { rejectUnauthorized: false } } : {}),
      } as RequestInit);
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }
}
