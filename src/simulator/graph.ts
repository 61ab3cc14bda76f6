// The fake Graph API under /simulator/graph/{version}/...: the endpoints the app's Graph client calls, with
// Meta's request and response shapes. Public routes (outside /api/v1, so not in the OpenAPI document) that
// authenticate like Meta, by the number's Bearer token: 190 for a token Meta would not know, 100/33 for an
// object this token may not see. Outage and slow-answer faults apply to every call here.
import type { Sim } from "./context";
import { route, type Ctx, type Method } from "../platform/http";
import { sha256 } from "../platform/ids";
import { SimGraphError, invalidToken, missingParam, unknownObject } from "./errors";
import { TIMEOUT_HOLD_MS } from "./faults";
import { findMedia, mediaFile, mediaJson, storeMedia, urlValid } from "./media";
import { simulatorOn } from "./mode";
import { acceptSend } from "./send";
import { createTemplate, deleteTemplate, listPage, templateJson } from "./templates";
import * as store from "./store";
import type { SimNumber } from "./store";

type Obj = Record<string, any>;
type Handler = (c: Ctx, token: string) => unknown;

const BASE = "/simulator/graph/:version";
const notOn = () => Response.json({ error: { code: "not_found", message: "The simulator is off (SIMULATOR)." } }, { status: 404 });

/** Waits `ms`, or less when the client hangs up (a timed-out call must not hold shutdown). */
const hold = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** The SHA-256 of the request's Bearer token, if some simulated number has it; else Meta's 190. */
function bearer(sim: Sim, req: Request): string {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  const hash = m ? sha256(m[1]!) : null;
  if (!hash || !store.tokenKnown(sim.d.db, hash)) throw invalidToken();
  return hash;
}

/** Runs a Graph handler: on/off, faults, version, token, and every failure as Meta's error JSON. */
async function run(sim: Sim, c: Ctx, fn: Handler): Promise<Response> {
  if (!simulatorOn(sim.d)) return notOn();
  const f = sim.faults.get();
  if (f.slow_ms) await hold(f.slow_ms, c.req.signal);
  if (f.outage === "timeout") await hold(TIMEOUT_HOLD_MS, c.req.signal);
  if (f.outage !== "off") return new SimGraphError(2).response();
  try {
    if (!/^v\d+\.\d+$/.test(c.params.version)) throw new SimGraphError(2500, { message: `Unknown path components: /${c.params.version}`, bare: true });
    const out = await fn(c, bearer(sim, c.req));
    return out instanceof Response ? out : Response.json(out);
  } catch (e) {
    if (e instanceof SimGraphError) return e.response();
    sim.d.log.error("simulator graph call failed", { err: e, path: c.url.pathname });
    return new SimGraphError(1).response();
  }
}

/** The number `id` if this token owns it; else Meta's "object does not exist" error. */
function ownNumber(sim: Sim, id: string, token: string, method: string): SimNumber {
  const n = store.numberByPhoneId(sim.d.db, id);
  if (!n || n.token_sha256 !== token) throw unknownObject(id, method);
  return n;
}

function ownWaba(sim: Sim, id: string, token: string, method: string): SimNumber[] {
  const list = store.numbersInWaba(sim.d.db, id);
  if (!list.some((n) => n.token_sha256 === token)) throw unknownObject(id, method);
  return list;
}

/** A number's fields, limited to `fields` when given (as `GET /{phone-number-id}?fields=` does). */
function numberJson(n: SimNumber, fields: string | null): Obj {
  const all: Obj = {
    id: n.phone_number_id,
    display_phone_number: n.display_phone_number,
    verified_name: n.verified_name,
    quality_rating: n.quality_rating,
    messaging_limit_tier: n.messaging_limit_tier,
    whatsapp_business_manager_messaging_limit: n.messaging_limit_tier,
    throughput: { level: n.throughput_level },
    name_status: "APPROVED",
    code_verification_status: "VERIFIED",
    platform_type: "CLOUD_API",
    status: "CONNECTED",
    account_mode: "LIVE",
    is_official_business_account: false,
  };
  const want = fields?.split(",").map((f) => f.trim()) ?? ["verified_name", "code_verification_status", "display_phone_number", "quality_rating", "platform_type", "throughput"];
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === "id" || want.includes(k)));
}

