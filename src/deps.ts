// The dependencies every capability receives: the platform (built in server.ts) and the services of the
// capabilities (built in services.ts). No module-level singletons: everything flows from here.
import type { Config } from "./platform/config";
import type { Db } from "./platform/db";
import type { GroupCommit } from "./platform/groupcommit";
import type { Clock } from "./platform/clock";
import type { Logger } from "./platform/log";
import type { Bus } from "./platform/bus";
import type { Views } from "./platform/views";
import type { Assets } from "./platform/assets";
import type { SseBroker } from "./platform/sse";
import type { Metrics } from "./platform/metrics";
import type { Scheduler } from "./platform/scheduler";
import type { Sealer } from "./platform/crypto";
import type { Services } from "./services";

export interface Platform {
  cfg: Readonly<Config>;
  db: Db;
  /** Shared transaction per event-loop turn for writes answered only once durable (API enqueue, sends). */
  commits: GroupCommit;
  clock: Clock;
  log: Logger;
  bus: Bus;
  views: Views;
  assets: Assets;
  sse: SseBroker;
  metrics: Metrics;
  scheduler: Scheduler;
  sealer: Sealer;
  /** Process start (for uptime), wall-clock milliseconds. */
  startedAt: number;
  /** Facts known once the server listens: how this process reaches itself (the built-in simulator). */
  runtime: { selfUrl: string };
}

export type Deps = Platform & Services;
