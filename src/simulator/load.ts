// Load mode (PRODUCT.md C4): N fake customers writing M messages per second for D seconds to a simulated
// number, for demos and benchmarks. Paced on real time (a benchmark measures the real app), spaced evenly:
// each tick sends what is due since the start, so a slow tick catches up instead of drifting.
import type { Sim } from "./context";
import { conflict, invalid, notFound } from "../platform/errors";
import { customerSends, ensureCustomer } from "./customers";
import * as store from "./store";
import type { SimCustomer, SimNumber } from "./store";

export interface LoadSpec {
  customers: number;
  rate_per_s: number;
  duration_s: number;
  /** phone_number_id of the simulated number; default the first. */
  number?: string;
}

export interface LoadState {
  running: boolean;
  number: string | null;
  customers: number;
  rate_per_s: number;
  duration_s: number;
  started_at: string | null;
  finished_at: string | null;
  sent: number;
  target: number;
}

const TICK_MS = 20;
/** Live progress is pushed at most this often. */
const PROGRESS_MS = 500;

const PHRASES = [
  "Ciao, a che ora chiudete oggi?", "Buongiorno, il mio ordine non è ancora arrivato", "Vorrei cambiare l'indirizzo di consegna",
  "Avete questo modello in taglia M?", "Grazie mille, gentilissimi!", "Posso pagare alla consegna?", "Quanto costa la spedizione in Sardegna?",
  "Hi, is the shop open on Sunday?", "Where is my order?", "Can I return an item bought online?", "Thanks, that solved it 👍",
  "Do you ship to Switzerland?", "I'd like to speak to a person, please", "Il codice sconto non funziona 😕",
];
const FIRST = ["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Sara", "Alessandro", "Elena", "Davide", "Martina", "Lorenzo"];
const LAST = ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Costa"];

export const loadCustomerName = (i: number) => `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
const loadPhone = (i: number) => `39300${String(i + 1).padStart(7, "0")}`;

export class LoadRunner {
  private state: LoadState = { running: false, number: null, customers: 0, rate_per_s: 0, duration_s: 0, started_at: null, finished_at: null, sent: 0, target: 0 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private t0 = 0;
  private lastProgress = 0;
  private pool: SimCustomer[] = [];
  private number: SimNumber | null = null;

  constructor(private sim: Sim) {}

  status(): LoadState {
    return { ...this.state };
  }

  /** Starts a run; 409 while one runs, 422 for values out of range, 404 without a simulated number. */
  start(spec: LoadSpec): LoadState {
    if (this.state.running) throw conflict("load_running", "A load run is already going; stop it first.");
    const errors = [];
    if (!Number.isInteger(spec.customers) || spec.customers < 1 || spec.customers > 10_000) errors.push({ field: "customers", message: "must be a whole number from 1 to 10000" });
    if (!(spec.rate_per_s >= 0.1 && spec.rate_per_s <= 2000)) errors.push({ field: "rate_per_s", message: "must be from 0.1 to 2000 messages per second" });
    if (!(spec.duration_s >= 1 && spec.duration_s <= 3600)) errors.push({ field: "duration_s", message: "must be from 1 to 3600 seconds" });
    if (errors.length) throw invalid(errors);
    const { db } = this.sim.d;
    const number = spec.number ? store.numberByPhoneId(db, spec.number) : store.listNumbers(db)[0];
    if (!number) throw notFound("No simulated number to send to.");
    this.number = number;
    this.pool = Array.from({ length: spec.customers }, (_, i) => ensureCustomer(this.sim, loadPhone(i), loadCustomerName(i), "load"));
    const target = Math.round(spec.rate_per_s * spec.duration_s);
    this.state = { running: true, number: number.phone_number_id, customers: spec.customers, rate_per_s: spec.rate_per_s, duration_s: spec.duration_s, started_at: new Date().toISOString(), finished_at: null, sent: 0, target };
    this.t0 = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.progress(true);
    return this.status();
  }

  stop(): LoadState {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.state.running) {
      this.state.running = false;
      this.state.finished_at = new Date().toISOString();
      this.progress(true);
    }
    return this.status();
  }

  private tick(): void {
    const s = this.state;
    if (this.sim.stopped) return void this.stop();
    const due = Math.min(s.target, Math.floor(((performance.now() - this.t0) / 1000) * s.rate_per_s));
    try {
      while (s.sent < due) {
        const customer = this.pool[s.sent % this.pool.length]!;
        customerSends(this.sim, this.number!, customer, { type: "text", body: { body: PHRASES[Math.floor(Math.random() * PHRASES.length)]! } });
        s.sent++;
      }
    } catch (err) {
      this.sim.d.log.error("load mode stopped on an error", { err });
      return void this.stop();
    }
    if (s.sent >= s.target) return void this.stop();
    this.progress(false);
  }

  private progress(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = now;
    this.sim.d.bus.emit("simulator.load", {});
  }
}
