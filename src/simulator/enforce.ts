// Meta's limits, enforced by the fake Graph API like the real one (whatsapp-cloud-api.md §5): per-number
// throughput (130429), the per-recipient pair rate (131056), the 24-hour window (free-form outside it fails
// later with a 131047 status) and the portfolio's messaging limit. Counters live in memory, like the faults.
import { SimGraphError } from "./errors";
import type { SendCheck } from "./send";
import * as store from "./store";

const DAY = 86_400_000;
const TIERS: Record<string, number> = { TIER_50: 50, TIER_250: 250, TIER_1K: 1000, TIER_2K: 2000, TIER_10K: 10_000, TIER_100K: 100_000, TIER_UNLIMITED: Infinity };

interface Counters {
  recentSends: Map<number, number[]>;
  pairs: Map<string, { tokens: number; at: number }>;
  reached: Map<string, Map<string, number>>;
}

// Per simulator instance (several apps share one test process), forgotten with it.
const counters = new WeakMap<object, Counters>();
function of(sim: object): Counters {
  let c = counters.get(sim);
  if (!c) counters.set(sim, (c = { recentSends: new Map(), pairs: new Map(), reached: new Map() }));
  return c;
}

/** More sends in the last second than the number's throughput → 130429. */
export const throughput: SendCheck = (c) => {
  const now = c.sim.d.clock.now();
  const { recentSends } = of(c.sim);
  const list = (recentSends.get(c.number.id) ?? []).filter((t) => t > now - 1000);
  recentSends.set(c.number.id, list);
  if (list.length >= c.sim.faults.get().limits.throughput_per_s) throw new SimGraphError(130429);
  list.push(now);
};

/** A token bucket per (number, recipient): one message per 6 s on average, bursts up to 45 → 131056. */
export const pairRate: SendCheck = (c) => {
  const { pair_burst, pair_every_ms } = c.sim.faults.get().limits;
  const now = c.sim.d.clock.now();
  const { pairs } = of(c.sim);
  const key = `${c.number.id}:${c.to}`;
  const b = pairs.get(key) ?? { tokens: pair_burst, at: now };
  const refill = pair_every_ms > 0 ? (now - b.at) / pair_every_ms : pair_burst;
  b.tokens = Math.min(pair_burst, b.tokens + refill);
  b.at = now;
  if (b.tokens < 1) {
    pairs.set(key, b);
    throw new SimGraphError(131056);
  }
  b.tokens -= 1;
  pairs.set(key, b);
};

/** The customer's last message to this number, as the fake phone knows it. */
function lastInbound(c: Parameters<SendCheck>[0]): number | null {
  const customer = store.customerByPhone(c.sim.d.db, c.to);
  return customer ? store.lastInboundAt(c.sim.d.db, c.number.id, customer.id) : null;
}

/** Free-form outside the customer service window is accepted, then fails by webhook (131047), like Meta. */
export const windowOpen: SendCheck = (c) => {
  if (!c.sim.faults.get().limits.window || c.body.type === "template" || c.failLater) return;
  const last = lastInbound(c);
  if (last === null || last + DAY <= c.sim.d.clock.now()) c.failLater = 131047;
};

/**
 * Unique customers reached outside their window in a rolling 24 hours, per portfolio. Meta documents no code
 * for going over; the simulator fails such a send later with 131048 ("limit reached"), which the app treats
 * as final. The app's own send loop keeps below the limit, so a demo should never see it.
 */
export const messagingLimit: SendCheck = (c) => {
  if (!c.sim.faults.get().limits.messaging_limit || c.body.type !== "template" || c.failLater) return;
  const now = c.sim.d.clock.now();
  const last = lastInbound(c);
  if (last !== null && last + DAY > now) return;
  const portfolio = c.number.portfolio || `waba:${c.number.waba_id}`;
  const { reached } = of(c.sim);
  const seen = reached.get(portfolio) ?? new Map<string, number>();
  for (const [who, at] of seen) if (at <= now - DAY) seen.delete(who);
  reached.set(portfolio, seen);
  const limit = TIERS[c.number.messaging_limit_tier.toUpperCase()] ?? 250;
  if (!seen.has(c.to) && seen.size >= limit) {
    c.failLater = 131048;
    return;
  }
  seen.set(c.to, seen.get(c.to) ?? now);
};
