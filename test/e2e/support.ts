// Browser end-to-end helpers: the server (from source or the compiled binary) as a subprocess on a throwaway
// DATA_DIR, and Chromium driven by playwright-core. Files using these run serially in `bun test`'s one process,
// so each one starts its own server on an ephemeral port and stops it in afterAll.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";

export const ROOT = join(import.meta.dir, "../..");
/** Browser tests launch processes and wait on a real UI: bun's default timeout is too short for them. */
export const E2E_TIMEOUT = 60_000;
export const ADMIN = { email: "titolare@example.it", password: "e2e-password-1234" };

/** The Chromium to drive, or null when this machine has none (the e2e files are then skipped). */
export const CHROMIUM: string | null =
  [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => !!p && existsSync(p)) ?? null;

// Every e2e file imports this one module instance, so the notice prints once per run.
if (!CHROMIUM) {
  console.warn("e2e: skipped — no Chromium found (install Debian's chromium or set CHROMIUM_PATH)");
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

export interface Watched {
  page: Page;
  /** Uncaught page exceptions and console errors seen so far; tests assert it stays empty. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * A page in a fresh context (own cookies), English unless told otherwise, that records JS errors.
 * `allow` lists console errors a test provokes on purpose, e.g. Chromium's "status of 401" line for a
 * wrong-password page.
 */
export async function openPage(browser: Browser, opts: BrowserContextOptions & { allow?: RegExp[] } = {}): Promise<Watched> {
  const { allow = [], ...ctxOpts } = opts;
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 }, ...ctxOpts });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = `${m.text()} (${m.location().url})`;
    if (/favicon/.test(text) || allow.some((re) => re.test(text))) return;
    errors.push(`console: ${text}`);
  });
  return { page, errors, close: () => context.close() };
}

/** Signs in through the real form and waits for the page the server redirects to. */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL((u) => u.pathname !== "/login"), page.click('form[action="/login"] button[type="submit"]')]);
}

export interface Server {
  url: string;
  dataDir: string;
  /** stdout (JSON log) and stderr lines, for diagnosing a failure. */
  logs: string[];
  /** Runs a CLI command against the same DATA_DIR; resolves to its stdout, trimmed. */
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The command without its subcommand; the source tree by default. */
  command?: string[];
  cwd?: string;
  dataDir?: string;
  /** Set ADMIN_EMAIL/ADMIN_PASSWORD (default true); off when the owner was created beforehand. */
  admin?: boolean;
  /** Directories to delete on stop (besides a DATA_DIR this helper created). */
  cleanup?: string[];
}

/** A hermetic environment: nothing from the developer's shell (PORT, BASE_URL, ...) leaks into the server. */
function serverEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG"].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]);
  return { ...Object.fromEntries(keep), DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...extra };
}

/** Runs `command ...args` once against `dataDir` and returns its stdout; throws with stderr on failure. */
export async function runCli(command: string[], dataDir: string, args: string[], cwd = ROOT): Promise<string> {
  const proc = Bun.spawn([...command, ...args], { cwd, env: serverEnv(dataDir), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}: ${err}`);
  return out.trim();
}

export const SOURCE_COMMAND = [process.execPath, "run", join(ROOT, "src/main.ts")];

/** Starts `centralino serve` on PORT=0 and resolves once the "listening" log line names its URL and /healthz answers. */
export async function startServer(opts: StartOptions = {}): Promise<Server> {
  const command = opts.command ?? SOURCE_COMMAND;
  const cwd = opts.cwd ?? ROOT;
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "centralino-e2e-"));
  const admin: Record<string, string> = opts.admin === false ? {} : { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };
  const proc = Bun.spawn([...command, "serve"], { cwd, env: serverEnv(dataDir, admin), stdout: "pipe", stderr: "pipe" });
  const logs: string[] = [];

  // Drain both pipes for the server's whole life: a full pipe would stall its logging.
  let onUrl: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => (onUrl = resolve));
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of stream) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"msg":"listening"')) onUrl(JSON.parse(line).url);
      }
    }
  };
  void drain(proc.stdout);
  void drain(proc.stderr);

  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill("SIGTERM");
      const killed = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await proc.exited;
      clearTimeout(killed);
    }
    for (const dir of [...(ownDir ? [dataDir] : []), ...(opts.cleanup ?? [])]) rmSync(dir, { recursive: true, force: true });
  };

  const died = proc.exited.then((code) => {
    throw new Error(`server exited (${code}) before listening:\n${logs.join("\n")}`);
  });
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`server did not listen within 20 s:\n${logs.join("\n")}`)), 20_000)));
  let url: string;
  try {
    url = await Promise.race([listening, died, timeout]);
    await waitHealthy(url);
  } catch (e) {
    await stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  died.catch(() => {}); // the normal stop() also ends the process
  return { url, dataDir, logs, cli: (...args) => runCli(command, dataDir, args, cwd), stop };
}

async function waitHealthy(url: string): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > end) throw new Error(`${url}/healthz did not answer 200 within 10 s`);
    await Bun.sleep(50); // polling interval, not a wait for an outcome
  }
}

/** Calls the JSON API with a Bearer token; throws on a non-2xx answer so seeding mistakes surface at once. */
export async function api<T = any>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : (undefined as T);
}
