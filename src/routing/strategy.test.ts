import { describe, expect, test } from "bun:test";
import { capacityOf, hasRoom } from "./capacity";
import { asStrategy, leastLoad, roundRobin } from "./strategy";

const c = (id: number, open: number, lastAssignedAt: number | null = null) => ({ id, open, lastAssignedAt });

describe("least load", () => {
  test("picks the agent with the fewest open conversations", () => {
    expect(leastLoad([c(1, 3), c(2, 1), c(3, 2)])?.id).toBe(2);
  });

  test("ties go to whoever waited longest since their last assignment, never-assigned first", () => {
    expect(leastLoad([c(1, 2, 5_000), c(2, 2, 1_000), c(3, 2, 9_000)])?.id).toBe(2);
    expect(leastLoad([c(1, 2, 5_000), c(2, 2, null)])?.id).toBe(2);
    expect(leastLoad([c(4, 0, null), c(3, 0, null)])?.id).toBe(3);
  });

  test("nobody to pick", () => {
    expect(leastLoad([])).toBeNull();
  });
});

describe("round robin", () => {
  const pool = [c(7, 0), c(3, 5), c(5, 1)];
  test("takes turns in id order after the last one, wrapping around", () => {
    expect(roundRobin(pool, null)?.id).toBe(3);
    expect(roundRobin(pool, 3)?.id).toBe(5);
    expect(roundRobin(pool, 5)?.id).toBe(7);
    expect(roundRobin(pool, 7)?.id).toBe(3);
  });

  test("a pointer at someone no longer in the pool continues after their place", () => {
    expect(roundRobin(pool, 4)?.id).toBe(5);
    expect(roundRobin(pool, 99)?.id).toBe(3);
  });

  test("ignores load", () => {
    expect(roundRobin([c(1, 9), c(2, 0)], 0)?.id).toBe(1);
  });
});

describe("capacity", () => {
  test("own setting, else the default, never above the hard cap", () => {
    expect(capacityOf(null, 6, 20)).toBe(6);
    expect(capacityOf(3, 6, 20)).toBe(3);
    expect(capacityOf(30, 6, 20)).toBe(20);
    expect(capacityOf(null, 25, 20)).toBe(20);
    expect(capacityOf(0, 6, 20)).toBe(0);
  });

  test("room while below capacity", () => {
    expect(hasRoom(5, 6)).toBe(true);
    expect(hasRoom(6, 6)).toBe(false);
    expect(hasRoom(0, 0)).toBe(false);
  });
});

test("an unknown stored strategy reads as least load", () => {
  expect(asStrategy("round_robin")).toBe("round_robin");
  expect(asStrategy("weird")).toBe("least_load");
  expect(asStrategy(null)).toBe("least_load");
});
