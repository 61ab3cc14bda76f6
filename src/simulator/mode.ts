// SIMULATOR=on|off|auto, evaluated per request: `auto` turns the simulator off as soon as a real number is
// connected (a production install must not expose fake customers), and on again if none is left.
import type { Deps } from "../deps";

/** True while the simulator's pages and fake Graph API answer. */
export function simulatorOn(d: Pick<Deps, "cfg" | "numbers">): boolean {
  if (d.cfg.simulator === "on") return true;
  if (d.cfg.simulator === "off") return false;
  return d.numbers.realConnected() === 0;
}
