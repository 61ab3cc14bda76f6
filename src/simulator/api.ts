// /api/v1/simulator: faults, load mode, one more simulated number, and "this fake customer sends that",
// for tests, demos and benchmarks. In the OpenAPI document under the tag "Simulator"; 404 while it is off.
import { Type, type Static } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { notFound } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import { connectSimNumber, nextSimNumber } from "./bootstrap";
import type { Sim } from "./context";
import type { FaultsPatch } from "./faults";
import type { LoadRunner } from "./load";
import { simulatorOn } from "./mode";
import { inboundFromApi, CustomerMessage } from "./inbound-api";

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

const Delays = Type.Object({
  sent_ms: Type.Integer({ minimum: 0 }),
  delivered_ms: Type.Integer({ minimum: 0 }),
  read_ms: Type.Integer({ minimum: 0, description: "0: only when the customer's phone page shows the message" }),
  template_review_ms: Type.Integer({ minimum: 0 }),
});
const NextErrors = Type.Object({
  count: Type.Integer({ minimum: 0, description: "How many of the next sends fail" }),
  code: Type.Integer({ description: "Meta error code, e.g. 130429, 131056 (sync) or 131047, 131026 (async)" }),
  mode: Type.Union([Type.Literal("sync"), Type.Literal("async")], { description: "sync: the API call fails; async: a failed status webhook" }),
});
const Limits = Type.Object({
  throughput_per_s: Type.Integer({ minimum: 1, description: "Sends per second per number before 130429 (Meta: 80)" }),
  pair_burst: Type.Integer({ minimum: 1, description: "Messages one recipient may receive in a burst before 131056 (Meta: 45)" }),
  pair_every_ms: Type.Integer({ minimum: 0, description: "One more message per recipient every this many ms (Meta: 6000)" }),
  window: Type.Boolean({ description: "Free-form outside the 24-hour window fails with a 131047 status" }),
  messaging_limit: Type.Boolean({ description: "Enforce the portfolio's messaging limit (unique customers outside the window in 24 h)" }),
});
const FaultsJson = Type.Object({
  outage: Type.Union([Type.Literal("off"), Type.Literal("error"), Type.Literal("timeout")], { description: "error: 503 code 2; timeout: calls hang" }),
  slow_ms: Type.Integer({ minimum: 0, maximum: 60_000 }),
  next_errors: NextErrors,
  duplicate_ratio: Type.Number({ minimum: 0, maximum: 1, description: "Share of webhooks delivered twice" }),
  reorder: Type.Boolean({ description: "Status webhooks in reverse order" }),
  batch: Type.Boolean({ description: "Several webhooks packed into one POST" }),
  batch_window_ms: Type.Integer({ minimum: 0, maximum: 60_000 }),
  drop_delivered: Type.Boolean({ description: "Skip `delivered` before `read`" }),
  delays: Delays,
  limits: Limits,
});
const FaultsBody = Type.Partial(Type.Object({ ...FaultsJson.properties, next_errors: Type.Partial(NextErrors), delays: Type.Partial(Delays), limits: Type.Partial(Limits) }));

const LoadJson = Type.Object({
  running: Type.Boolean(),
  number: Nullable(Type.String()),
  customers: Type.Integer(),
  rate_per_s: Type.Number(),
  duration_s: Type.Number(),
  started_at: Nullable(Type.String({ format: "date-time" })),
  finished_at: Nullable(Type.String({ format: "date-time" })),
  sent: Type.Integer(),
  target: Type.Integer(),
});
const LoadBody = Type.Object({
  customers: Type.Integer({ minimum: 1, maximum: 10_000 }),
  rate_per_s: Type.Number({ minimum: 0.1, maximum: 2000 }),
  duration_s: Type.Number({ minimum: 1, maximum: 3600 }),
  number: Type.Optional(Type.String({ description: "phone_number_id of the simulated number (default: the first)" })),
});

const Sent = Type.Object({ data: Type.Object({ wamid: Type.String(), wa_id: Type.String(), customer_id: Type.String() }) });

export function simulatorApi(d: Deps, sim: Sim, load: LoadRunner) {
  const on = () => {
    if (!simulatorOn(d)) throw notFound("The simulator is off (SIMULATOR=off, or auto with a real number connected).");
  };
  const tag = "Simulator";
  const faults = { data: FaultsJson };
  return [
    route({ method: "GET", path: "/api/v1/simulator/faults", access: "simulator:use", tag, summary: "Current fault injection", response: Type.Object(faults), handler: () => (on(), { data: sim.faults.get() }) }),
    route({
      method: "POST", path: "/api/v1/simulator/faults", access: "simulator:use", tag, summary: "Change fault injection (fields not given stay as they are)",
      body: FaultsBody, response: Type.Object(faults),
      handler: (c) => (on(), { data: sim.faults.set(c.body as FaultsPatch) }),
    }),
    route({ method: "DELETE", path: "/api/v1/simulator/faults", access: "simulator:use", tag, summary: "Clear every fault", response: Type.Object(faults), handler: () => (on(), { data: sim.faults.reset() }) }),
    route({ method: "GET", path: "/api/v1/simulator/load", access: "simulator:use", tag, summary: "Load mode progress", response: Type.Object({ data: LoadJson }), handler: () => (on(), { data: load.status() }) }),
    route({
      method: "POST", path: "/api/v1/simulator/load", access: "simulator:use", tag, summary: "Start load mode: N customers, M messages/s, for D seconds",
      body: LoadBody, response: Type.Object({ data: LoadJson }), status: 202,
      handler: (c) => (on(), { data: load.start(c.body) }),
    }),
    route({ method: "DELETE", path: "/api/v1/simulator/load", access: "simulator:use", tag, summary: "Stop load mode", response: Type.Object({ data: LoadJson }), handler: () => (on(), { data: load.stop() }) }),
    route({
      method: "POST", path: "/api/v1/simulator/customers/:phone/messages", access: "simulator:use", tag,
      summary: "A fake customer sends a message to a simulated number",
      description: "The customer (E.164 phone in the path) is created when new. The app receives the message as Meta's signed webhook.",
      params: Type.Object({ phone: Type.String({ description: "E.164, e.g. +393331234567" }) }),
      body: CustomerMessage, response: Sent, status: 202, bodyLimit: 8 * 1024 * 1024,
      handler: (c) => (on(), { data: inboundFromApi(sim, c.params.phone, c.body as Static<typeof CustomerMessage>) }),
    }),
    route({
      method: "POST", path: "/api/v1/simulator/numbers", access: "numbers:manage", tag,
      summary: "Create one more simulated number and connect it",
      body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })) }),
      response: Type.Object({ data: Type.Object({ id: Type.String(), phone_number_id: Type.String(), waba_id: Type.String(), display_phone_number: Type.String() }) }),
      status: 201,
      handler: async (c: Ctx<{ name?: string }>) => {
        on();
        const spec = nextSimNumber(sim, c.body.name);
        const n = await connectSimNumber(sim, spec, { actor: c.actor, ip: c.ip, userAgent: c.userAgent });
        return { data: { id: String(n.id), phone_number_id: n.phone_number_id, waba_id: n.waba_id, display_phone_number: n.display_phone_number } };
      },
    }),
  ];
}
