// Live updates: bus events turned into SSE messages, each capability wiring its own.
import type { Deps } from "./deps";
import { registerAlertsLive } from "./alerts/live";
import { registerSimulatorLive } from "./simulator";
import { registerInboxLive } from "./inbox";

export function registerLive(d: Deps): void {
  registerAlertsLive(d);
  registerSimulatorLive(d);
  registerInboxLive(d);
}
