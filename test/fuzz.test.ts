// R4: 10,000 malformed or mutated webhook bodies over real HTTP. Most are correctly signed, so they reach JSON
// parsing, the intake and the background processor; the rest carry forged, tampered or missing signatures.
// The server must never answer 5xx, must refuse every forged one with 401, must keep answering /healthz, and
// after the processor drains, every stored event is done or failed with its error (none stuck pending) and no
// partial rows are left behind (a message without its conversation or contact, a conversation without a
// message, a media row without its message).
//
// Seeded: FUZZ_SEED=<n> bun test test/fuzz.test.ts replays a run; each case i is built from its own PRNG
// (seed, i), so one failing case can be rebuilt alone with buildCase(seed, i).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestApp, type TestApp } from "./support/app";
import { api } from "./support/client";
import { fakeNumber, startFakeGraph, type FakeGraph } from "./support/fake-graph";
import { escapedJson, signBody } from "../src/whatsapp";

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const IN_FLIGHT = 16;
const SECRET = "fuzz-app-secret";
const PHONE_ID = "106540352242922";
const WABA_ID = "102290129340398";
const LIMIT = 4 * 1024 * 1024;
const FIXTURES = join(import.meta.dir, "fixtures/meta-webhooks");
const fixtures: unknown[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")));

type J = null | boolean | number | string | J[] | { [k: string]: J };
type Rand = () => number;

function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const KEYS = ["entry", "changes", "value", "field", "messages", "statuses", "contacts", "metadata", "phone_number_id", "display_phone_number", "id", "from", "from_user_id", "user_id", "type", "text", "body", "timestamp", "wa_id", "profile", "name", "image", "mime_type", "caption", "errors", "context", "reaction", "emoji", "message_id", "system", "interactive", "button_reply", "list_reply", "status", "recipient_id", "biz_opaque_callback_data", "pricing", "conversation", "user_preferences", "event", "message_template_id", "group_id", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "", "entry ", "Entry"];
const TYPES = ["text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive", "button", "reaction", "order", "system", "unsupported", "request_welcome", "ephemeral", "edit", "revoke", "__proto__", "constructor", "toString", "", "TEXT"];
const FIELDS = ["messages", "message_template_status_update", "template_category_update", "message_template_quality_update", "message_template_components_update", "phone_number_quality_update", "phone_number_name_update", "account_update", "account_alerts", "account_review_update", "business_capability_update", "user_preferences", "history", "security", "smb_message_echoes", "__proto__", "constructor", ""];
const STATUSES = ["sent", "delivered", "read", "played", "failed", "deleted", "", "SENT", "warning"];
/** Raw JSON tokens that JSON.stringify cannot produce: out-of-range and over-precise numbers. */
const RAW_NUMBERS = ["1e400", "-1e400", "123456789012345678901234567890", "0.0000000000000000000000000000001e-320", "-0", "1E+2", "9007199254740993", "-9223372036854775809"];

/** Builds JSON text with placeholders swapped for raw tokens (huge numbers, deep nesting). */
class Raw {
  private tokens: string[] = [];
  mark(token: string): string {
    this.tokens.push(token);
    return `\u0000RAW${this.tokens.length - 1}\u0000`;
  }
  render(v: J): string {
    return escapedJson(v).replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i: string) => this.tokens[Number(i)]!);
  }
}

function deep(r: Rand, depth: number): string {
  const kind = int(r, 3);
  if (kind === 0) return "[".repeat(depth) + "]".repeat(depth);
  if (kind === 1) return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
  return '{"entry":['.repeat(depth) + "null" + "]}".repeat(depth);
}

function str(r: Rand): string {
  switch (int(r, 9)) {
    case 0:
      return "";
    case 1:
      return "x".repeat(1 + int(r, 5000));
    case 2:
      return "caffè ☕ 🙏 みどり \u202e\u200b";
    case 3:
      return "\ud800 lone \udfff surrogates";
    case 4:
      return "\u0000\u0001\u001f control";
    case 5:
      return String(int(r, 1e9));
    case 6:
      return "99999999999999999999999999";
    case 7:
      return "wamid." + int(r, 1e9).toString(36);
    default:
      return Array.from({ length: int(r, 20) }, () => String.fromCharCode(32 + int(r, 95))).join("");
  }
}

