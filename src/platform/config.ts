// Every environment variable of the contract (PRODUCT.md), in one table: default, parser, validator.
// Only this file reads process.env. A bad value stops startup with a message naming the variable.
import { resolve } from "node:path";
import { parseProxyEntry } from "./client-ip";

export type SimulatorMode = "on" | "off" | "auto";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  baseUrl: string;
  secretKey: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  waGraphUrl: string;
  waGraphVersion: string;
  waAppSecret: string | null;
  waVerifyToken: string | null;
  simulator: SimulatorMode;
  tlsCert: string | null;
  tlsKey: string | null;
  logLevel: LogLevel;
  trustedProxies: readonly string[];
}

interface Option {
  env: string;
  key: keyof Config;
  default: string | null;
  /** Turns the raw text into the typed value, or throws an Error whose message says what is expected. */
  parse: (raw: string) => unknown;
  secret?: boolean;
  help: string;
}

const text = (raw: string) => raw;

function integer(min: number, max: number) {
  return (raw: string) => {
    if (!/^\d+$/.test(raw)) throw new Error(`must be a whole number between ${min} and ${max}`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}`);
    return n;
  };
}

function oneOf<T extends string>(...values: T[]) {
  return (raw: string) => {
    const v = raw.toLowerCase();
    if (!values.includes(v as T)) throw new Error(`must be one of ${values.join(", ")}`);
    return v as T;
  };
}

function httpUrl(raw: string) {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error("must be an absolute URL such as https://example.com");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("must start with http:// or https://");
  return raw.replace(/\/+$/, "");
}

function proxyList(raw: string): readonly string[] {
  const entries = raw.split(",").map((e) => e.trim()).filter(Boolean);
  for (const e of entries) parseProxyEntry(e);
  return Object.freeze(entries);
}

function email(raw: string) {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) throw new Error("must be an email address");
  return raw.trim().toLowerCase();
}

function minLength(n: number) {
  return (raw: string) => {
    if (raw.length < n) throw new Error(`must be at least ${n} characters long`);
    return raw;
  };
}

/** The contract's environment table. `docs/` and the README's configuration table are written from it. */
export const OPTIONS: readonly Option[] = [
  { env: "PORT", key: "port", default: "3000", parse: integer(0, 65535), help: "HTTP listen port" },
  { env: "HOST", key: "host", default: "0.0.0.0", parse: text, help: "HTTP listen address" },
  { env: "DATA_DIR", key: "dataDir", default: "./data", parse: (r) => resolve(r), help: "SQLite database, media, backups, generated secrets" },
  { env: "BASE_URL", key: "baseUrl", default: null, parse: httpUrl, help: "Public URL used in links and the webhook URL shown to admins (default http://localhost:PORT)" },
  { env: "SECRET_KEY", key: "secretKey", default: null, parse: minLength(32), secret: true, help: "Encrypts stored access tokens and secrets (generated into DATA_DIR when unset)" },
  { env: "ADMIN_EMAIL", key: "adminEmail", default: null, parse: email, help: "Creates the first owner on start when no user exists" },
  { env: "ADMIN_PASSWORD", key: "adminPassword", default: null, parse: minLength(10), secret: true, help: "Password of that first owner (at least 10 characters)" },
  { env: "WA_GRAPH_URL", key: "waGraphUrl", default: "https://graph.facebook.com", parse: httpUrl, help: "Graph API base for real numbers" },
  { env: "WA_GRAPH_VERSION", key: "waGraphVersion", default: "v23.0", parse: (r) => { if (!/^v\d+\.\d+$/.test(r)) throw new Error("must look like v23.0"); return r; }, help: "Graph API version path segment" },
  { env: "WA_APP_SECRET", key: "waAppSecret", default: null, parse: minLength(8), secret: true, help: "Verifies X-Hub-Signature-256 on webhooks" },
  { env: "WA_VERIFY_TOKEN", key: "waVerifyToken", default: null, parse: minLength(8), secret: true, help: "Answers Meta's webhook verification handshake (generated when unset)" },
  { env: "SIMULATOR", key: "simulator", default: "auto", parse: oneOf<SimulatorMode>("on", "off", "auto"), help: "on, off, or auto (on while no real number is connected)" },
  { env: "TLS_CERT", key: "tlsCert", default: null, parse: text, help: "PEM certificate file: serve HTTPS directly" },
  { env: "TLS_KEY", key: "tlsKey", default: null, parse: text, help: "PEM private key file for TLS_CERT" },
  { env: "TRUSTED_PROXIES", key: "trustedProxies", default: "", parse: proxyList, help: "Reverse proxies (IPs or CIDR ranges, comma-separated) whose X-Forwarded-For gives the client's address" },
  { env: "LOG_LEVEL", key: "logLevel", default: "info", parse: oneOf<LogLevel>("debug", "info", "warn", "error"), help: "Structured JSON logs on stdout" },
];

/** Startup refused because of configuration; the message names every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment into a frozen Config, or throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const opt of OPTIONS) {
    const raw = env[opt.env];
    const value = raw === undefined || raw === "" ? opt.default : raw;
    if (value === null) {
      out[opt.key] = null;
      continue;
    }
    try {
      out[opt.key] = opt.parse(value);
    } catch (e) {
      problems.push(`${opt.env} ${(e as Error).message} (got ${opt.secret ? "a hidden value" : JSON.stringify(value)})`);
    }
  }
  if (!!out.tlsCert !== !!out.tlsKey) problems.push("TLS_CERT and TLS_KEY must be set together");
  if (out.adminEmail && !out.adminPassword) problems.push("ADMIN_PASSWORD must be set when ADMIN_EMAIL is set");
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
  if (!out.baseUrl) out.baseUrl = `${out.tlsCert ? "https" : "http"}://localhost:${out.port}`;
  return Object.freeze(out as unknown as Config);
}

/** True when cookies must carry Secure: served over TLS here, or behind a proxy that terminates it. */
export function isHttps(cfg: Config): boolean {
  return !!cfg.tlsCert || cfg.baseUrl.startsWith("https:");
}
