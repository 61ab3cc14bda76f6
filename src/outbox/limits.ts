// Limits checked when a message leaves the queue: Meta's per-user marketing cap (a 24-hour hold after 131049)
// and the business portfolio's messaging limit (unique customers reached outside their window in 24 hours).
// A message over a limit waits; it is not failed.
import type { Deps } from "../deps";
import type { MessageRow } from "../conversations";
import type { NumberRow } from "../numbers";
import { marketingHold, oldestReach, reachCount, reachedSince } from "./store";

const DAY = 86_400_000;

const TIERS: Record<string, number> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

/** Unique customers a portfolio may reach outside the window in 24 hours; unknown tiers count as the lowest real one. */
export function tierLimit(tier: string | null): number {
  return (tier && TIERS[tier.toUpperCase()]) || 250;
}

/** Numbers of one business portfolio share the limit; without a portfolio, the WABA stands for it. */
export const portfolioOf = (n: NumberRow) => n.portfolio || `waba:${n.waba_id}`;

function templateCategory(d: Deps, n: NumberRow, m: MessageRow): string | null {
  const t = (JSON.parse(m.payload) as { template?: { name?: string; language?: { code?: string } } }).template;
  return t?.name && t.language?.code ? (d.numbers.template(n.waba_id, t.name, t.language.code)?.category ?? null) : null;
}

/** When this template counts against the portfolio's limit (business-initiated, outside the window). */
export function reachKey(d: Deps, n: NumberRow, m: MessageRow, now: number): { portfolio: string } | null {
  if (m.type !== "template") return null;
  const window = d.conversations.windowExpiresAt(n.id, m.contact_id);
  return window !== null && window > now ? null : { portfolio: portfolioOf(n) };
}

/** A time the message must wait for, or null when it may leave now. */
export function holdUntil(d: Deps, n: NumberRow, m: MessageRow, now: number): number | null {
  if (m.type !== "template") return null;
  if (templateCategory(d, n, m) === "MARKETING") {
    const hold = marketingHold(d.db, m.contact_id, now);
    if (hold !== null) return hold;
  }
  const reach = reachKey(d, n, m, now);
  if (!reach || reachedSince(d.db, reach.portfolio, m.contact_id, now - DAY)) return null;
  const limit = tierLimit(n.messaging_limit_tier);
  if (reachCount(d.db, reach.portfolio, now - DAY) < limit) return null;
  const oldest = oldestReach(d.db, reach.portfolio, now - DAY) ?? now;
  d.alerts.post({
    level: "warning",
    key: `portfolio-limit:${reach.portfolio}`,
    title: `Messaging limit reached (${limit} customers in 24 hours)`,
    body: `Templates to new customers from ${n.display_phone_number} wait until places free up in Meta's rolling 24-hour window.`,
    i18n: { title: ["alerts.limit_title", { limit }], body: ["alerts.limit_body", { number: n.display_phone_number }] },
    link: `/numbers/${n.id}`,
  });
  // The oldest place frees up a day after it was taken; never "now" or earlier, or the loop would spin.
  return Math.max(oldest + DAY, now + 1000);
}
