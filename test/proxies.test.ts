// TRUSTED_PROXIES: behind a reverse proxy, sign-in limits and the audit log count the client's address, not
// the proxy's; without it, a forged X-Forwarded-For changes nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "./support/app";
import { getThrottle } from "../src/auth/store";

let behind: TestApp;
let direct: TestApp;

beforeAll(async () => {
  [behind, direct] = await Promise.all([startTestApp({ TRUSTED_PROXIES: "127.0.0.1, ::1" }), startTestApp()]);
  await Promise.all([behind.user("agent", "agent@test.local"), direct.user("agent", "agent@test.local")]);
});
afterAll(() => Promise.all([behind.stop(), direct.stop()]));

async function failLogin(app: TestApp, forwardedFor: string) {
  const c = app.anonymous();
  await c.get("/login");
  const res = await c.request("POST", "/login", {
    body: new URLSearchParams({ email: "agent@test.local", password: "wrong-password-1", _csrf: c.csrf }),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": forwardedFor },
  });
  expect(res.status).toBe(401);
}

const failedFrom = (app: TestApp) => app.deps.audit.list({ action: "auth.login_failed", beforeId: 0, limit: 5 })[0]?.ip;

describe("client addresses", () => {
  test("behind a trusted proxy, failures count against the forwarded client address and the audit log shows it", async () => {
    await failLogin(behind, "203.0.113.9");
    expect(getThrottle(behind.deps.db, "ip:203.0.113.9")?.failures).toBe(1);
    expect(getThrottle(behind.deps.db, "ip:127.0.0.1")).toBeNull();
    expect(failedFrom(behind)).toBe("203.0.113.9");
    // An address the client wrote to the left of what the proxy saw is not believed.
    await failLogin(behind, "192.0.2.1, 203.0.113.9");
    expect(getThrottle(behind.deps.db, "ip:203.0.113.9")?.failures).toBe(2);
    expect(getThrottle(behind.deps.db, "ip:192.0.2.1")).toBeNull();
  });

  test("without TRUSTED_PROXIES a forged X-Forwarded-For is ignored", async () => {
    await failLogin(direct, "203.0.113.9");
    expect(getThrottle(direct.deps.db, "ip:203.0.113.9")).toBeNull();
    expect(getThrottle(direct.deps.db, "ip:127.0.0.1")?.failures).toBe(1);
    expect(failedFrom(direct)).toBe("127.0.0.1");
  });
});
