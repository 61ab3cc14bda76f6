// Live phone pages: when a thread changes (a message either way, a status) its fragment is pushed over the
// app's SSE stream to pages whose actor may use the simulator, as an out-of-band swap of the thread's stable
// id (a page showing another thread has no such element and ignores it). Changes are coalesced per thread
// within one event-loop turn, so a burst of statuses costs one render. Load-mode customers are not pushed.
import type { Deps } from "../deps";
import { isLocale, translator } from "../platform/i18n";
import type { SseClient } from "../platform/sse";
import type { Sim } from "./context";
import type { LoadRunner } from "./load";
import * as store from "./store";
import { visibleNumbers } from "../conversations/routes";
import { threadView } from "./view";

const canUse = (c: SseClient) => c.actor.perms.has("simulator:use");

/** A fake phone shows customer text: only to simulator users who may see the app number it talks to. */
function seesNumber(d: Deps, phoneNumberId: string) {
  const n = d.numbers.byPhoneId(phoneNumberId);
  return (c: SseClient) => {
    if (!canUse(c)) return false;
    const visible = visibleNumbers(d, c.actor);
    return visible === null || (!!n && visible.includes(n.id));
  };
}

/** Subscribes the simulator's SSE pushes to its bus events. */
export function registerSimulatorLive(d: Deps, sim: Sim, load: LoadRunner): void {
  const dirty = new Set<string>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    for (const key of dirty) {
      const [numberId, customerId] = key.split(":").map(Number) as [number, number];
      pushThread(d, sim, numberId, customerId);
    }
    dirty.clear();
  };

  d.bus.on("simulator.changed", ({ numberId, customerId }) => {
    dirty.add(`${numberId}:${customerId}`);
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  });

  d.bus.on("simulator.load", () => {
    const state = load.status();
    d.sse.publishBy(
      canUse,
      (c) => c.locale,
      (c) => d.views.render("@simulator/_load", { t: translator(isLocale(c.locale) ? c.locale : "en"), load: state, oob: true }),
    );
  });
}

function pushThread(d: Deps, sim: Sim, numberId: number, customerId: number): void {
  if (sim.stopped) return;
  const number = store.getNumber(d.db, numberId);
  const customer = store.getCustomer(d.db, customerId);
  if (!number || !customer || customer.kind === "load") return;
  d.sse.publishBy(
    seesNumber(d, number.phone_number_id),
    (c) => c.locale,
    (c) => {
      const locale = isLocale(c.locale) ? c.locale : "en";
      // No CSRF field here: a pushed fragment reaches pages with htmx running, which sends the token as a header.
      return d.views.render("@simulator/_thread", { t: translator(locale), th: threadView(sim, number, customer, locale), csrf: "", oob: true });
    },
  );
}
