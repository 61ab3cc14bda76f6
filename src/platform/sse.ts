// Server-sent events: one stream per open page, a ReadableStream hub (not generators, which notice a closed
// client only at their next write: PLATFORM.md §2, §8). Messages carry rendered HTML fragments with stable ids,
// placed by htmx out-of-band swaps; a filter per publish decides who may see what (checked at fan-out).
import type { Actor } from "../auth/actor";

export interface SseClient {
  id: number;
  actor: Actor;
  /** The UI language of the page that opened the stream. */
  locale: string;
  /** The page's own id (`?tab=`), when the page registered what it shows; publishers decide what it means. */
  tab: string | null;
  /** Sends one message; `event` omitted means an unnamed message, which htmx swaps. */
  send(data: string, event?: string): void;
  /**
   * Sends one unnamed message made of pieces from dataLines (their data joined by newlines). The pieces are
   * queued as they are, so a piece sent to many streams is one buffer in memory, not one copy per stream.
   */
  sendParts(parts: Uint8Array[]): void;
  close(): void;
}

const encoder = new TextEncoder();

function frame(data: string, event?: string): Uint8Array {
  const lines = data.split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join("\n");
  return encoder.encode(`${event ? `event: ${event}\n` : ""}${lines}\n\n`);
}

/** The `data:` lines of a message, encoded once, to be combined into one message per stream (sendParts). */
export function dataLines(data: string): Uint8Array {
  return encoder.encode(`${data.split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join("\n")}\n`);
}

const END = encoder.encode("\n");

/** Keeps the open streams and fans messages out to them. */
export class SseBroker {
  private clients = new Map<number, SseClient>();
  private nextId = 1;
  private heartbeat: ReturnType<typeof setInterval>;

  constructor(heartbeatMs = 20_000) {
    // A comment line every 20 s keeps proxies and Bun's idle timeout from closing quiet streams.
    const beat = encoder.encode(": hb\n\n");
    this.heartbeat = setInterval(() => {
      for (const c of this.clients.values()) (c as SseClient & { raw(b: Uint8Array): void }).raw(beat);
    }, heartbeatMs);
    this.heartbeat.unref?.();
  }

  get size(): number {
    return this.clients.size;
  }

  /** The page tabs named by the open streams. */
  tabs(): Set<string> {
    const out = new Set<string>();
    for (const c of this.clients.values()) if (c.tab) out.add(c.tab);
    return out;
  }

  /** Opens a stream for `actor`; the client is removed when the browser goes away or on close(). */
  open(req: Request, actor: Actor, locale: string, tab: string | null = null, onOpen?: (client: SseClient) => void): Response {
    const id = this.nextId++;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    const drop = () => {
      if (closed) return;
      closed = true;
      this.clients.delete(id);
      try {
        controller.close();
      } catch {
        // already closed by the browser
      }
    };
    const client = {
      id,
      actor,
      locale,
      tab,
      raw(bytes: Uint8Array) {
        if (closed) return;
        try {
          controller.enqueue(bytes);
        } catch {
          drop();
        }
      },
      send(data: string, event?: string) {
        this.raw(frame(data, event));
      },
      sendParts(parts: Uint8Array[]) {
        for (const p of parts) this.raw(p);
        this.raw(END);
      },
      close: drop,
    };
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
        this.clients.set(id, client);
        controller.enqueue(encoder.encode(": open\n\n"));
        onOpen?.(client);
      },
      cancel: drop,
    });
    req.signal.addEventListener("abort", drop, { once: true });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
        connection: "keep-alive",
      },
    });
  }

  /** Sends `data` to every client the filter accepts; returns how many received it. */
  publish(filter: (actor: Actor) => boolean, data: string, event?: string): number {
    const bytes = frame(data, event);
    let n = 0;
    for (const c of this.clients.values()) {
      if (!filter(c.actor)) continue;
      (c as SseClient & { raw(b: Uint8Array): void }).raw(bytes);
      n++;
    }
    return n;
  }

  /**
   * Sends a message rendered per group of clients: `keyOf` names the group (e.g. language + permission), and
   * `render` runs once per group, so 500 agents cost a handful of renders, not 500.
   */
  publishBy(filter: (c: SseClient) => boolean, keyOf: (c: SseClient) => string, render: (c: SseClient) => string, event?: string): number {
    const cache = new Map<string, Uint8Array>();
    let n = 0;
    for (const c of this.clients.values()) {
      if (!filter(c)) continue;
      const key = keyOf(c);
      let bytes = cache.get(key);
      if (!bytes) cache.set(key, (bytes = frame(render(c), event)));
      (c as SseClient & { raw(b: Uint8Array): void }).raw(bytes);
      n++;
    }
    return n;
  }

  /** The open streams (for publishers that compose a message per stream from pieces rendered per group). */
  streams(): IterableIterator<SseClient> {
    return this.clients.values();
  }

  /** Closes every stream (shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const c of [...this.clients.values()]) c.close();
  }
}
