// Meta-shaped webhook bodies for the ingest benchmark: one inbound text message per POST, escaped the way Meta
// escapes (non-ASCII as \uxxxx) and signed with HMAC-SHA256 over those exact bytes. Shared by the load
// generator and the bench orchestrator, which must agree on how a wamid encodes its slot.
import { createHmac } from "node:crypto";

export const BENCH_PHONE_ID = "106540352242922";
export const BENCH_WABA_ID = "102290129340398";
export const BENCH_DISPLAY = "15550783881";

/** A small, fast, seedable PRNG (mulberry32), so a run's traffic is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The wamid of slot `slot` in a run tagged `tag` (the slot is recoverable with slotOf). */
export const wamidOf = (tag: string, slot: number) => `wamid.HBgMMzkzMzMxMjM0NTY3FQIAEhgg${tag}_${slot}_QzQ0RTRBNjU5OUFFRTAzODEwMTQ0RgA=`;

/** The slot encoded in a bench wamid of run `tag`, or -1. */
export function slotOf(tag: string, wamid: string): number {
  const i = wamid.indexOf(`${tag}_`);
  if (i < 0) return -1;
  const start = i + tag.length + 1;
  const end = wamid.indexOf("_", start);
  return end < 0 ? -1 : Number(wamid.slice(start, end));
}

const TEXTS = [
  "Buongiorno, avete ancora la taglia M della giacca blu?",
  "Caff\\u00e8 e cornetto per due, grazie \\u2615",
  "Quando arriva il mio ordine n. 48213?",
  "Posso passare in negozio domani alle 10?",
  "Perfetto, grazie mille! \\ud83d\\ude4f",
  "Il pacco \\u00e8 arrivato danneggiato, cosa posso fare?",
  "Avete il modello in rosso?",
  "Ok",
];

/** The exact bytes of one inbound text webhook (already escaped: every non-ASCII char is \uxxxx). */
export function webhookBody(tag: string, slot: number, customers: number, rand: () => number): string {
  const customer = slot % customers;
  const waId = `39333${String(1_000_000 + customer).padStart(7, "0")}`;
  const ts = 1_750_000_000 + Math.floor(slot / 50);
  const text = TEXTS[Math.floor(rand() * TEXTS.length)]!;
  return (
    `{"object":"whatsapp_business_account","entry":[{"id":"${BENCH_WABA_ID}","changes":[{"value":{"messaging_product":"whatsapp",` +
    `"metadata":{"display_phone_number":"${BENCH_DISPLAY}","phone_number_id":"${BENCH_PHONE_ID}"},` +
    `"contacts":[{"profile":{"name":"Cliente ${customer}"},"wa_id":"${waId}"}],` +
    `"messages":[{"from":"${waId}","id":"${wamidOf(tag, slot)}","timestamp":"${ts}","type":"text","text":{"body":"${text}"}}]},` +
    `"field":"messages"}]}]}`
  );
}

export const sign = (body: string | Uint8Array, secret: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
