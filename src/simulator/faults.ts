// Fault injection (PRODUCT.md C4): what goes wrong at Meta, switched on from the phone page or the API, so the
// send loop's backoff, the webhook receiver's dedupe and the status state machine can be seen working. Kept in
// memory on purpose: a restart clears every fault, so a forgotten outage cannot outlive the demo.

export type OutageMode = "off" | "error" | "timeout";

export interface StatusDelays {
  /** After the send is accepted, the `sent` status webhook. */
  sent_ms: number;
  delivered_ms: number;
  /** The automatic `read`; 0 = only when the customer's phone page shows the message. */
  read_ms: number;
  /** How long a submitted template stays PENDING. */
  template_review_ms: number;
}

/** Meta's limits the fake Graph API enforces; adjustable for demos and tests, on by default. */
export interface Limits {
  /** Sends a number may make per second before 130429 (Meta: 80, or 1,000 after the upgrade). */
  throughput_per_s: number;
  /** Pair rate: a recipient refills one message every `pair_every_ms` and may burst up to `pair_burst` (131056). */
  pair_burst: number;
  pair_every_ms: number;
  /** Free-form messages outside the 24-hour window fail later with a 131047 status. */
  window: boolean;
  /** The portfolio's messaging limit (unique customers reached outside the window in 24 hours). */
  messaging_limit: boolean;
}

export interface Faults {
  /** `error`: every Graph call answers 503 code 2; `timeout`: calls hang until the client gives up. */
  outage: OutageMode;
  /** Added to every Graph answer. */
  slow_ms: number;
  /** The next `count` sends fail with `code`: at once (`sync`) or as a failed status webhook (`async`). */
  next_errors: { count: number; code: number; mode: "sync" | "async" };
  /** Share of webhooks (0-1) delivered twice, as Meta's at-least-once delivery does. */
  duplicate_ratio: number;
  /** Status webhooks in reverse order (read before delivered before sent). */
  reorder: boolean;
  /** Webhooks held for `batch_window_ms` and packed into one POST (several entries and changes). */
  batch: boolean;
  batch_window_ms: number;
  /** Skip `delivered` before `read`, as Meta does when both happen together. */
  drop_delivered: boolean;
  delays: StatusDelays;
  limits: Limits;
}

export type FaultsPatch = Partial<Omit<Faults, "next_errors" | "delays" | "limits">> & {
  next_errors?: Partial<Faults["next_errors"]>;
  delays?: Partial<StatusDelays>;
  limits?: Partial<Limits>;
};

/** How long a `timeout` outage holds a request before answering 503 (longer than the app's client waits). */
export const TIMEOUT_HOLD_MS = 30_000;

export function defaultFaults(): Faults {
  return {
    outage: "off",
    slow_ms: 0,
    next_errors: { count: 0, code: 131000, mode: "sync" },
    duplicate_ratio: 0,
    reorder: false,
    batch: false,
    batch_window_ms: 200,
    drop_delivered: false,
    delays: { sent_ms: 300, delivered_ms: 800, read_ms: 2000, template_review_ms: 3000 },
    limits: { throughput_per_s: 80, pair_burst: 45, pair_every_ms: 6000, window: true, messaging_limit: true },
  };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The current faults of this process, with the one-shot error counter. */
export class FaultState {
  private f = defaultFaults();

  get(): Faults {
    return structuredClone(this.f);
  }

  /** Merges a patch, clamping numbers to sane ranges. */
  set(p: FaultsPatch): Faults {
    const f = this.f;
    if (p.outage) f.outage = p.outage;
    if (p.slow_ms !== undefined) f.slow_ms = clamp(Math.round(p.slow_ms), 0, 60_000);
    if (p.duplicate_ratio !== undefined) f.duplicate_ratio = clamp(p.duplicate_ratio, 0, 1);
    if (p.reorder !== undefined) f.reorder = p.reorder;
    if (p.batch !== undefined) f.batch = p.batch;
    if (p.batch_window_ms !== undefined) f.batch_window_ms = clamp(Math.round(p.batch_window_ms), 0, 60_000);
    if (p.drop_delivered !== undefined) f.drop_delivered = p.drop_delivered;
    if (p.next_errors) {
      const n = p.next_errors;
      f.next_errors = { count: clamp(Math.round(n.count ?? f.next_errors.count), 0, 100_000), code: n.code ?? f.next_errors.code, mode: n.mode ?? f.next_errors.mode };
    }
    if (p.limits) {
      const l = p.limits;
      if (l.throughput_per_s !== undefined) f.limits.throughput_per_s = clamp(Math.round(l.throughput_per_s), 1, 10_000);
      if (l.pair_burst !== undefined) f.limits.pair_burst = clamp(Math.round(l.pair_burst), 1, 1000);
      if (l.pair_every_ms !== undefined) f.limits.pair_every_ms = clamp(Math.round(l.pair_every_ms), 0, 3_600_000);
      if (l.window !== undefined) f.limits.window = l.window;
      if (l.messaging_limit !== undefined) f.limits.messaging_limit = l.messaging_limit;
    }
    if (p.delays) {
      for (const k of Object.keys(f.delays) as (keyof StatusDelays)[]) {
        const v = p.delays[k];
        if (v !== undefined) f.delays[k] = clamp(Math.round(v), 0, 3_600_000);
      }
    }
    return this.get();
  }

  reset(): Faults {
    this.f = defaultFaults();
    return this.get();
  }

  /** Consumes one scripted send error, if any is left. */
  takeSendError(): { code: number; mode: "sync" | "async" } | null {
    const n = this.f.next_errors;
    if (n.count <= 0) return null;
    n.count--;
    return { code: n.code, mode: n.mode };
  }

  /** True when this webhook should also be delivered a second time. */
  duplicate(): boolean {
    return this.f.duplicate_ratio > 0 && Math.random() < this.f.duplicate_ratio;
  }
}
