// Keeps one send loop per number that can send, follows number changes, and drains in-flight sends on
// shutdown. On start, rows a crash left 'sending' go back to the queue (such a message may go twice, never lost).
import type { Deps } from "../deps";
import { NumberLoop } from "./loop";
import { requeueInterrupted } from "./store";

export class SendLoops {
  private loops = new Map<number, NumberLoop>();
  private started = false;

  constructor(private d: Deps) {}

  start(): void {
    const back = requeueInterrupted(this.d.db);
    if (back) this.d.log.warn("requeued sends interrupted by a crash", { messages: back });
    this.started = true;
    // One count at start; from here on the depth moves with each committed insert and delete (depth.ts).
    this.d.outbox.recount();
    for (const n of this.d.numbers.list()) if (n.status !== "disabled") this.loopOf(n.id)?.wake();
    this.d.bus.on("number.changed", ({ numberId }) => this.refresh(numberId));
    this.d.metrics.gauge("centralino_outbox_depth", "Messages waiting or being sent, by number and lane.", () =>
      this.d.outbox.depths().map((r) => ({ labels: { number: String(r.number_id), lane: r.lane === 0 ? "reply" : "bulk" }, value: r.n })),
    );
    this.d.metrics.gauge("centralino_send_rate_per_min", "Effective send rate per number.", () =>
      [...this.loops.entries()].map(([id, l]) => ({ labels: { number: String(id) }, value: l.pacer.rate() })),
    );
  }

  private loopOf(numberId: number): NumberLoop | null {
    let loop = this.loops.get(numberId);
    if (!loop) {
      const n = this.d.numbers.get(numberId);
      if (!n) return null;
      this.loops.set(numberId, (loop = new NumberLoop(this.d, n)));
    }
    return loop;
  }

  /** Something was queued for this number. */
  wake(numberId: number): void {
    if (this.started) this.loopOf(numberId)?.wake();
  }

  private refresh(numberId: number): void {
    const n = this.d.numbers.get(numberId);
    if (n) this.loopOf(numberId)?.refresh(n);
  }

  /** The rate a number sends at now (its loop's, including a throttle slow-down). */
  rate(numberId: number): number | null {
    return this.loops.get(numberId)?.pacer.rate() ?? null;
  }

  /** True while a number runs below its base rate after Meta throttled it. */
  throttled(numberId: number): boolean {
    return (this.loops.get(numberId)?.pacer.throttledFactor ?? 1) < 1;
  }

  inFlight(): number {
    return [...this.loops.values()].reduce((n, l) => n + l.sending, 0);
  }

  /** Stops claiming and waits for sends in flight (bounded by the caller's shutdown timer). */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
  }
}
