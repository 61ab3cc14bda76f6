// start(): open the database → migrate → build services → first admin → scheduler → listen. stop() drains:
// it stops accepting, lets requests in flight finish, closes live streams, stops jobs and closes the database.
import { join } from "node:path";
import type { Server } from "bun";
import { ConfigError, loadConfig, type Config } from "./platform/config";
import { AppError } from "./platform/errors";
import { withGeneratedSecrets } from "./platform/secrets";
import { openDb, type Db } from "./platform/db";
import { GroupCommit } from "./platform/groupcommit";
import { migrate } from "./platform/migrate";
import { systemClock, type Clock } from "./platform/clock";
import { createLogger, type Logger } from "./platform/log";
import { Bus } from "./platform/bus";
import { Views } from "./platform/views";
import { loadAssets } from "./platform/assets";
import { SseBroker } from "./platform/sse";
import { Metrics } from "./platform/metrics";
import { Scheduler } from "./platform/scheduler";
import { createSealer } from "./platform/crypto";
import { setRequestInfo, requestInfo } from "./platform/http";
import { clientIpResolver } from "./platform/client-ip";
import { createServices } from "./services";
import { buildApp } from "./app";
import { registerJobs } from "./jobs";
import { registerLive } from "./live";
import type { Deps, Platform } from "./deps";
import { bootstrapSimulator } from "./simulator";
import { webhookReceiver } from "./whatsapp";

export interface StartOptions {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  log?: Logger;
  /** Print the human-readable banner (where to log in, the setup link) on stderr. */
  banner?: boolean;
}

export interface Running {
  url: string;
  port: number;
  deps: Deps;
  routes: ReturnType<typeof buildApp>["routes"];
  /** Handles one request without the network (tests of the route layer). */
  handle(req: Request): Promise<Response>;
  stop(): Promise<void>;
}

/** The database file inside DATA_DIR. */
export function dbPath(cfg: Config): string {
  return join(cfg.dataDir, "centralino.db");
}

/** Opens and migrates the database of `cfg` (CLI commands share this with the server). */
export function openDatabase(cfg: Config, now: number): Db {
  const db = openDb(dbPath(cfg));
  migrate(db, now);
  return db;
}

