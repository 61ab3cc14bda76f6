// Scheduled work of the WhatsApp connector.
import type { Deps } from "../deps";
import { deleteDoneEventsBefore } from "./store";

/** Forgets processed webhook bodies older than `days` (their content lives on in messages). */
export function pruneWebhookEvents(d: Deps, days = 30): number {
  return deleteDoneEventsBefore(d.db, d.clock.now() - days * 86_400_000);
}