function scalar(r: Rand, raw: Raw): J {
  switch (int(r, 12)) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return int(r, 100) - 50;
    case 3:
      return pick(r, [1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 5e-324, 0.1, -0]);
    case 4:
      return raw.mark(pick(r, RAW_NUMBERS));
    case 5:
      return pick(r, TYPES);
    case 6:
      return pick(r, STATUSES);
    default:
      return str(r);
  }
}

function randomJson(r: Rand, raw: Raw, depth = 0): J {
  const k = depth > 3 ? 0 : int(r, 4);
  if (k === 0 || k === 1) return scalar(r, raw);
  if (k === 2) return Array.from({ length: int(r, 5) }, () => randomJson(r, raw, depth + 1));
  const o: Record<string, J> = {};
  for (let i = int(r, 6); i > 0; i--) setOwn(o, r() < 0.7 ? pick(r, KEYS) : str(r).slice(0, 20), randomJson(r, raw, depth + 1));
  return o;
}

/** Sets an own property even for "__proto__", so JSON.stringify writes it. */
function setOwn(o: Record<string, J>, k: string, v: J): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Every container in the tree with a way to replace one of its children. */
function slots(root: J): { get: () => J; set: (v: J) => void; del: () => void; container: J[] | Record<string, J>; key: string | number }[] {
  const out: ReturnType<typeof slots> = [];
  const walk = (v: J, depth: number) => {
    if (depth > 12 || v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      v.forEach((child, i) => {
        out.push({ get: () => v[i]!, set: (x) => (v[i] = x), del: () => v.splice(i, 1), container: v, key: i });
        walk(child, depth + 1);
      });
    } else {
      for (const k of Object.keys(v)) {
        out.push({ get: () => v[k]!, set: (x) => setOwn(v, k, x), del: () => delete v[k], container: v, key: k });
        walk(v[k]!, depth + 1);
      }
    }
  };
  walk(root, 0);
  return out;
}

function mutate(r: Rand, root: J, raw: Raw): void {
  const all = slots(root);
  if (!all.length) return;
  const s = pick(r, all);
  switch (int(r, 14)) {
    case 0:
      s.del();
      break;
    case 1: {
      // rename a key
      if (Array.isArray(s.container)) break;
      const v = s.get();
      s.del();
      setOwn(s.container, r() < 0.6 ? pick(r, KEYS) : str(r).slice(0, 30), v);
      break;
    }
    case 2:
      s.set(scalar(r, raw));
      break;
    case 3:
      s.set([s.get()]); // an array where an object (or a string) is expected
      break;
    case 4: {
      const v = s.get();
      if (Array.isArray(v)) s.set(v[0] ?? null); // an object where an array is expected
      else if (v && typeof v === "object") s.set(Object.values(v));
      else s.set({ value: v });
      break;
    }
    case 5: {
      const v = s.get();
      if (Array.isArray(v) && v.length) for (let i = int(r, 60); i > 0; i--) v.push(structuredClone(v[0]!));
      else s.set(randomJson(r, raw));
      break;
    }
    case 6:
      s.set(raw.mark(deep(r, 50 + int(r, r() < 0.1 ? 20_000 : 600))));
      break;
    case 7:
      s.set("y".repeat(int(r, r() < 0.03 ? 200_000 : 5_000)));
      break;
    case 8:
      s.set(pick(r, TYPES));
      break;
    case 9:
      s.set(pick(r, FIELDS));
      break;
    case 10:
      s.set(null);
      break;
    case 11:
      s.set(randomJson(r, raw));
      break;
    case 12:
      if (!Array.isArray(s.container)) setOwn(s.container, pick(r, KEYS), randomJson(r, raw));
      break;
    default:
      s.set(raw.mark(pick(r, RAW_NUMBERS)));
  }
}

