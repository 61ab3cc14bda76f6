// A typed, synchronous in-process event bus. Services commit first, then emit; subscribers (SSE fan-out,
// audit, outgoing webhooks, automation) react. Capabilities add their events by merging into `Events`.

/** Event name → payload. Extended by each capability with `declare module "../platform/bus"`. */
export interface Events {
  "alert.changed": { alertId: number };
}

type Handler<K extends keyof Events> = (payload: Events[K]) => void;

/** Publish/subscribe over `Events`. A failing subscriber is logged and does not stop the others. */
export class Bus {
  private handlers = new Map<keyof Events, Set<(p: never) => void>>();

  constructor(private onError: (event: string, err: unknown) => void = () => {}) {}

  on<K extends keyof Events>(event: K, fn: Handler<K>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(fn as (p: never) => void);
    return () => set.delete(fn as (p: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const fn of this.handlers.get(event) ?? []) {
      try {
        (fn as Handler<K>)(payload);
      } catch (err) {
        this.onError(String(event), err);
      }
    }
  }
}
