// The built-in WhatsApp simulator (PRODUCT.md C4): a fake Meta behind the app's own HTTP surface. The app
// talks to it only as it talks to Meta (the Graph API over HTTP, signed webhooks back), so every demo and test
// through it exercises the real connector. This file is the module's public surface.
import type { Deps } from "../deps";
import { simulatorApi } from "./api";
import { composeRoutes } from "./compose";
import { createContext, type Sim } from "./context";
import type { FaultState } from "./faults";
import { graphRoutes } from "./graph";
import { registerSimulatorLive as registerLive } from "./live";
import { LoadRunner } from "./load";
import { simulatorOn } from "./mode";
import { panelRoutes } from "./panels";
import { phoneRoutes } from "./phone";
import { resumeReviews } from "./templates";
import { WebhookSender } from "./webhooks";

export { simulatorOn } from "./mode";
export { bootstrapSimulator, DEMO } from "./bootstrap";

export interface SimulatorService {
  /** Shared internals, for the simulator's own routes and tests. */
  sim: Sim;
  faults: FaultState;
  load: LoadRunner;
  webhooks: WebhookSender;
  /** SIMULATOR=on, or auto with no real number connected. */
  on(): boolean;
  /** Resumes template reviews a restart interrupted (the server calls this once it listens). */
  start(): void;
  /** Stops load mode and every pending timer (statuses, retries, reviews). */
  stop(): void;
}

export function createSimulator(d: Deps): SimulatorService {
  const sim = createContext(d);
  const webhooks = new WebhookSender(sim);
  sim.attach(webhooks);
  const load = new LoadRunner(sim);
  return {
    sim,
    faults: sim.faults,
    load,
    webhooks,
    on: () => simulatorOn(d),
    start: () => resumeReviews(sim),
    stop() {
      load.stop();
      sim.stop();
    },
  };
}

/** Every simulator route: the fake Graph API, the phone page and its panels, the /api/v1 resources. */
export function simulatorRoutes(d: Deps) {
  const { sim, load } = d.simulator;
  return [...graphRoutes(sim), ...phoneRoutes(sim, load), ...composeRoutes(sim), ...panelRoutes(sim, load), ...simulatorApi(d, sim, load)];
}

/** Live phone pages and load progress over SSE. */
export function registerSimulatorLive(d: Deps): void {
  registerLive(d, d.simulator.sim, d.simulator.load);
}
