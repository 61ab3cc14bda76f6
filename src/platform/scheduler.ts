// Scheduled jobs in one table (Uptime Kuma jobs.js, PocketBase cron): croner with no overlap and errors logged.
// Jobs can also be run by name, for tests and for admins. Long-running loops are never cron jobs.
// Croner job names are process-global, so names stay in our table (several apps run in one test process).
import { Cron } from "croner";
import type { Logger } from "./log";

export interface Job {
  name: string;
  /** Cron pattern, seconds optional (croner syntax). */
  cron: string;
  /** Why and what, shown to admins. */
  description: string;
  run: () => Promise<void> | void;
}

/** Runs the job table on its schedules. */
export class Scheduler {
  private crons: Cron[] = [];
  private jobs = new Map<string, Job>();

  constructor(private log: Logger, private timezone: string) {}

  add(job: Job): void {
    this.jobs.set(job.name, job);
  }

  list(): Job[] {
    return [...this.jobs.values()];
  }

  start(): void {
    for (const job of this.jobs.values()) {
      this.crons.push(
        new Cron(job.cron, { protect: true, timezone: this.timezone, unref: true, catch: (e) => this.log.error("job failed", { job: job.name, err: e }) }, () => this.runJob(job)),
      );
    }
  }

  /** Runs one job now, by name; throws for an unknown name. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`unknown job ${name}`);
    await this.runJob(job);
  }

  private async runJob(job: Job): Promise<void> {
    const t0 = performance.now();
    await job.run();
    this.log.debug("job done", { job: job.name, ms: Math.round(performance.now() - t0) });
  }

  stop(): void {
    for (const c of this.crons) c.stop();
    this.crons = [];
  }
}
