// The login storm of the P10 benchmark (bench/login-storm.ts), run as its own Bun process so it never shares an
// event loop with the server or the ingest generator. Open loop: login i is scheduled at start + i × spread / n,
// whatever happened to earlier ones; each is what a browser does: GET /login (the anonymous CSRF cookie and the
// form's _csrf), then POST /login form-encoded (email, password, _csrf, next) → 303 with a cs_session cookie.
// Every login has its own cookie jar; fetch() keeps connections alive between logins.
//
//   bun run bench/support/login-storm-client.ts --url http://127.0.0.1:PORT --users 500 [--spread 10]
//        [--start-at EPOCH_MS] [--email agent{i}@storm.bench] [--password pw-{i}]
// {i} in --email and --password is the login's index (0-based). Output: "SENDING" when the clock starts, then one
// JSON line: per login its scheduled time, GET and POST times, status, and whether a session cookie came back.
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    users: { type: "string", default: "500" },
    spread: { type: "string", default: "10" },
    "start-at": { type: "string" },
    email: { type: "string", default: "agent{i}@storm.bench" },
    password: { type: "string", default: "storm-password-{i}" },
  },
});
if (!a.url) throw new Error("--url is required");
const base = a.url.replace(/\/$/, "");
const N = Number(a.users);
const SPREAD_MS = Number(a.spread) * 1000;
const epochNow = () => performance.timeOrigin + performance.now();

export interface LoginSample {
  i: number;
  /** Scheduled start, ms since the epoch. */
  sched: number;
  /** When the GET was sent, relative to the scheduled start (the client's own delay). */
  lag_ms: number;
  get_ms: number;
  post_ms: number;
  /** Scheduled start → the POST's answer: the whole sign-in as a person waits for it. */
  total_ms: number;
  status: number;
  session: boolean;
  error?: string;
}

const cookieOf = (res: Response, name: string): string | null => {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1]!;
  }
  return null;
};

async function login(i: number, sched: number): Promise<LoginSample> {
  const t0 = epochNow();
  const s: LoginSample = { i, sched, lag_ms: t0 - sched, get_ms: NaN, post_ms: NaN, total_ms: NaN, status: 0, session: false };
  try {
    const g = await fetch(`${base}/login`, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (storm bench)", accept: "text/html" } });
    const html = await g.text();
    const t1 = epochNow();
    s.get_ms = t1 - t0;
    const csrfCookie = cookieOf(g, "cs_csrf");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (g.status !== 200 || !csrfCookie || !csrf) throw new Error(`GET /login: ${g.status}, csrf cookie ${!!csrfCookie}, form token ${!!csrf}`);
    const body = new URLSearchParams({ _csrf: csrf, next: "/", email: a.email!.replaceAll("{i}", String(i)), password: a.password!.replaceAll("{i}", String(i)) });
    const p = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `cs_csrf=${csrfCookie}`, "user-agent": "Mozilla/5.0 (storm bench)", accept: "text/html", origin: base, "sec-fetch-site": "same-origin" },
      body,
    });
    await p.arrayBuffer();
    const t2 = epochNow();
    s.post_ms = t2 - t1;
    s.total_ms = t2 - sched;
    s.status = p.status;
    s.session = !!cookieOf(p, "cs_session");
  } catch (e) {
    s.error = String(e instanceof Error ? e.message : e).slice(0, 200);
  }
  return s;
}

const startAt = a["start-at"] ? Number(a["start-at"]) : epochNow() + 50;
if (startAt - epochNow() > 20) await Bun.sleep(startAt - epochNow() - 20);
process.stdout.write("SENDING\n");
const pending: Promise<LoginSample>[] = [];
let next = 0;
await new Promise<void>((done) => {
  const timer = setInterval(() => {
    const now = epochNow();
    while (next < N && startAt + (next * SPREAD_MS) / N <= now) {
      pending.push(login(next, startAt + (next * SPREAD_MS) / N));
      next++;
    }
    if (next >= N) {
      clearInterval(timer);
      done();
    }
  }, 1);
});
const samples = await Promise.all(pending);
console.log(JSON.stringify({ start_epoch_ms: startAt, spread_s: SPREAD_MS / 1000, samples }));
process.exit(0);
