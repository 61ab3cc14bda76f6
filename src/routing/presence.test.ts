import { describe, expect, test } from "bun:test";
import { afterHeartbeat, effective, EXPIRED, lapsed, type PresenceRow } from "./presence";

const GRACE = 180_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const row = (r: Partial<PresenceRow>): PresenceRow => ({ user_id: 1, status: "online", heartbeat_at: T0, changed_at: T0, changed_by: "a@b.c", ...r });

describe("effective presence", () => {
  test("nobody who never said anything is online", () => {
    expect(effective(undefined, T0, GRACE)).toBe("offline");
  });

  test("a page-held status lasts the grace period after the last beat", () => {
    expect(effective(row({}), T0 + GRACE, GRACE)).toBe("online");
    expect(effective(row({}), T0 + GRACE + 1, GRACE)).toBe("offline");
    expect(effective(row({ status: "away" }), T0 + GRACE + 1, GRACE)).toBe("offline");
    expect(lapsed(row({}), T0 + GRACE + 1, GRACE)).toBe(true);
  });

  test("a status set without a page holds until changed", () => {
    expect(effective(row({ heartbeat_at: null }), T0 + 10 * GRACE, GRACE)).toBe("online");
    expect(lapsed(row({ heartbeat_at: null }), T0 + 10 * GRACE, GRACE)).toBe(false);
  });
});

describe("heartbeat", () => {
  test("the first beat brings the agent online", () => {
    expect(afterHeartbeat(undefined, T0, GRACE)).toBe("online");
  });

  test("a beat within the grace period changes nothing", () => {
    expect(afterHeartbeat(row({}), T0 + 1000, GRACE)).toBeNull();
    expect(afterHeartbeat(row({ status: "away" }), T0 + 1000, GRACE)).toBeNull();
  });

  test("after the grace expired, the agent comes back; a lapsed but unswept status resumes as it was", () => {
    expect(afterHeartbeat(row({ status: "offline", changed_by: EXPIRED }), T0 + 10 * GRACE, GRACE)).toBe("online");
    expect(afterHeartbeat(row({ status: "away" }), T0 + GRACE + 1, GRACE)).toBe("away");
  });

  test("an agent who chose offline stays offline", () => {
    expect(afterHeartbeat(row({ status: "offline" }), T0 + 1000, GRACE)).toBeNull();
  });
});
