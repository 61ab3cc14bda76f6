// startTestApp(): a real Centralino on an ephemeral port over a real SQLite file in a temp DATA_DIR, with an
// injected clock. One app per test file; stop() in afterAll (bun test runs every file in one process).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, type Running } from "../../src/server";
import { ManualClock } from "../../src/platform/clock";
import { createLogger } from "../../src/platform/log";
import { randomToken, sha256 } from "../../src/platform/ids";
import { insertSession } from "../../src/auth/store";
import type { PresetRoleKey } from "../../src/auth/permissions";
import { Client } from "./client";

export interface TestApp {
  url: string;
  running: Running;
  deps: Running["deps"];
  clock: ManualClock;
  dataDir: string;
  /** JSON log lines the server wrote. */
  logs: string[];
  /** Creates (once) a user with a preset role and returns its id. */
  user(role: PresetRoleKey | string, email?: string): Promise<number>;
  /** A client signed in as a fresh session of a user with `role` (no password round trip). */
  as(role: PresetRoleKey | string): Promise<Client>;
  /** An API token carrying `role`. */
  token(role: string): string;
  /** A client with no session. */
  anonymous(): Client;
  stop(): Promise<void>;
}

export const PASSWORD = "correct horse battery";

/** An actor holding every permission, for setting up fixtures through the real services. */
export function ownerActor(d: Running["deps"]) {
  const owner = d.roles.byKey("owner")!;
  return { kind: "user" as const, userId: null, tokenId: null, label: "test", name: "test", roleKey: "owner", perms: new Set(owner.permissions), session: null, language: null, theme: "auto" as const, mustChangePassword: false };
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "centralino-test-"));
  const clock = new ManualClock(Date.now());
  const logs: string[] = [];
  const running = await start({
    env: { DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug", SIMULATOR: "off", ...env },
    clock,
    log: createLogger("debug", (l) => logs.push(l)),
  });
  const url = running.url;
  const d = running.deps;
  const users = new Map<string, number>();
  const tokens = new Map<string, string>();

  const app: TestApp = {
    url,
    running,
    deps: d,
    clock,
    dataDir,
    logs,
    async user(role, email = `${role}@test.local`) {
      const existing = d.users.byEmail(email);
      if (existing) return existing.id;
      const u = await d.users.create({ email, name: `Test ${role}`, password: PASSWORD, role }, { actor: ownerActor(d) });
      users.set(role, u.id);
      return u.id;
    },
    async as(role) {
      const id = await app.user(role);
      const token = randomToken(32);
      const now = clock.now();
      insertSession(d.db, { id: sha256(token), user_id: id, csrf_token: randomToken(24), created_at: now, last_seen_at: now, expires_at: now + 86_400_000, ip: "127.0.0.1", user_agent: "test" });
      return new Client(url, { cs_session: token });
    },
    token(role) {
      let t = tokens.get(role);
      if (!t) {
        t = d.tokens.create({ name: `test-${role}`, role }, { actor: ownerActor(d) }).token;
        tokens.set(role, t);
      }
      return t;
    },
    anonymous: () => new Client(url),
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

/** Polls `fn` until it returns a truthy value or `ms` pass (for effects observed across processes). */
export async function eventually<T>(fn: () => T | Promise<T>, ms = 5000, step = 20): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(step);
  }
}
