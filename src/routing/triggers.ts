// What sets routing in motion (PRODUCT.md C6), as bus subscriptions registered when the service is built:
// new and reopened conversations are routed, freed capacity drains the queue, and a disabled agent's
// conversations are handed on. Presence changes trigger from the service itself.
import type { Deps } from "../deps";
import type { RoutingService } from "./service";

const CAPACITY_KEYS = new Set(["default_capacity", "max_capacity"]);

export function registerRoutingTriggers(d: Deps, routing: RoutingService): void {
  // New conversations arrive in bursts (a webhook batch): decide them together in one transaction, right after
  // the batch commits, instead of paying one durable commit per decision.
  const fresh = new Set<number>();
  let scheduled = false;
  const routeFresh = () => {
    scheduled = false;
    const ids = [...fresh];
    fresh.clear();
    d.db.tx(() => {
      for (const id of ids) {
        try {
          routing.route(id);
        } catch (err) {
          d.log.error("routing failed", { conversation: id, err });
        }
      }
    });
  };
  d.bus.on("conversation.created", ({ conversationId }) => {
    fresh.add(conversationId);
    if (scheduled) return;
    scheduled = true;
    setImmediate(routeFresh);
  });
  d.bus.on("conversation.reopened", ({ conversationId }) => routing.revisit(conversationId));
  d.bus.on("conversation.resolved", () => void routing.drainQueue());
  d.bus.on("conversation.snoozed", ({ conversationId, until }) => {
    // Snoozing frees a place; waking brings the conversation back to its agent, or to the queue.
    if (until === null) routing.revisit(conversationId);
    routing.drainQueue();
  });
  d.bus.on("settings.changed", ({ keys }) => {
    if (keys.some((k) => CAPACITY_KEYS.has(k))) routing.drainQueue();
  });
  d.bus.on("user.changed", ({ userId }) => {
    // A disabled agent (or one whose role no longer replies) hands their conversations on; a capacity change
    // may let the queue move.
    if (!routing.agents().some((a) => a.id === userId)) routing.release(userId, "agent unavailable");
    routing.drainQueue();
  });
}
