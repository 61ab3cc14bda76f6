// The two ways to pick one agent among those who can take a conversation now (PRODUCT.md C6). Both are
// deterministic over their input, so the same snapshot always gives the same agent.

export type Strategy = "round_robin" | "least_load" | "skills";
export const STRATEGIES: readonly Strategy[] = ["round_robin", "least_load", "skills"];
/** A team distributes its own work by rotation or by load; skills only choose the team. */
export const TEAM_STRATEGIES: readonly Strategy[] = ["round_robin", "least_load"];

export interface Candidate {
  id: number;
  /** Open conversations assigned now. */
  open: number;
  /** When the agent last got a conversation (ms), null when never since start. */
  lastAssignedAt: number | null;
}

/** Fewest open conversations; ties go to whoever waited longest since their last assignment, then the lower id. */
export function leastLoad<C extends Candidate>(candidates: readonly C[]): C | null {
  let best: C | null = null;
  for (const c of candidates) {
    if (!best || c.open < best.open || (c.open === best.open && (earlier(c, best) || (sameTime(c, best) && c.id < best.id)))) best = c;
  }
  return best;
}

const stamp = (c: Candidate) => c.lastAssignedAt ?? -Infinity;
const earlier = (a: Candidate, b: Candidate) => stamp(a) < stamp(b);
const sameTime = (a: Candidate, b: Candidate) => stamp(a) === stamp(b);

/**
 * The next agent after `lastId` in id order, wrapping around. The pointer is an id rather than a position, so
 * agents joining, leaving or filling up do not make the rotation skip or repeat anyone else.
 */
export function roundRobin<C extends Candidate>(candidates: readonly C[], lastId: number | null): C | null {
  const sorted = [...candidates].sort((a, b) => a.id - b.id);
  if (lastId === null) return sorted[0] ?? null;
  return sorted.find((c) => c.id > lastId) ?? sorted[0] ?? null;
}

/** Reads a stored strategy; anything unknown means least load (the column's default). */
export function asStrategy(s: string | null | undefined): Strategy {
  return (STRATEGIES as readonly string[]).includes(s ?? "") ? (s as Strategy) : "least_load";
}
