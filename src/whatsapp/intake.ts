// Webhook intake with group commit: every POST that arrives in one event-loop turn is written in one
// transaction (synchronous=FULL), and each is answered only after that commit. A 200 to Meta is a promise that
// the event is on disk; one fsync per turn instead of one per request is what makes ~15k/s possible here.
import type { Db } from "../platform/db";
import { prepareInsertEvent } from "./store";

interface Waiting {
  body: string;
  receivedAt: number;
  resolve: (id: number) => void;
  reject: (e: unknown) => void;
}

export class Intake {
  private batch: Waiting[] = [];
  private scheduled = false;
  private insert: (at: number, body: string) => number;

  constructor(
    private db: Db,
    /** Called after each commit (wakes the processor). */
    private onCommit: () => void,
  ) {
    this.insert = prepareInsertEvent(db);
  }

  /** Resolves with the event id once the body is durably stored. */
  accept(body: string, receivedAt: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.batch.push({ body, receivedAt, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything waiting. */
  flush(): void {
    this.scheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (!batch.length) return;
    let ids: number[];
    try {
      ids = this.db.tx(() => batch.map((w) => this.insert(w.receivedAt, w.body)));
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => w.resolve(ids[i]!));
    this.onCommit();
  }

  get waiting(): number {
    return this.batch.length;
  }
}
