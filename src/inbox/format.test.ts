import { describe, expect, test } from "bun:test";
import { parseLocalDateTime, shortDuration, snoozeUntil } from "./format";

describe("times in the workspace's zone", () => {
  test("snooze presets land on 9:00 local time, across a DST change", () => {
    const saturdayNight = Date.UTC(2026, 2, 28, 22, 30); // 23:30 in Rome, the night clocks go forward
    expect(new Date(snoozeUntil("tomorrow", saturdayNight, "Europe/Rome")!).toISOString()).toBe("2026-03-29T07:00:00.000Z");
    expect(new Date(snoozeUntil("next_week", saturdayNight, "Europe/Rome")!).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(new Date(snoozeUntil("next_week", Date.UTC(2026, 0, 5, 8), "Europe/Rome")!).toISOString()).toBe("2026-01-12T08:00:00.000Z");
    expect(snoozeUntil("1h", 1000, "UTC")).toBe(3_601_000);
    expect(snoozeUntil("never", 1000, "UTC")).toBeNull();
  });

  test("a custom time is read in the workspace's zone; nonsense is refused", () => {
    expect(new Date(parseLocalDateTime("2026-07-01T15:30", "Europe/Rome")!).toISOString()).toBe("2026-07-01T13:30:00.000Z");
    expect(parseLocalDateTime("2026-13-01T15:30", "UTC")).toBeNull();
    expect(parseLocalDateTime("tomorrow", "UTC")).toBeNull();
  });

  test("durations read short", () => {
    expect([0, 59_000, 60_000, 3_720_000, 90_000_000].map(shortDuration)).toEqual(["<1m", "<1m", "1m", "1h 2m", "1d 1h"]);
  });
});
