// Demo mode (PRODUCT.md C1): on a fresh install with the simulator on and no number at all, a simulated
// number "Centralino Demo" is created at the fake Meta, given templates and three customers, and connected
// through the app's normal connect path (which calls the fake Graph API over HTTP, as it would call Meta).
// Idempotent: it runs only while no number exists, and reuses what a failed earlier attempt left behind.
import type { Deps } from "../deps";
import type { AuditWho } from "../audit";
import type { NumberRow } from "../numbers";
import { randomToken, sha256 } from "../platform/ids";
import { ensureCustomer } from "./customers";
import type { Sim } from "./context";
import { simulatorOn } from "./mode";
import { seedTemplate, type TemplateDef } from "./templates";
import * as store from "./store";

export const DEMO = { phone_number_id: "100000000000001", waba_id: "200000000000001", display_phone_number: "+39 02 1234 5678", name: "Centralino Demo" };

const TEMPLATES: TemplateDef[] = [
  {
    name: "hello_world", language: "en_US", category: "UTILITY", status: "APPROVED",
    components: [{ type: "HEADER", format: "TEXT", text: "Hello World" }, { type: "BODY", text: "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta." }, { type: "FOOTER", text: "WhatsApp Business Platform sample message" }],
  },
  {
    name: "ordine_spedito", language: "it", category: "MARKETING", status: "APPROVED",
    components: [
      { type: "BODY", text: "Ciao {{1}}, il tuo ordine {{2}} è stato spedito!", example: { body_text: [["Giulia", "A-1042"]] } },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Grazie!" }, { type: "QUICK_REPLY", text: "Dov'è il pacco?" }] },
    ],
  },
  {
    name: "promo_estate", language: "it", category: "MARKETING", status: "PAUSED",
    components: [{ type: "BODY", text: "Saldi d'estate: -20% su tutto il catalogo fino a domenica!" }, { type: "FOOTER", text: "Rispondi STOP per non ricevere più offerte" }],
  },
];

const CUSTOMERS = [
  { name: "Giulia Rossi", phone: "393331234567" },
  { name: "Marco Bianchi", phone: "393471112233" },
  { name: "Francesca Esposito", phone: "393209876543" },
];

export interface SimNumberSpec {
  phone_number_id: string;
  waba_id: string;
  display_phone_number: string;
  name: string;
  portfolio?: string;
}

/** Creates (or re-keys) a number at the fake Meta, seeds its WABA's templates and connects it in the app. */
export async function connectSimNumber(sim: Sim, spec: SimNumberSpec, who: AuditWho): Promise<NumberRow> {
  const { d } = sim;
  // The app keeps the token sealed and the simulator only its hash, so a retry mints a new one.
  const token = `SIM${randomToken(32)}`;
  const existing = store.numberByPhoneId(d.db, spec.phone_number_id);
  if (existing) store.setNumberToken(d.db, existing.id, sha256(token));
  else {
    store.insertNumber(d.db, {
      phone_number_id: spec.phone_number_id, waba_id: spec.waba_id, display_phone_number: spec.display_phone_number, verified_name: spec.name,
      token_sha256: sha256(token), quality_rating: "GREEN", messaging_limit_tier: "TIER_1K", throughput_level: "STANDARD", portfolio: spec.portfolio ?? "", created_at: d.clock.now(),
    });
  }
  for (const t of TEMPLATES) seedTemplate(sim, spec.waba_id, t);
  return d.numbers.connect({ ...spec, access_token: token, simulated: true, default_language: "it" }, who);
}

/** The next free simulated ids and display number, for one more demo number in the demo WABA. */
export function nextSimNumber(sim: Sim, name?: string): SimNumberSpec {
  const n = store.listNumbers(sim.d.db).length;
  const pid = String(BigInt(DEMO.phone_number_id) + BigInt(n));
  return { phone_number_id: pid, waba_id: DEMO.waba_id, display_phone_number: `+39 02 1234 ${String(5678 + n).padStart(4, "0")}`, name: name?.trim() || `${DEMO.name} ${n + 1}` };
}

/** Demo setup after listen; never fails the start (a problem is logged and the app runs without it). */
export async function bootstrapSimulator(d: Deps, banner: boolean): Promise<void> {
  if (!simulatorOn(d) || d.numbers.list().length > 0) return;
  const sim = d.simulator.sim;
  try {
    await connectSimNumber(sim, DEMO, { actor: null, system: true });
    for (const c of CUSTOMERS) ensureCustomer(sim, c.phone, c.name);
    d.log.info("demo mode: simulated number connected", { phone_number_id: DEMO.phone_number_id });
    if (banner) process.stderr.write(`  Demo mode: a simulated WhatsApp number is connected. Open ${d.cfg.baseUrl}/simulator to write as a customer.\n`);
  } catch (err) {
    d.log.error("demo mode setup failed", { err: err instanceof Error ? err.message : String(err) });
  }
}
