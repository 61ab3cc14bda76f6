// The open-loop engine shared by the fixed-rate load generators (outbox-openloop.ts for P9, ingest-openloop.ts for
// P10). Request i is scheduled at t0 + i / rate, whatever happened to earlier requests (no coordinated omission):
// it takes an idle keep-alive connection, opens a new one (up to maxConns), or waits in a FIFO for the next free
// one, and its latency is measured from its scheduled time, so queueing anywhere (generator, kernel, server)
// shows up. Requests are raw HTTP/1.1 bytes built before the clock starts; the hot path is a socket write and a
// response parse. The caller prints "SENDING" through `onStart` when the clock starts.
import type { Socket } from "bun";

export interface OpenLoopOptions {
  target: URL;
  reqs: Uint8Array[];
  rate: number;
  seconds: number;
  warmup: number;
  maxConns: number;
  preOpen: number;
  /** Wall-clock start (ms since the epoch), so another process can schedule work on the same timeline. */
  startAtEpoch?: number;
  onStart: () => void;
}

export interface OpenLoopRun {
  total: number;
  sched: Float64Array;
  sentAt: Float64Array;
  doneAt: Float64Array;
  status: Uint16Array;
  t0Epoch: number;
  warmEnd: number;
  end: number;
  maxLag: number;
  networkErrors: number;
  peakConns: number;
  peakWaiting: number;
  dispatched: number;
}

interface Conn {
  socket: Socket<Conn> | null;
  i: number;
  buf: Buffer | null;
  pending: Uint8Array | null;
}

const CRLF2 = Buffer.from("\r\n\r\n");

/** Parses a complete response from `b`: its status, or null when more bytes are needed. */
export function parseResponse(b: Buffer): number | null {
  const he = b.indexOf(CRLF2);
  if (he < 0) return null;
  const code = (b[9]! - 48) * 100 + (b[10]! - 48) * 10 + (b[11]! - 48);
  const headers = b.toString("latin1", 0, he).toLowerCase();
  const cl = /\r\ncontent-length: *(\d+)/.exec(headers);
  if (cl) return b.length >= he + 4 + Number(cl[1]) ? code : null;
  if (headers.includes("transfer-encoding: chunked")) return b.indexOf("0\r\n\r\n", he + 4) >= 0 ? code : null;
  return code;
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopRun> {
  const { target, reqs } = o;
  const total = reqs.length;
  const step = 1000 / o.rate;
  const sched = new Float64Array(total);
  const sentAt = new Float64Array(total);
  const doneAt = new Float64Array(total);
  const status = new Uint16Array(total);
  const idle: Conn[] = [];
  const waiting = new Int32Array(total);
  let wHead = 0;
  let wTail = 0;
  let conns = 0;
  let peakConns = 0;
  let peakWaiting = 0;
  let completed = 0;
  let dispatched = 0;
  let networkErrors = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));

  const write = (c: Conn, i: number) => {
    c.i = i;
    c.buf = null;
    sentAt[i] = performance.now();
    const bytes = reqs[i]!;
    const n = c.socket!.write(bytes);
    c.pending = n < bytes.length ? bytes.subarray(Math.max(0, n)) : null;
  };
  const release = (c: Conn) => {
    c.i = -1;
    if (wHead < wTail) write(c, waiting[wHead++]!);
    else idle.push(c);
  };
  const finish = (c: Conn, code: number) => {
    const i = c.i;
    if (i < 0 || doneAt[i]) return;
    doneAt[i] = performance.now();
    status[i] = code;
    completed++;
    if (completed === total) allDone();
  };
  const open = (first: number | null) => {
    conns++;
    peakConns = Math.max(peakConns, conns);
    const c: Conn = { socket: null, i: -1, buf: null, pending: null };
    void Bun.connect<Conn>({
      hostname: target.hostname,
      port: Number(target.port || 80),
      data: c,
      socket: {
        open(s) {
          c.socket = s;
          if (first !== null) write(c, first);
          else release(c);
        },
        data(_s, chunk) {
          const b = c.buf ? Buffer.concat([c.buf, chunk]) : chunk;
          const code = parseResponse(b);
          if (code === null) {
            c.buf = Buffer.from(b);
            return;
          }
          finish(c, code);
          release(c);
        },
        drain(s) {
          if (!c.pending) return;
          const n = s.write(c.pending);
          c.pending = n < c.pending.length ? c.pending.subarray(Math.max(0, n)) : null;
        },
        close() {
          conns--;
          const k = idle.indexOf(c);
          if (k >= 0) idle.splice(k, 1);
          if (c.i >= 0 && !doneAt[c.i]) {
            networkErrors++;
            finish(c, 0);
          }
          c.socket = null;
        },
        error() {},
        connectError() {
          conns--;
          networkErrors++;
          if (first !== null) {
            c.i = first;
            finish(c, 0);
          }
        },
      },
    }).catch(() => {});
  };
  const dispatch = (i: number) => {
    dispatched++;
    const c = idle.pop();
    if (c) write(c, i);
    else if (conns < o.maxConns) open(i);
    else {
      waiting[wTail++] = i;
      peakWaiting = Math.max(peakWaiting, wTail - wHead);
    }
  };

  // Warm the pool: idle connections before the clock starts.
  for (let k = 0; k < o.preOpen; k++) open(null);
  await Bun.sleep(200);

  const epochNow = () => performance.timeOrigin + performance.now();
  const startAt = o.startAtEpoch ?? epochNow() + 20;
  if (startAt - epochNow() > 30) await Bun.sleep(startAt - epochNow() - 30);
  o.onStart();
  const t0 = startAt - performance.timeOrigin;
  for (let i = 0; i < total; i++) sched[i] = t0 + i * step;
  const warmEnd = t0 + o.warmup * 1000;
  const end = t0 + (o.warmup + o.seconds) * 1000;
  let next = 0;
  let maxLag = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    while (next < total && sched[next]! <= now) {
      maxLag = Math.max(maxLag, now - sched[next]!);
      dispatch(next++);
    }
    if (next >= total) clearInterval(timer);
  }, 1);
  await Promise.race([finished, Bun.sleep(Math.max(0, end - performance.now()) + 20_000)]);
  clearInterval(timer);
  return { total, sched, sentAt, doneAt, status, t0Epoch: startAt, warmEnd, end, maxLag, networkErrors, peakConns, peakWaiting, dispatched };
}

