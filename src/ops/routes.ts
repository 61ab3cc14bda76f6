// Operations: /healthz for load balancers and Docker, /metrics for Prometheus.
import { statSync } from "node:fs";
import type { Deps } from "../deps";
import { route } from "../platform/http";
import { dbHealthy } from "../platform/db";

/** The health report: ok, or degraded with the reasons an operator should read. */
export function health(d: Deps) {
  const db = dbHealthy(d.db);
  const warnings: string[] = [];
  if (!d.cfg.tlsCert && d.cfg.baseUrl.startsWith("http://") && !/localhost|127\.0\.0\.1/.test(d.cfg.baseUrl)) {
    warnings.push("BASE_URL is plain http on a non-local address: serve HTTPS (TLS_CERT/TLS_KEY) or put a TLS proxy in front.");
  }
  // Same condition under which POST /webhooks/whatsapp answers 503: a real number's messages are being lost.
  if (!d.cfg.waAppSecret && d.numbers.realConnected() > 0) {
    warnings.push("WA_APP_SECRET is not set: webhook POSTs are refused until it is set (a real number is connected).");
  }
  const stopped = d.numbers.list().filter((n) => n.status === "error");
  for (const n of stopped) warnings.push(`${n.display_phone_number} cannot send: ${n.last_error ?? "error"}.`);
  const queued = d.numbers.list().reduce((sum, n) => sum + d.outbox.depth(n.id), 0);
  return {
    status: db ? (warnings.length ? "degraded" : "ok") : "down",
    db: db ? "ok" : "unavailable",
    // running: every number can send; stalled: a number stopped (token, ban) while messages wait.
    send_loop: stopped.length ? "stalled" : queued ? "sending" : "idle",
    queued,
    uptime_s: Math.round((Date.now() - d.startedAt) / 1000),
    version: VERSION,
    warnings,
  };
}

export const VERSION = "0.1.0";

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function opsRoutes(d: Deps) {
  d.metrics.gauge("centralino_sse_clients", "Open live-update streams.", () => d.sse.size);
  d.metrics.gauge("centralino_db_bytes", "Size of the SQLite database and its WAL.", () => [
    { labels: { file: "db" }, value: fileSize(d.db.path) },
    { labels: { file: "wal" }, value: fileSize(`${d.db.path}-wal`) },
  ]);
  d.metrics.gauge("centralino_process_resident_memory_bytes", "Resident memory of the process.", () => process.memoryUsage().rss);
  d.metrics.gauge("centralino_uptime_seconds", "Seconds since start.", () => Math.round((Date.now() - d.startedAt) / 1000));
  d.metrics.gauge("centralino_alerts_open", "Admin alerts waiting for a person.", () => d.alerts.countOpen());
  return [
    route({
      method: "GET",
      path: "/healthz",
      access: "public",
      bare: true,
      handler: () => {
        const h = health(d);
        return Response.json(h, { status: h.status === "down" ? 503 : 200, headers: { "cache-control": "no-store" } });
      },
    }),
    route({
      method: "GET",
      path: "/metrics",
      access: "public",
      bare: true,
      handler: () => new Response(d.metrics.render(), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } }),
    }),
  ];
}
