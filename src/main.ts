// The `centralino` command line: serve (default), migrate, admin create, token create, healthcheck.
// It works on DATA_DIR while a server runs on it (SQLite WAL). Commands that print a secret print only that.
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./platform/config";
import { withGeneratedSecrets } from "./platform/secrets";
import { openDb } from "./platform/db";
import { DatabaseTooNewError, migrate } from "./platform/migrate";
import { createLogger } from "./platform/log";
import { AppError } from "./platform/errors";
import { assemble, dbPath, start } from "./server";

const USAGE = `Usage: centralino <command> [options]

Commands:
  serve                                   Run the server (default)
  migrate                                 Apply pending database migrations and exit
  admin create --email E --password P [--name N]
                                          Create an owner account
  token create --name N (--role R | --user EMAIL)
                                          Create an API token; prints only the token
  healthcheck                             Exit 0 when the local server answers /healthz (Docker HEALTHCHECK)
  help                                    Show this help

Configuration comes from environment variables (see README): DATA_DIR, PORT, BASE_URL, ...`;

function fail(message: string, code = 1): never {
  process.stderr.write(`centralino: ${message}\n`);
  process.exit(code);
}

function config() {
  return withGeneratedSecrets(loadConfig());
}

async function serve() {
  const running = await start({ banner: true });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.deps.log.info("shutting down", { signal });
    const timer = setTimeout(() => fail("shutdown took longer than 20 s; exiting", 1), 20_000);
    await running.stop();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

function migrateCommand() {
  const cfg = config();
  const db = openDb(dbPath(cfg));
  const applied = migrate(db);
  db.close();
  process.stdout.write(applied.length ? `applied ${applied.map((m) => `${m.version} ${m.name}`).join(", ")}\n` : "database is up to date\n");
}

async function cliDeps() {
  // CLI logs go to stderr so stdout carries only the command's answer.
  return assemble(config(), { log: createLogger("warn", (l) => process.stderr.write(l)) });
}

async function adminCreate(args: string[]) {
  const { values } = parseArgs({ args, options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" } } });
  if (!values.email || !values.password) fail("admin create needs --email and --password", 2);
  const d = await cliDeps();
  try {
    const u = await d.users.createOwner(values.email, values.name ?? "Admin", values.password, { actor: null, system: true, userAgent: "cli" });
    process.stdout.write(`created owner ${u.email}\n`);
  } finally {
    d.db.close();
  }
}

async function tokenCreate(args: string[]) {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, role: { type: "string" }, user: { type: "string" } } });
  if (!values.name) fail("token create needs --name", 2);
  if (!values.role === !values.user) fail("token create needs either --role R or --user EMAIL", 2);
  const d = await cliDeps();
  try {
    const owner = d.roles.byKey("owner")!;
    // The operator at the console holds the machine: the CLI acts with every permission.
    const actor = { kind: "user" as const, userId: null, tokenId: null, label: "cli", name: "cli", roleKey: "owner", perms: new Set(owner.permissions), session: null, language: null, theme: "auto" as const, mustChangePassword: false };
    const { token } = d.tokens.create({ name: values.name, role: values.role ?? null, user: values.user ?? null }, { actor, userAgent: "cli" });
    process.stdout.write(token + "\n");
  } finally {
    d.db.close();
  }
}

async function healthcheck() {
  const cfg = loadConfig();
  const scheme = cfg.tlsCert ? "https" : "http";
  try {
    const host = cfg.host === "0.0.0.0" || cfg.host === "::" ? "127.0.0.1" : cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host;
    const res = await fetch(`${scheme}://${host}:${cfg.port}/healthz`, { signal: AbortSignal.timeout(3000), tls: { rejectUnauthorized: false } } as RequestInit);
    process.exit(res.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
}

async function main(argv: string[]) {
  const [command = "serve", sub, ...rest] = argv;
  switch (command) {
    case "serve":
      return serve();
    case "migrate":
      return migrateCommand();
    case "admin":
      if (sub !== "create") fail(`unknown command admin ${sub ?? ""}\n\n${USAGE}`, 2);
      return adminCreate(rest);
    case "token":
      if (sub !== "create") fail(`unknown command token ${sub ?? ""}\n\n${USAGE}`, 2);
      return tokenCreate(rest);
    case "healthcheck":
      return healthcheck();
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE + "\n");
      return;
    default:
      fail(`unknown command ${command}\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof ConfigError || e instanceof DatabaseTooNewError) fail(e.message);
  if (e instanceof AppError) fail(e.message, 2);
  fail(e instanceof Error ? (e.stack ?? e.message) : String(e));
});
