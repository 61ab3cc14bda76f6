// The floor of the P10 benchmark (bench/login-storm.ts): the storm's password checks and nothing else. One Bun
// process verifies `--users` argon2id hashes with the app's parameters (src/auth/passwords.ts), open loop, spread
// evenly over `--spread` s, each on Bun's thread pool as a sign-in does; latency from the scheduled time.
//
//   bun run bench/support/argon2-floor.ts [--users 500] [--spread 10]
// Output: one JSON line (latency p50/p95/p99/max, CPU seconds and ms per verify, wall seconds).
import { parseArgs } from "node:util";
import { hashPassword, verifyPassword } from "../../src/auth/passwords";
import { pct } from "./common";

const { values: a } = parseArgs({ options: { users: { type: "string", default: "500" }, spread: { type: "string", default: "10" } } });
const N = Number(a.users);
const STEP = (Number(a.spread) * 1000) / N;
const hash = await hashPassword("storm-password-floor");
const lat: number[] = [];
let bad = 0;
const c0 = process.cpuUsage();
const t0 = performance.now() + 50;
const pending: Promise<void>[] = [];
for (let i = 0; i < N; i++) {
  const at = t0 + i * STEP;
  const wait = at - performance.now();
  if (wait > 0) await Bun.sleep(wait);
  pending.push(
    verifyPassword("storm-password-floor", hash).then((ok) => {
      if (!ok) bad++;
      lat.push(performance.now() - at);
    }),
  );
}
await Promise.all(pending);
const wall = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
const s = Float64Array.from(lat).sort();
console.log(JSON.stringify({ n: N, failed: bad, p50_ms: pct(s, 50), p95_ms: pct(s, 95), p99_ms: pct(s, 99), max_ms: s[s.length - 1], cpu_s: (c.user + c.system) / 1e6, cpu_ms_per_verify: (c.user + c.system) / 1e3 / N, wall_s: wall }));
process.exit(0);