/** `GET /{id}`: a number, a media file, a template or a WABA, whichever the id names. */
function getObject(sim: Sim, c: Ctx, token: string): Obj {
  const id = String(c.params.id);
  const { db } = sim.d;
  if (store.numberByPhoneId(db, id)) return numberJson(ownNumber(sim, id, token, "get"), c.url.searchParams.get("fields"));
  const media = findMedia(sim, id);
  if (media) {
    const owner = store.numberByPhoneId(db, media.phone_number_id);
    const asked = c.url.searchParams.get("phone_number_id");
    if (!owner || owner.token_sha256 !== token || (asked && asked !== owner.phone_number_id)) throw unknownObject(id, "get");
    return mediaJson(sim, media);
  }
  const t = store.templateByMetaId(db, id);
  if (t) {
    ownWaba(sim, t.waba_id, token, "get");
    return templateJson(t, c.url.searchParams.get("fields")?.split(",") ?? null);
  }
  const numbers = ownWaba(sim, id, token, "get");
  return { id, name: numbers[0]!.verified_name, currency: "EUR", timezone_id: "1", message_template_namespace: `sim_${id}` };
}

async function upload(sim: Sim, c: Ctx, token: string): Promise<Obj> {
  const n = ownNumber(sim, String(c.params.id), token, "post");
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw missingParam("file");
  }
  if (form.get("messaging_product") !== "whatsapp") throw missingParam("messaging_product");
  const file = form.get("file");
  if (!(file instanceof Blob)) throw missingParam("file");
  const type = String(form.get("type") || file.type || "");
  const m = storeMedia(sim, n.phone_number_id, new Uint8Array(await file.arrayBuffer()), type, file instanceof File ? file.name : null);
  return { id: m.media_id };
}

async function jsonBody(c: Ctx): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return null;
  }
}

/** The download URL `GET /{media-id}` hands out: valid 5 minutes, and only with the owner's token. */
async function download(sim: Sim, c: Ctx): Promise<Response> {
  if (!simulatorOn(sim.d)) return notOn();
  const m = findMedia(sim, String(c.params.id));
  const q = c.url.searchParams;
  if (!m || !urlValid(sim, m.media_id, q.get("exp"), q.get("sig"))) return Response.json({ error: { message: "URL signature expired", code: 404 } }, { status: 404 });
  const auth = /^Bearer\s+(\S+)$/i.exec(c.req.headers.get("authorization") ?? "");
  const owner = store.numberByPhoneId(sim.d.db, m.phone_number_id);
  if (!auth || !owner || owner.token_sha256 !== sha256(auth[1]!)) return invalidToken().response();
  return new Response(mediaFile(sim, m), { headers: { "content-type": m.mime_type, "content-length": String(m.size), "cache-control": "no-store" } });
}

const graph = (sim: Sim, method: Method, path: string, fn: Handler) =>
  route({ method, path: `${BASE}${path}`, access: "public", noCsrf: true, rawBody: true, handler: (c) => run(sim, c, fn) });

/** The fake Graph API route table. */
export function graphRoutes(sim: Sim) {
  return [
    graph(sim, "POST", "/:id/messages", async (c, token) => acceptSend(sim, ownNumber(sim, String(c.params.id), token, "post"), await jsonBody(c))),
    graph(sim, "POST", "/:id/media", (c, token) => upload(sim, c, token)),
    graph(sim, "GET", "/:id", (c, token) => getObject(sim, c, token)),
    graph(sim, "POST", "/:id/subscribed_apps", (c, token) => (ownWaba(sim, String(c.params.id), token, "post"), { success: true })),
    graph(sim, "GET", "/:id/message_templates", (c, token) => (ownWaba(sim, String(c.params.id), token, "get"), listPage(sim, String(c.params.id), c.url.searchParams, c.url.pathname))),
    graph(sim, "POST", "/:id/message_templates", async (c, token) => (ownWaba(sim, String(c.params.id), token, "post"), createTemplate(sim, String(c.params.id), (await jsonBody(c)) as Obj))),
    graph(sim, "DELETE", "/:id/message_templates", (c, token) => (ownWaba(sim, String(c.params.id), token, "delete"), deleteTemplate(sim, String(c.params.id), c.url.searchParams))),
    route({ method: "GET", path: "/simulator/media/:id", access: "public", noCsrf: true, handler: (c) => download(sim, c) }),
  ];
}