/** Builds the platform and services without listening (the CLI uses this too). */
export async function assemble(cfg: Readonly<Config>, o: { clock?: Clock; log?: Logger } = {}): Promise<Deps> {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? createLogger(cfg.logLevel);
  const db = openDatabase(cfg, clock.now());
  const platform: Platform = {
    cfg,
    db,
    commits: new GroupCommit(db),
    clock,
    log,
    bus: new Bus((event, err) => log.error("event subscriber failed", { event, err })),
    views: new Views(),
    assets: await loadAssets(),
    sse: new SseBroker(),
    metrics: new Metrics(),
    scheduler: new Scheduler(log, Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"),
    sealer: createSealer(cfg.secretKey!),
    startedAt: Date.now(),
    runtime: { selfUrl: `http://127.0.0.1:${cfg.port}` },
  };
  return createServices(platform);
}

async function ensureFirstAdmin(d: Deps, banner: boolean): Promise<void> {
  if (d.users.list({ afterId: 0, limit: 1 }).length) return;
  if (d.cfg.adminEmail && d.cfg.adminPassword) {
    try {
      await d.users.createOwner(d.cfg.adminEmail, "Admin", d.cfg.adminPassword, { actor: null, system: true });
    } catch (e) {
      if (e instanceof AppError) {
        const what = e.fields.map((f) => `${f.field === "password" ? "ADMIN_PASSWORD" : f.field === "email" ? "ADMIN_EMAIL" : f.field} ${f.message}`).join("; ");
        throw new ConfigError(`Invalid configuration:\n  - ${what || e.message}`);
      }
      throw e;
    }
    d.log.info("created the first owner from ADMIN_EMAIL", { email: d.cfg.adminEmail });
    return;
  }
  const token = d.auth.setupToken();
  if (banner && token) {
    // The one-time link is printed for the operator on purpose; it is never written to the JSON log.
    process.stderr.write(`\n  No account exists yet. Create the owner at:\n    ${d.cfg.baseUrl}/setup?token=${token}\n\n`);
  }
}

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/** How this process reaches itself: the wildcard addresses answer on loopback, a specific one only on itself. */
function loopbackHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

const WEBHOOK_PATH = "/webhooks/whatsapp";
const QUIET = /^\/(public\/|healthz|metrics|events|favicon)/;

/** Starts Centralino and returns a handle to stop it. */
export async function start(opts: StartOptions = {}): Promise<Running> {
  const env = opts.env ?? process.env;
  const cfg0 = withGeneratedSecrets(loadConfig(env));
  const tls = cfg0.tlsCert && cfg0.tlsKey ? { cert: Bun.file(cfg0.tlsCert), key: Bun.file(cfg0.tlsKey) } : undefined;

  // Bind first, so PORT=0 resolves to a real port before anything uses BASE_URL; requests that arrive while the
  // rest starts wait for it.
  let handler: ((req: Request, srv: Server<unknown> | null) => Promise<Response>) | null = null;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const server = Bun.serve({
    port: cfg0.port,
    hostname: cfg0.host,
    tls,
    maxRequestBodySize: 64 * 1024 * 1024,
    idleTimeout: 30,
    fetch: async (req, srv) => {
      if (!handler) await ready;
      return handler!(req, srv);
    },
    error: () => new Response("Internal Server Error", { status: 500 }),
  });
  const scheme = tls ? "https" : "http";
  const cfg = Object.freeze({ ...cfg0, baseUrl: env.BASE_URL ? cfg0.baseUrl : `${scheme}://localhost:${server.port}` });

  let deps: Deps;
  let routes: ReturnType<typeof buildApp>["routes"];
  try {
    deps = await assemble(cfg, opts);
    deps.runtime.selfUrl = `${scheme}://${loopbackHost(cfg.host)}:${server.port}`;
    const built = buildApp(deps);
    routes = built.routes;
    await ensureFirstAdmin(deps, opts.banner ?? false);
    registerJobs(deps);
    registerLive(deps);
    deps.scheduler.start();
    deps.processor.start();
    deps.media.start();
    deps.sendLoops.start();
    handler = requestHandler(deps, built.app, !!tls);
  } catch (e) {
    server.stop(true);
    throw e;
  } finally {
    markReady();
  }

  // The demo number is connected over this server's own HTTP (the fake Graph API), so only once it serves.
  deps.simulator.start();
  await bootstrapSimulator(deps, opts.banner ?? false);
  const url = `${scheme}://${cfg.host === "0.0.0.0" ? "localhost" : cfg.host}:${server.port}`;
  deps.log.info("listening", { url, data_dir: cfg.dataDir, base_url: cfg.baseUrl });
  if (opts.banner) process.stderr.write(`  Centralino is ready: open ${cfg.baseUrl}/ in a browser.\n`);

  let stopping: Promise<void> | null = null;
  return {
    url,
    port: server.port!,
    deps,
    routes,
    handle: (req) => handler!(req, null),
    stop() {
      stopping ??= (async () => {
        deps.scheduler.stop();
        deps.simulator.stop();
        deps.sse.close();
        await server.stop(false);
        // Stop claiming new sends and let the ones in flight finish (graceful shutdown drains the send loop).
        await deps.sendLoops.stop();
        deps.processor.stop();
        deps.media.stop();
        // Webhooks accepted before the stop are on disk; drain what is pending so a restart has less to do.
        deps.intake.flush();
        deps.processor.drain();
        deps.db.close();
        deps.log.info("stopped");
      })();
      return stopping;
    },
  };
}

/**
 * Meta's signed POSTs skip the framework: they are the one call that comes by the thousand per second, and the
 * route layer (sessions, locale, CSRF, request info) has nothing to do for them. Same receiver, same metrics.
 */
function webhookFastPath(deps: Deps) {
  const receive = webhookReceiver(deps);
  return async (req: Request): Promise<Response> => {
    const t0 = performance.now();
    let res: Response;
    try {
      res = await receive(req);
    } catch (err) {
      const rid = crypto.randomUUID();
      deps.log.error("request crashed", { rid, err });
      res = Response.json({ error: { code: "internal_error", message: `Something went wrong on the server (request ${rid}).` } }, { status: 500 });
    }
    res.headers.set("x-content-type-options", "nosniff");
    deps.metrics.observeRequest("POST", WEBHOOK_PATH, res.status, (performance.now() - t0) / 1000);
    return res;
  };
}

/** The path of a request URL without parsing it into a URL object. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  return q === -1 ? url.slice(start) : url.slice(start, q);
}

/** Wraps the app: request id, client IP, security headers, metrics and the access log line. */
function requestHandler(deps: Deps, app: ReturnType<typeof buildApp>["app"], tls: boolean) {
  const webhook = webhookFastPath(deps);
  const clientIp = clientIpResolver(deps.cfg.trustedProxies);
  return async (req: Request, server: Server<unknown> | null): Promise<Response> => {
    if (req.method === "POST" && pathOf(req.url) === WEBHOOK_PATH) return webhook(req);
    const t0 = performance.now();
    const ip = clientIp(server?.requestIP(req)?.address ?? "127.0.0.1", req.headers.get("x-forwarded-for"));
    const rid = /^[\w-]{8,64}$/.test(req.headers.get("x-request-id") ?? "") ? req.headers.get("x-request-id")! : crypto.randomUUID();
    setRequestInfo(req, { rid, ip, start: t0, route: "", actor: null, server });
    let res: Response;
    try {
      res = await app.handle(req);
    } catch (err) {
      deps.log.error("request crashed", { rid, err });
      res = Response.json({ error: { code: "internal_error", message: `Something went wrong on the server (request ${rid}).` } }, { status: 500 });
    }
    const info = requestInfo(req);
    const path = new URL(req.url).pathname;
    res.headers.set("x-request-id", rid);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!res.headers.has(k)) res.headers.set(k, v);
    if (tls) res.headers.set("strict-transport-security", "max-age=31536000");
    const seconds = (performance.now() - t0) / 1000;
    deps.metrics.observeRequest(req.method, info.route || "(unmatched)", res.status, seconds);
    const line = { rid, method: req.method, path, route: info.route, status: res.status, ms: Math.round(seconds * 10000) / 10, ip, actor: info.actor?.label };
    if (QUIET.test(path) || path.startsWith("/webhooks/")) deps.log.debug("request", line);
    else deps.log.info("request", line);
    return res;
  };
}