const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const pct = (s: Float64Array, q: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))]! : NaN);
const last = (s: Float64Array) => (s.length ? s[s.length - 1]! : NaN);

/** The figures of the measured window (scheduled after the warm-up): latency from the scheduled time. */
export function summarize(r: OpenLoopRun, expect: number, seconds: number) {
  const lat: number[] = [];
  const service: number[] = [];
  const dispatchLag: number[] = [];
  const codes: Record<string, number> = {};
  let inWindow = 0;
  let unexpected = 0;
  let unfinished = 0;
  let doneInWindow = 0;
  for (let i = 0; i < r.total; i++) {
    const s = r.sched[i]!;
    const done = r.doneAt[i]!;
    if (done && r.status[i] === expect && done >= r.warmEnd && done < r.end) doneInWindow++;
    if (s < r.warmEnd || s >= r.end) continue;
    inWindow++;
    if (!done) {
      unfinished++;
      continue;
    }
    if (r.status[i] !== expect) {
      unexpected++;
      codes[String(r.status[i])] = (codes[String(r.status[i])] ?? 0) + 1;
    }
    lat.push(done - s);
    service.push(done - r.sentAt[i]!);
    dispatchLag.push(r.sentAt[i]! - s);
  }
  const L = sorted(lat);
  const SV = sorted(service);
  const DL = sorted(dispatchLag);
  return {
    scheduled: inWindow,
    achieved_per_s: doneInWindow / seconds,
    unexpected,
    codes,
    network_errors: r.networkErrors,
    unfinished,
    latency_ms: { p50: pct(L, 50), p90: pct(L, 90), p99: pct(L, 99), p999: pct(L, 99.9), max: last(L), mean: lat.reduce((x, y) => x + y, 0) / Math.max(1, lat.length) },
    service_ms: { p50: pct(SV, 50), p99: pct(SV, 99), max: last(SV) },
    dispatch_lag_ms: { p50: pct(DL, 50), p99: pct(DL, 99), max: last(DL), timer_max: r.maxLag },
    peak_connections: r.peakConns,
    peak_waiting: r.peakWaiting,
    dispatched: r.dispatched,
  };
}
