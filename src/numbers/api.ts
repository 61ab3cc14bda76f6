// Numbers through the API (PRODUCT.md "API core"): connect, list, read, update, refresh, templates.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { notFound } from "../platform/errors";
import { iso } from "../platform/pagination";
import { DEFAULT_START_RATE } from "./service";
import type { NumberRow, TemplateRow } from "./store";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

export const NumberJson = Type.Object({
  id: Type.String(),
  phone_number_id: Type.String(),
  waba_id: Type.String(),
  display_phone_number: Type.String(),
  name: Type.String(),
  portfolio: Type.String(),
  status: Type.Union([Type.Literal("connected"), Type.Literal("disabled"), Type.Literal("error")]),
  simulated: Type.Boolean(),
  quality: Nullable(Type.String({ description: "GREEN, YELLOW, RED or UNKNOWN" })),
  tier: Nullable(Type.String({ description: "Messaging limit tier, e.g. TIER_1K" })),
  verified_name: Nullable(Type.String()),
  send_rate_per_min: Nullable(Type.Integer({ description: "Configured rate; null means the default ramp" })),
  effective_rate_per_min: Type.Number({ description: "The rate the send loop paces at now (lower than configured after Meta throttled the number)" }),
  queue_depth: Type.Integer({ description: "Messages waiting or being sent" }),
  default_language: Type.String(),
  team_ids: Type.Array(Type.String()),
  last_error: Nullable(Type.String()),
  health_checked_at: Nullable(Type.String({ format: "date-time" })),
  created_at: Type.String({ format: "date-time" }),
});

export const TemplateJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  language: Type.String(),
  category: Type.String(),
  status: Type.String(),
  quality: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  components: Type.Array(Type.Unknown()),
});

export function numberJson(d: Deps, n: NumberRow) {
  return {
    id: String(n.id),
    phone_number_id: n.phone_number_id,
    waba_id: n.waba_id,
    display_phone_number: n.display_phone_number,
    name: n.name,
    portfolio: n.portfolio,
    status: n.status,
    simulated: n.simulated === 1,
    quality: n.quality_rating,
    tier: n.messaging_limit_tier,
    verified_name: n.verified_name,
    send_rate_per_min: n.send_rate_per_min,
    effective_rate_per_min: Math.round(d.numbers.effectiveRate(n) * 10) / 10,
    queue_depth: d.outbox.depth(n.id),
    default_language: n.default_language,
    team_ids: d.numbers.teamIds(n.id).map(String),
    last_error: n.last_error,
    health_checked_at: iso(n.health_checked_at),
    created_at: iso(n.created_at)!,
  };
}

const templateJson = (t: TemplateRow) => ({ id: String(t.id), name: t.name, language: t.language, category: t.category, status: t.status, quality: t.quality, reason: t.reason, components: JSON.parse(t.components) as unknown[] });

const TeamIds = Type.Array(Type.Union([Type.String({ pattern: "^\\d+$" }), Type.Integer({ minimum: 1 })]), { maxItems: 100 });
const Rate = Type.Union([Type.Integer({ minimum: 1, maximum: 4800 }), Type.Null()], { description: "Messages per minute, 1-4800; null for the safe default ramp (20 → 60/min)" });

export function numbersApi(d: Deps) {
  const need = (id: number) => {
    const n = d.numbers.get(id);
    if (!n) throw notFound("No such number.");
    return n;
  };
  return [
    route({
      method: "GET",
      path: "/api/v1/numbers",
      access: "numbers:read",
      tag: "Numbers",
      summary: "List WhatsApp numbers with their health",
      response: Type.Object({ data: Type.Array(NumberJson), next_cursor: Type.Null() }),
      handler: () => ({ data: d.numbers.list().map((n) => numberJson(d, n)), next_cursor: null }),
    }),
    route({ method: "GET", path: "/api/v1/numbers/:id", access: "numbers:read", tag: "Numbers", summary: "Get a number", params: Id, response: Type.Object({ data: NumberJson }), handler: (c) => ({ data: numberJson(d, need(c.params.id)) }) }),
    route({
      method: "POST",
      path: "/api/v1/numbers",
      access: "numbers:manage",
      tag: "Numbers",
      summary: "Connect a number",
      description: "Checks the token against the Graph API, subscribes the app to the WABA and reads the number's fields. The token is stored encrypted and never returned.",
      body: Type.Object(
        {
          phone_number_id: Type.String({ pattern: "^\\d+$", description: "digits" }),
          display_phone_number: Type.String({ minLength: 5 }),
          waba_id: Type.String({ pattern: "^\\d+$", description: "digits" }),
          access_token: Type.String({ minLength: 10 }),
          name: Type.Optional(Type.String({ maxLength: 80 })),
          send_rate_per_min: Type.Optional(Rate),
          portfolio: Type.Optional(Type.String({ maxLength: 100 })),
          default_language: Type.Optional(Type.String()),
          team_ids: Type.Optional(TeamIds),
        },
        { additionalProperties: false },
      ),
      status: 201,
      response: Type.Object({ data: NumberJson }),
      handler: async (c) => ({ data: numberJson(d, await d.numbers.connect({ ...c.body, team_ids: c.body.team_ids?.map(Number) }, who(c))) }),
    }),
    route({
      method: "PATCH",
      path: "/api/v1/numbers/:id",
      access: "numbers:manage",
      tag: "Numbers",
      summary: "Change a number (name, rate, teams, token) or disable it",
      params: Id,
      body: Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
          send_rate_per_min: Type.Optional(Rate),
          portfolio: Type.Optional(Type.String({ maxLength: 100 })),
          default_language: Type.Optional(Type.String()),
          access_token: Type.Optional(Type.String({ minLength: 10 })),
          team_ids: Type.Optional(TeamIds),
          status: Type.Optional(Type.Union([Type.Literal("connected"), Type.Literal("disabled")])),
        },
        { additionalProperties: false },
      ),
      response: Type.Object({ data: NumberJson }),
      handler: async (c) => {
        need(c.params.id);
        return { data: numberJson(d, await d.numbers.update(c.params.id, { ...c.body, team_ids: c.body.team_ids?.map(Number) }, who(c))) };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1/numbers/:id/health",
      access: "numbers:manage",
      tag: "Numbers",
      summary: "Refresh the number's health from the Graph API now",
      params: Id,
      response: Type.Object({ data: NumberJson }),
      handler: async (c) => {
        need(c.params.id);
        return { data: numberJson(d, await d.numbers.refreshHealth(c.params.id)) };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/numbers/:id/templates",
      access: "templates:read",
      tag: "Numbers",
      summary: "Templates of the number's WhatsApp Business Account",
      params: Id,
      response: Type.Object({ data: Type.Array(TemplateJson) }),
      handler: (c) => ({ data: d.numbers.templates(need(c.params.id).waba_id).map(templateJson) }),
    }),
    route({
      method: "POST",
      path: "/api/v1/numbers/:id/templates/sync",
      access: "templates:manage",
      tag: "Numbers",
      summary: "Sync templates from Meta now",
      params: Id,
      response: Type.Object({ data: Type.Array(TemplateJson) }),
      handler: async (c) => {
        const n = need(c.params.id);
        await d.numbers.syncTemplates(n.id);
        return { data: d.numbers.templates(n.waba_id).map(templateJson) };
      },
    }),
  ];
}