/** Meta's example, made unique to this case (wamids get a suffix) so dedupe does not hide the work. */
function fromFixture(r: Rand, i: number): J {
  const f = structuredClone(pick(r, fixtures)) as J;
  return JSON.parse(JSON.stringify(f).replace(/"(wamid\.[^"]+)"/g, (_m, id: string) => `"${id}-F${i}"`)) as J;
}

/** A plausible envelope around a random message, status or change. */
function generated(r: Rand, raw: Raw, i: number): J {
  const from = pick(r, ["393331234567", "5511987654321", "551187654321", "16505551234", "", "+39 333 123", "abc"]);
  const type = pick(r, TYPES);
  const message: Record<string, J> = { from, id: `wamid.GEN${i}`, timestamp: r() < 0.8 ? String(1_750_000_000 + int(r, 1e6)) : scalar(r, raw), type };
  setOwn(message, type || "text", r() < 0.5 ? { body: str(r), id: str(r), caption: str(r), emoji: str(r), message_id: "wamid.X" } : randomJson(r, raw));
  if (r() < 0.2) message.context = { from: "15550783881", id: `wamid.CTX${int(r, 50)}` };
  const status = { id: `wamid.S${int(r, 200)}`, status: pick(r, STATUSES), timestamp: String(1_750_000_000 + int(r, 1e6)), recipient_id: from, biz_opaque_callback_data: r() < 0.3 ? str(r) : null, pricing: r() < 0.5 ? { billable: r() < 0.5, pricing_model: "PMP", category: pick(r, ["marketing", "utility", null]) } : randomJson(r, raw), errors: r() < 0.3 ? [{ code: int(r, 200000), title: str(r) }] : null };
  const value: Record<string, J> = { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: r() < 0.9 ? PHONE_ID : str(r) } };
  const field = r() < 0.7 ? "messages" : pick(r, FIELDS);
  if (field === "messages") {
    if (r() < 0.7) {
      value.contacts = [{ profile: { name: str(r) }, wa_id: from }];
      value.messages = [message];
    } else value.statuses = [status];
  } else Object.assign(value, randomJson(r, raw, 1) ?? {}, { event: pick(r, ["APPROVED", "REJECTED", "PAUSED", "FLAGGED", "DOWNGRADE", "DISABLED"]), message_template_name: str(r), user_preferences: [{ wa_id: from, category: "marketing_messages", value: pick(r, ["stop", "resume"]), timestamp: int(r, 2e9) }] });
  return { object: "whatsapp_business_account", entry: [{ id: r() < 0.9 ? WABA_ID : str(r), changes: [{ field, value }] }] };
}

const enc = new TextEncoder();

function byteMutate(r: Rand, b: Uint8Array): Uint8Array {
  let out: Uint8Array = b;
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const at = int(r, out.length + 1);
    switch (int(r, 6)) {
      case 0: {
        const c = out.slice();
        for (let k = 1 + int(r, 4); k > 0 && c.length; k--) c[int(r, c.length)]! ^= 1 << int(r, 8);
        out = c;
        break;
      }
      case 1:
        out = out.slice(0, at);
        break;
      case 2: {
        const bad = pick(r, [[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x00], [0xef, 0xbb, 0xbf]]);
        out = new Uint8Array([...out.subarray(0, at), ...bad, ...out.subarray(at)]);
        break;
      }
      case 3:
        out = new Uint8Array([...out.subarray(0, at), ...out.subarray(Math.min(out.length, at + 1 + int(r, 40)))]);
        break;
      case 4: {
        const len = int(r, 60);
        out = new Uint8Array([...out.subarray(0, at), ...out.subarray(at, at + len), ...out.subarray(at)]);
        break;
      }
      default:
        out = new Uint8Array([...out.subarray(0, at), ...enc.encode(pick(r, ['"', "{", "}", "[", "]", ",", ":", "\\", "\\u00", "null", "1e999"])), ...out.subarray(at)]);
    }
  }
  return out;
}

