// Scheduled work of the numbers capability.
import type { Deps } from "../deps";

/** Reads each connected number's status, quality and limit from the Graph API. */
export async function refreshAllHealth(d: Deps): Promise<void> {
  for (const n of d.numbers.list().filter((x) => x.status !== "disabled")) {
    await d.numbers.refreshHealth(n.id).catch((e) => d.log.warn("health refresh failed", { number: n.id, err: e }));
  }
}

/** Syncs templates once per WhatsApp Business Account. */
export async function syncAllTemplates(d: Deps): Promise<void> {
  const seen = new Set<string>();
  for (const n of d.numbers.list().filter((x) => x.status !== "disabled")) {
    if (seen.has(n.waba_id)) continue;
    seen.add(n.waba_id);
    await d.numbers.syncTemplates(n.id).catch((e) => d.log.warn("template sync failed", { number: n.id, err: e }));
  }
}
