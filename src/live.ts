// Live updates: bus events turned into SSE messages, each capability wiring its own.
import type { Deps } from "./deps";
import { registerAlertsLive } from "./alerts/live";

export function registerLive(d: Deps): void {
  registerAlertsLive(d);
}