const SPECIAL = ["", " ", "\n", "null", "true", "0", '""', "[]", "{}", '{"entry":null}', '{"entry":{}}', '{"entry":[]}', '{"entry":[null]}', '{"entry":[1,"x",[],{}]}', '{"entry":[{"changes":null}]}', '{"entry":[{"changes":[null]}]}', '{"entry":[{"changes":[{"field":"messages","value":null}]}]}', '{"entry":[{"changes":[{"field":"messages","value":{"messages":null}}]}]}', '{"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"messages":[null,1,"x",[]]}}]}]}', '{"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"statuses":[null,{}]}}]}]}', '{"entry":[],"entry":{}}', '{"__proto__":{"entry":[]}}', '{"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"messages":[{"id":{},"from":[],"type":{}}]}}]}]}', "\ufeff{}", '{"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"contacts":[{"wa_id":"1"}],"messages":[{"id":"wamid.NOFROM","type":"text"}]}}]}]}'];

type Sig = "good" | "absent" | "wrong-secret" | "other-body" | "truncated" | "garbage" | "sha1" | "empty" | "upper-prefix" | "tampered";
export interface Case {
  i: number;
  kind: string;
  body: Uint8Array;
  sig: Sig;
}

export function buildCase(seed: number, i: number): Case {
  const r = prng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  const raw = new Raw();
  let kind: string;
  let body: Uint8Array;
  const k = r();
  if (k < 0.4) {
    kind = "fixture";
    const v = fromFixture(r, i);
    for (let n = 1 + int(r, 3); n > 0; n--) mutate(r, v, raw);
    body = enc.encode(raw.render(v));
  } else if (k < 0.55) {
    kind = "fixture+bytes";
    const v = fromFixture(r, i);
    if (r() < 0.5) mutate(r, v, raw);
    body = byteMutate(r, enc.encode(raw.render(v)));
  } else if (k < 0.75) {
    kind = "generated";
    const v = generated(r, raw, i);
    for (let n = int(r, 3); n > 0; n--) mutate(r, v, raw);
    body = enc.encode(raw.render(v));
    if (r() < 0.15) body = byteMutate(r, body);
  } else if (k < 0.87) {
    kind = "random-json";
    body = enc.encode(raw.render(r() < 0.5 ? randomJson(r, raw) : { entry: randomJson(r, raw) as J }));
  } else if (k < 0.95) {
    kind = "special";
    body = enc.encode(pick(r, SPECIAL));
  } else if (k < 0.999) {
    kind = "deep";
    body = enc.encode(`{"object":"whatsapp_business_account","entry":[${deep(r, 100 + int(r, r() < 0.03 ? 200_000 : 5_000))}]}`);
  } else {
    kind = "huge";
    const size = r() < 0.3 ? LIMIT + 1 + int(r, 100_000) : 200_000 + int(r, 2_000_000);
    const v = fromFixture(r, i) as Record<string, J>;
    v.pad = "z".repeat(size);
    body = enc.encode(raw.render(v));
  }
  // Forged signatures go on bodies under the size limit (an oversized body is refused with 413 before anyone
  // looks at its signature, which is just as safe).
  let sig: Sig = "good";
  if (kind !== "huge" && r() < 0.12) sig = pick(r, ["absent", "wrong-secret", "other-body", "truncated", "garbage", "sha1", "empty", "upper-prefix", "tampered"] as const);
  return { i, kind, body, sig };
}

function headers(c: Case): { headers: Record<string, string>; body: Uint8Array } {
  const h: Record<string, string> = { "content-type": "application/json" };
  const good = signBody(c.body, SECRET);
  let body = c.body;
  switch (c.sig) {
    case "good":
      h["x-hub-signature-256"] = good;
      break;
    case "absent":
      break;
    case "wrong-secret":
      h["x-hub-signature-256"] = signBody(c.body, "not-" + SECRET);
      break;
    case "other-body":
      h["x-hub-signature-256"] = signBody(new Uint8Array([...c.body, 0x20]), SECRET); // a valid MAC of other bytes
      break;
    case "truncated":
      h["x-hub-signature-256"] = good.slice(0, 7 + 32);
      break;
    case "garbage":
      h["x-hub-signature-256"] = "sha256=" + "zz".repeat(32);
      break;
    case "sha1":
      h["x-hub-signature"] = "sha1=" + good.slice(7, 47);
      break;
    case "empty":
      h["x-hub-signature-256"] = "";
      break;
    case "upper-prefix":
      h["x-hub-signature-256"] = "SHA256=" + good.slice(7);
      break;
    case "tampered": {
      h["x-hub-signature-256"] = good;
      body = c.body.slice();
      if (body.length) body[body.length >> 1]! ^= 0x20;
      else body = enc.encode(" ");
      break;
    }
  }
  return { headers: h, body };
}

