// Prometheus text exposition: request counts and latencies by route, plus gauges that capabilities register
// (queue depths, SSE clients, database size). Cardinality stays bounded: routes are patterns, not paths.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

type Gauge = () => number | Array<{ labels: Record<string, string>; value: number }>;

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** Collects counters, histograms and gauges and renders them in the Prometheus text format. */
export class Metrics {
  private requests = new Map<string, number>();
  private latency = new Map<string, Histogram>();
  private counters = new Map<string, { help: string; values: Map<string, number> }>();
  private gauges = new Map<string, { help: string; fn: Gauge }>();
  private histograms = new Map<string, { help: string; h: Histogram }>();

  /** Records one HTTP request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = labels({ method, route, status: String(status) });
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hkey = labels({ method, route });
    let h = this.latency.get(hkey);
    if (!h) this.latency.set(hkey, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  /** Adds to a named counter (created on first use). */
  inc(name: string, help: string, l: Record<string, string> = {}, by = 1): void {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = { help, values: new Map() }));
    const key = labels(l);
    c.values.set(key, (c.values.get(key) ?? 0) + by);
  }

  /** Records a duration in a named histogram (created on first use). */
  observe(name: string, help: string, seconds: number): void {
    let e = this.histograms.get(name);
    if (!e) this.histograms.set(name, (e = { help, h: { counts: BUCKETS.map(() => 0), sum: 0, count: 0 } }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) e.h.counts[i]!++;
    });
    e.h.sum += seconds;
    e.h.count++;
  }

  /** Registers a gauge read at scrape time. */
  gauge(name: string, help: string, fn: Gauge): void {
    this.gauges.set(name, { help, fn });
  }

  render(): string {
    const out: string[] = [];
    out.push("# HELP centralino_http_requests_total HTTP requests by route pattern and status.", "# TYPE centralino_http_requests_total counter");
    for (const [k, v] of this.requests) out.push(`centralino_http_requests_total${k} ${v}`);
    out.push("# HELP centralino_http_request_duration_seconds HTTP request latency.", "# TYPE centralino_http_request_duration_seconds histogram");
    for (const [k, h] of this.latency) {
      const base = k.slice(1, -1);
      BUCKETS.forEach((b, i) => out.push(`centralino_http_request_duration_seconds_bucket{${base},le="${b}"} ${h.counts[i]}`));
      out.push(`centralino_http_request_duration_seconds_bucket{${base},le="+Inf"} ${h.count}`);
      out.push(`centralino_http_request_duration_seconds_sum${k} ${h.sum.toFixed(6)}`, `centralino_http_request_duration_seconds_count${k} ${h.count}`);
    }
    for (const [name, { help, h }] of this.histograms) {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      BUCKETS.forEach((b, i) => out.push(`${name}_bucket{le="${b}"} ${h.counts[i]}`));
      out.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum.toFixed(6)}`, `${name}_count ${h.count}`);
    }
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [k, v] of c.values) out.push(`${name}${k} ${v}`);
    }
    for (const [name, g] of this.gauges) {
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`);
      const v = g.fn();
      if (typeof v === "number") out.push(`${name} ${v}`);
      else for (const s of v) out.push(`${name}${labels(s.labels)} ${s.value}`);
    }
    return out.join("\n") + "\n";
  }
}
