// The scheduled-job table (STYLE.md "Scheduler"): each job's run function lives with its capability.
import type { Deps } from "./deps";
import { maintain } from "./platform/db";
import { pruneWebhookEvents } from "./whatsapp/jobs";
import { refreshAllHealth, syncAllTemplates } from "./numbers/jobs";
import { pruneSendRecords, recountDepths, reviewRamps } from "./outbox/jobs";
import { drainQueue, reassignUnanswered, sweepPresence } from "./routing/jobs";

export function registerJobs(d: Deps): void {
  d.scheduler.add({
    name: "conversations.snooze",
    cron: "* * * * *",
    description: "Every minute: snoozed conversations whose time has come are open again.",
    run: () => void d.conversations.wakeDue(),
  });
  d.scheduler.add({
    name: "routing.presence",
    cron: "* * * * *",
    description: "Every minute: agents whose inbox page stopped its heartbeat past the grace period go offline, and their conversations are routed again.",
    run: () => sweepPresence(d),
  });
  d.scheduler.add({
    name: "routing.reassign",
    cron: "30 * * * * *",
    description: "Every minute: conversations not answered within the configured minutes go to another available agent.",
    run: () => reassignUnanswered(d),
  });
  d.scheduler.add({
    name: "routing.queue",
    cron: "*/5 * * * *",
    description: "Every 5 minutes: assign waiting conversations if capacity is free (a safety net; capacity changes drain the queue at once).",
    run: () => drainQueue(d),
  });
  d.scheduler.add({
    name: "outbox.ramp",
    cron: "*/30 * * * *",
    description: "Every 30 minutes: numbers left at the default rate ramp from 20 toward 60 messages a minute while quality stays good.",
    run: () => reviewRamps(d),
  });
  d.scheduler.add({
    name: "outbox.depth",
    cron: "*/5 * * * *",
    description: "Every 5 minutes: recount the outbox per number (health and metrics keep the depth in memory; this folds in writes made by other processes).",
    run: () => recountDepths(d),
  });
  d.scheduler.add({
    name: "outbox.prune",
    cron: "50 3 * * *",
    description: "Nightly: forget messaging-limit records and idempotency keys older than 24 hours.",
    run: () => pruneSendRecords(d),
  });
  d.scheduler.add({
    name: "numbers.health",
    cron: "*/15 * * * *",
    description: "Every 15 minutes: read each connected number's status, quality and limit from the Graph API.",
    run: () => refreshAllHealth(d),
  });
  d.scheduler.add({
    name: "numbers.templates",
    cron: "7,37 * * * *",
    description: "Every 30 minutes: sync message templates of every WhatsApp Business Account from Meta.",
    run: () => syncAllTemplates(d),
  });
  d.scheduler.add({
    name: "webhooks.prune",
    cron: "45 3 * * *",
    description: "Nightly: forget processed webhook bodies older than 30 days (their content lives on in messages).",
    run: () => void pruneWebhookEvents(d),
  });
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