let app: TestApp;
let graph: FakeGraph;
let admin: string;

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
  graph = startFakeGraph();
  app = await startTestApp({ WA_GRAPH_URL: graph.url, WA_APP_SECRET: SECRET });
  admin = app.token("admin");
  const r = await api(app.url, admin, "POST", "/api/v1/numbers", fakeNumber(graph, PHONE_ID, WABA_ID));
  expect(r.status).toBe(201);
});

afterAll(async () => {
  await app.stop();
  graph.stop();
});

/** Rows holding a time a JavaScript Date cannot represent (|ms| > 8.64e15): inbound times are clamped, so none. */
const outOfRangeTimes = () =>
  n("SELECT (SELECT count(*) FROM messages WHERE abs(created_at) > 8.64e15) + (SELECT count(*) FROM conversations WHERE abs(last_message_at) > 8.64e15 OR abs(created_at) > 8.64e15) AS n");

/** Lists conversations and their messages through the API: stored fuzz must not break reading. */
async function readBack() {
  const convs = await api(app.url, admin, "GET", "/api/v1/conversations?limit=100");
  expect(outOfRangeTimes()).toBe(0);
  expect(convs.status).toBe(200);
  for (const c of (convs.json.data as { id: string }[]).slice(0, 40)) {
    const m = await api(app.url, admin, "GET", `/api/v1/conversations/${c.id}/messages?limit=100`);
    expect(m.status).toBe(200);
  }
  expect((await api(app.url, admin, "GET", "/api/v1/webhook-events?status=failed&limit=100")).status).toBe(200);
}

const q = <T = { n: number }>(sql: string) => app.deps.db.query<T>(sql);
const n = (sql: string) => q(sql).get()!.n;

