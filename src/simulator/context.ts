// What every part of the simulator shares: the app's dependencies, the faults, the webhook sender, timers on
// the injected clock (tracked, so stop() cancels them) and the "a phone changed" signal for live updates.
import { randomBytes } from "node:crypto";
import type { Deps } from "../deps";
import type { TimerHandle } from "../platform/clock";
import { FaultState } from "./faults";
import type { WebhookSender } from "./webhooks";

declare module "../platform/bus" {
  interface Events {
    /** A fake phone's thread changed (a message or a status): the open phone pages redraw it. */
    "simulator.changed": { numberId: number; customerId: number };
    /** Load mode progressed, started or stopped. */
    "simulator.load": Record<string, never>;
  }
}

export interface Sim {
  d: Deps;
  faults: FaultState;
  webhooks: WebhookSender;
  /** Runs `fn` after `ms` on the injected clock, unless the simulator stopped meanwhile. */
  later(ms: number, fn: () => void): void;
  changed(numberId: number, customerId: number): void;
  readonly stopped: boolean;
}

/** Builds the shared context; the webhook sender is attached right after (it needs the context itself). */
export function createContext(d: Deps): Sim & { stop(): void; attach(w: WebhookSender): void } {
  const timers = new Set<TimerHandle>();
  let stopped = false;
  const sim = {
    d,
    faults: new FaultState(),
    webhooks: null as unknown as WebhookSender,
    get stopped() {
      return stopped;
    },
    later(ms: number, fn: () => void) {
      if (stopped) return;
      const h: TimerHandle = d.clock.setTimeout(() => {
        timers.delete(h);
        if (stopped) return;
        try {
          fn();
        } catch (err) {
          d.log.error("simulator task failed", { err });
        }
      }, ms);
      timers.add(h);
    },
    changed(numberId: number, customerId: number) {
      d.bus.emit("simulator.changed", { numberId, customerId });
    },
    attach(w: WebhookSender) {
      sim.webhooks = w;
    },
    stop() {
      stopped = true;
      for (const h of timers) h.cancel();
      timers.clear();
    },
  };
  return sim;
}

/** A new message id shaped like Meta's: "wamid." + base64 of a phone-ish prefix and random bytes. */
export function newWamid(digits: string): string {
  const head = Buffer.from(`\x18\x0c${digits.slice(-12)}\x15\x02\x00\x11\x18\x12`, "latin1");
  return `wamid.${Buffer.concat([head, randomBytes(18)]).toString("base64")}`;
}

/**
 * A numeric id like Meta's media and template ids (16 digits). Kept below 2^53: template webhooks carry the id
 * as a JSON number, which a JavaScript reader must get back exactly.
 */
export function newNumericId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 8_000_000_000_000_000n;
  return String(1_000_000_000_000_000n + n);
}

/** Meta's timestamps: Unix seconds as a string. */
export const metaSeconds = (ms: number) => String(Math.floor(ms / 1000));

/** Digits only ("+39 333 123" → "39333123"). */
export const digitsOf = (s: string) => s.replace(/\D/g, "");
