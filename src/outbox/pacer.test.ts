import { describe, expect, test } from "bun:test";
import { ManualClock } from "../platform/clock";
import { Pacer, RAMP, nextRamp } from "./pacer";

describe("pacer", () => {
  test("a backlog leaves evenly spaced at the rate", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 120);
    const slots = Array.from({ length: 5 }, () => p.take());
    expect(slots).toEqual([0, 500, 1000, 1500, 2000]);
  });

  test("idle time is not saved up: after a pause the next send leaves now, the one after waits a full interval", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 60);
    p.take();
    clock.advance(10_000);
    expect(p.take()).toBe(10_000);
    expect(p.take()).toBe(11_000);
  });

  test("never more than one second's worth in any one-second window", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 1200);
    const slots = Array.from({ length: 200 }, () => p.take());
    for (let i = 0; i < slots.length; i++) {
      const inWindow = slots.filter((s) => s >= slots[i]! && s < slots[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(20);
    }
  });

  test("130429 halves the rate; it recovers step by step on quiet minutes, never above the base", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 60);
    p.throttled();
    expect(p.rate()).toBe(30);
    p.throttled();
    expect(p.rate()).toBe(15);
    p.succeeded();
    expect(p.rate()).toBe(15);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      p.succeeded();
      seen.push(p.rate());
    }
    expect(seen[0]).toBe(18.75);
    expect(seen.every((r, i) => i === 0 || r >= seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(60);
  });

  test("rates stay within 1..4800 per minute", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 2);
    for (let i = 0; i < 10; i++) p.throttled();
    expect(p.rate()).toBe(1);
    expect(new Pacer(clock, () => 99_999).rate()).toBe(4800);
  });

  test("the default ramp climbs on good quality, holds on medium or throttling, restarts on low", () => {
    expect(nextRamp(RAMP.start, { sent: 5, quality: "GREEN", throttled: false })).toBe(30);
    expect(nextRamp(60, { sent: 5, quality: "GREEN", throttled: false })).toBe(60);
    expect(nextRamp(40, { sent: 5, quality: "YELLOW", throttled: false })).toBe(40);
    expect(nextRamp(40, { sent: 5, quality: "GREEN", throttled: true })).toBe(40);
    expect(nextRamp(40, { sent: 0, quality: "GREEN", throttled: false })).toBe(40);
    expect(nextRamp(50, { sent: 5, quality: "RED", throttled: false })).toBe(20);
  });
});