test(
  `${CASES} mutated webhook bodies: no 5xx, forged ones refused, nothing stuck, no partial rows`,
  async () => {
    const eventsBefore = n("SELECT count(*) AS n FROM webhook_events");
    const byStatus = new Map<string, number>();
    const problems: string[] = [];
    let accepted = 0;
    let next = 0;
    const worker = async () => {
      while (next < CASES) {
        const c = buildCase(SEED, next++);
        const { headers: h, body } = headers(c);
        let status: number;
        try {
          const t = performance.now();
          const res = await fetch(app.url + "/webhooks/whatsapp", { method: "POST", headers: h, body: body as Uint8Array<ArrayBuffer>, signal: AbortSignal.timeout(10_000) });
          await res.arrayBuffer();
          status = res.status;
          if (process.env.FUZZ_SLOW && performance.now() - t > Number(process.env.FUZZ_SLOW)) console.log(`slow case ${c.i} ${c.kind} ${body.length}B ${status} ${(performance.now() - t).toFixed(0)} ms`);
        } catch (e) {
          status = 0;
          problems.push(`case ${c.i} (${c.kind}, ${c.sig}): request failed: ${(e as Error).message}`);
        }
        byStatus.set(`${c.sig === "good" ? "signed" : "forged"} ${status}`, (byStatus.get(`${c.sig === "good" ? "signed" : "forged"} ${status}`) ?? 0) + 1);
        const forgedOk = c.sig === "good" || status === 401;
        const signedOk = c.sig !== "good" || [200, 400, 413].includes(status);
        if (status >= 500 || !forgedOk || !signedOk) {
          let saved = "";
          if (problems.length < 20) {
            saved = join(tmpdir(), `centralino-fuzz-${SEED}-${c.i}.bin`);
            writeFileSync(saved, body);
          }
          problems.push(`case ${c.i} (${c.kind}, signature ${c.sig}, ${body.length} bytes) answered ${status}${saved ? `; body saved to ${saved}` : ""}`);
        }
        if (status === 200) accepted++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    console.log(`fuzz responses: ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}`);
    if (problems.length) console.log(`${problems.length} cases went wrong; the first 20 follow`);
    expect(problems.slice(0, 20)).toEqual([]);

    // Still alive and healthy.
    const health = await fetch(app.url + "/healthz");
    expect(health.status).toBe(200);

    // Drain: every stored event is done, or failed with its error.
    app.deps.intake.flush();
    while (app.deps.processor.drain() > 0) {
      // keep draining
    }
    expect(n("SELECT count(*) AS n FROM webhook_events") - eventsBefore).toBe(accepted);
    expect(n("SELECT count(*) AS n FROM webhook_events WHERE status = 'pending'")).toBe(0);
    expect(n("SELECT count(*) AS n FROM webhook_events WHERE status = 'failed' AND (error IS NULL OR error = '')")).toBe(0);
    expect(n("SELECT count(*) AS n FROM webhook_events WHERE status = 'done' AND error IS NOT NULL")).toBe(0);
    const failures = q<{ error: string; n: number }>("SELECT substr(error, 1, 90) AS error, count(*) AS n FROM webhook_events WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC").all();
    console.log(`fuzz events: ${n("SELECT count(*) AS n FROM webhook_events WHERE status = 'done'")} done, ${n("SELECT count(*) AS n FROM webhook_events WHERE status = 'failed'")} failed; messages ${n("SELECT count(*) AS n FROM messages")}, conversations ${n("SELECT count(*) AS n FROM conversations")}, contacts ${n("SELECT count(*) AS n FROM contacts")} (${n("SELECT count(*) AS n FROM contacts k WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = k.id)")} without a message), media ${n("SELECT count(*) AS n FROM media")}`);
    console.log(`fuzz failure reasons (top 12):\n${failures.slice(0, 12).map((f) => `  ${f.n}× ${f.error}`).join("\n")}`);

    // No partial rows.
    expect(n("SELECT count(*) AS n FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE c.id IS NULL")).toBe(0);
    expect(n("SELECT count(*) AS n FROM messages m LEFT JOIN contacts k ON k.id = m.contact_id WHERE k.id IS NULL")).toBe(0);
    expect(n("SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.contact_id <> m.contact_id OR c.number_id <> m.number_id")).toBe(0);
    expect(n("SELECT count(*) AS n FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)")).toBe(0);
    expect(n("SELECT count(*) AS n FROM media WHERE message_id IS NULL OR message_id NOT IN (SELECT id FROM messages)")).toBe(0);
    expect(n("SELECT count(*) AS n FROM (SELECT wamid FROM messages WHERE wamid IS NOT NULL GROUP BY wamid HAVING count(*) > 1)")).toBe(0);
    expect(q("PRAGMA foreign_key_check").all()).toEqual([]);
    expect(q<{ integrity_check: string }>("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);

    // What was stored can still be read back through the API.
    await readBack();
    expect((await fetch(app.url + "/healthz")).status).toBe(200);
  },
  60_000,
);

// Found by this fuzzer: "99999999999999" once became 1e17 ms and every API list answered 500. metaTime() now falls
// back to the time of receipt for timestamps outside [2009, received + 1 day], and iso() tolerates bad dates.
test("an inbound timestamp beyond the Date range does not break the conversations list", async () => {
  const raw = escapedJson({
    object: "whatsapp_business_account",
    entry: [{ id: WABA_ID, changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: PHONE_ID }, contacts: [{ profile: { name: "Futuro" }, wa_id: "393339990001" }], messages: [{ from: "393339990001", id: "wamid.FUTURE1", timestamp: "99999999999999", type: "text", text: { body: "ciao" } }] } }] }],
  });
  const r = await fetch(app.url + "/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, SECRET) }, body: raw });
  expect(r.status).toBe(200);
  app.deps.intake.flush();
  app.deps.processor.drain();
  expect((await api(app.url, admin, "GET", "/api/v1/conversations?limit=100")).status).toBe(200);
});
