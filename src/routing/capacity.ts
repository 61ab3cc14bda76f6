// Capacity: how many open conversations an agent handles at once (PRODUCT.md C6: default 6, hard cap set by
// the workspace). A person's own value wins over the default, and nobody goes above the cap.

/** The agent's capacity from their own setting (null: the workspace default), never above the hard cap. */
export function capacityOf(own: number | null, defaultCapacity: number, maxCapacity: number): number {
  return Math.max(0, Math.min(own ?? defaultCapacity, maxCapacity));
}

/** True when the agent can take one more conversation. */
export function hasRoom(open: number, capacity: number): boolean {
  return open < capacity;
}
