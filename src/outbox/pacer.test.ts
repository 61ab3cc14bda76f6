import { describe, expect, test } from "bun:test";
import { ManualClock } from "../platform/clock";
import { GUARD, Pacer, RAMP, nextRamp } from "./pacer";

/**
 * Drives a pacer like the send loop does: wake at the slot (timers fire on whole ms), plus some lateness
 * (timer delay, a commit, another loop's turn), send, repeat. Returns when each send actually left.
 */
function drive(p: Pacer, clock: ManualClock, until: number, late: (i: number) => number): number[] {
  const sent: number[] = [];
  for (let i = 0; ; i++) {
    const slot = p.nextSlot();
    clock.set(Math.max(clock.now(), Math.ceil(slot)) + late(i));
    if (clock.now() >= until) return sent;
    if (p.nextSlot() > clock.now()) continue;
    p.take();
    sent.push(clock.now());
  }
}

/** A fixed pseudo-random sequence in [0, 1): the same "jitter" every run. */
function jitter(seed: number): (i: number) => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x / 2 ** 31);
}

/** The most sends in any window (t − 1000, t], as the receiver counts them. */
function maxPerSecond(times: number[]): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - 1000) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe("pacer", () => {
  test("a backlog leaves evenly spaced at the rate, paced 1% under it", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 120);
    const slots = Array.from({ length: 5 }, () => p.take());
    const iv = 500 / GUARD;
    expect(slots.map((s) => Math.round(s * 1000) / 1000)).toEqual([0, 1, 2, 3, 4].map((i) => Math.round(i * iv * 1000) / 1000));
  });

  test("idle time is not saved up: after a pause the next send leaves now, the one after waits a full interval", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 60);
    p.take();
    clock.advance(10_000);
    expect(p.take()).toBe(10_000);
    expect(p.take()).toBeCloseTo(10_000 + 1000 / GUARD, 6);
  });

  test("a loop that wakes late by less than one interval keeps the grid: the next slot is last + interval, not now", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 1200);
    const iv = 50 / GUARD;
    p.take();
    clock.set(60); // woke 10 ms after the slot at ~50.5
    expect(p.nextSlot()).toBeCloseTo(iv, 6);
    expect(p.take()).toBeCloseTo(iv, 6);
    expect(p.nextSlot()).toBeCloseTo(2 * iv, 6);
  });

  test("lateness on every wake-up does not become lost rate: 20/s for 60 s sends within 2% of 1,200", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 1200);
    const r = jitter(7);
    // Every wake-up is 0–8 ms late (a timer, a commit, another loop's turn); the old pacer booked "now" and
    // lost all of it, about 8% of the rate here.
    const sent = drive(p, clock, 60_000, () => Math.floor(r(0) * 8));
    expect(sent.length).toBeGreaterThanOrEqual(1176);
    expect(sent.length).toBeLessThanOrEqual(1200);
    expect(maxPerSecond(sent)).toBeLessThanOrEqual(20);
  });

  test("catching up after a stall never puts more than the rate in any one second of real send times", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 1200);
    const r = jitter(11);
    // Small lateness, and every 101st wake-up (about every 5 s) a 45 ms stall: just under one interval, so the grid is kept and
    // the loop sends the next one almost at once to catch up.
    const sent = drive(p, clock, 120_000, (i) => (i % 101 === 0 ? 45 : Math.floor(r(0) * 6)));
    expect(maxPerSecond(sent)).toBeLessThanOrEqual(20);
    expect(sent.length).toBeGreaterThanOrEqual(2352);
    // A long stall (400 ms) restarts the grid: what was missed is not sent in a burst.
    const after = drive(p, clock, 150_000, (i) => (i % 50 === 0 ? 400 : 0)).filter((t) => t > 120_000);
    expect(maxPerSecond(after)).toBeLessThanOrEqual(20);
  });

  test("at Meta's 80/s the bound holds too, and the rate is kept", () => {
    const clock = new ManualClock(0);
    const p = new Pacer(clock, () => 4800);
    const r = jitter(3);
    const sent = drive(p, clock, 30_000, () => Math.floor(r(0) * 8));
    expect(maxPerSecond(sent)).toBeLessThanOrEqual(80);
    expect(sent.length).toBeGreaterThanOrEqual(2352);
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
