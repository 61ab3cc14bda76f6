// The scheduled-job table (STYLE.md "Scheduler"): each job's run function lives with its capability.
import type { Deps } from "./deps";
import { maintain } from "./platform/db";

export function registerJobs(d: Deps): void {
  d.scheduler.add({
    name: "auth.sweep",
    cron: "17 * * * *",
    description: "Hourly: delete expired sessions, stale sign-in challenges and old throttle counters.",
    run: () => d.auth.sweep(),
  });
  d.scheduler.add({
    name: "db.maintenance",
    cron: "30 3 * * *",
    description: "Nightly: checkpoint the WAL into the database file and refresh the query planner's statistics.",
    run: () => maintain(d.db),
  });
}
