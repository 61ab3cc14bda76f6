// Numbers pages: the list with the webhook setup, connect, the health panel (refresh, templates, edit, disable)
// and the webhook events that failed processing, with replay. Forms re-render with field errors and a 422
// (Miniflux saveCategory). The access token is never rendered, not even back into its own field.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx, type Flash } from "../platform/http";
import { AppError, invalid, notFound, type FieldError } from "../platform/errors";
import { decodeCursor, encodeCursor } from "../platform/pagination";
import type { Form } from "../platform/form";
// The failed-events screen reads the intake table the API in whatsapp/routes.ts serves; whatsapp/index.ts does
// not re-export these yet.
import { eventCounts, getEvent, listEvents, requeueEvent } from "../whatsapp/store";
import type { NumberUpdate } from "./service";
import type { NumberRow } from "./store";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const PAGE = 50;
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });
const when = (ms: number | null) => (ms === null ? "" : `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`);
const clip = (s: string | null, n = 120) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The fields both forms share. The rate is null for the default ramp, NaN when not a whole number (the service explains). */
function readCommon(f: Form) {
  const rate = f.get("send_rate_per_min");
  return {
    portfolio: f.get("portfolio"),
    send_rate_per_min: rate === "" ? null : /^\d+$/.test(rate) ? Number(rate) : Number.NaN,
    default_language: f.get("default_language") || undefined,
    team_ids: f.all("team_ids").filter((x) => /^\d+$/.test(x)).map(Number),
  };
}

/** What was typed, to fill the form again: never the token. */
function typed(f: Form): Record<string, string> {
  const { access_token: _token, ...rest } = f.values();
  return rest;
}

/** A 422/409 as field messages for the form; anything else is not the form's business. */
function formErrors(e: unknown): { status: number; errors: FieldError[] } | null {
  if (!(e instanceof AppError) || (e.status !== 422 && e.status !== 409)) return null;
  const field = e.code === "number_exists" ? "phone_number_id" : "form";
  return { status: e.status, errors: e.fields.length ? e.fields : [{ field, message: e.message }] };
}

/** True while a real number would receive webhooks that cannot be verified (they are refused with 503). */
const secretMissing = (d: Deps) => !d.cfg.waAppSecret && d.numbers.realConnected() > 0;

export function numbersPages(d: Deps) {
  const need = (id: number) => {
    const n = d.numbers.get(id);
    if (!n) throw notFound("No such number.");
    return n;
  };
  const failedEvents = () => eventCounts(d.db).find((r) => r.status === "failed")?.n ?? 0;

  function listData(c: Ctx) {
    const teamNames = new Map(d.teams.list().map((t) => [t.id, t.name]));
    const numbers = d.numbers.list().map((n) => ({
      ...publicFacts(n),
      last_error: clip(n.last_error),
      teams: d.numbers.teamIds(n.id).map((id) => teamNames.get(id) ?? "?"),
    }));
    const manage = c.can("numbers:manage");
    const webhook = manage ? { url: `${d.cfg.baseUrl}/webhooks/whatsapp`, token: d.cfg.waVerifyToken ?? "", secretSet: !!d.cfg.waAppSecret } : null;
    return { numbers, webhook, secretMissing: secretMissing(d), failed: manage ? failedEvents() : 0 };
  }

  /** A number without its sealed token, plus the rate the send loop uses. */
  function publicFacts(n: NumberRow) {
    const { access_token: _sealed, ...rest } = n;
    return { ...rest, rate: Math.round(d.numbers.effectiveRate(n) * 10) / 10, ramp: n.send_rate_per_min === null, queued: d.outbox.depth(n.id) };
  }

  function newData(values: Record<string, unknown> = {}, errors: FieldError[] = [], teamIds: number[] = []) {
    return { values: { default_language: "en", ...values }, errors, teams: d.teams.list(), teamIds };
  }

  /** The health panel; `edit` carries what was typed when the edit form comes back with errors. */
  function show(c: Ctx, n: NumberRow, status = 200, edit?: { values: Record<string, unknown>; errors: FieldError[]; teamIds: number[] }) {
    const current = d.numbers.teamIds(n.id);
    const teams = d.teams.list();
    const data = {
      number: publicFacts(n),
      served: teams.filter((t) => current.includes(t.id)),
      teams,
      teamIds: edit?.teamIds ?? current,
      values: edit?.values ?? { name: n.name, portfolio: n.portfolio, send_rate_per_min: n.send_rate_per_min ?? "", default_language: n.default_language },
      errors: edit?.errors ?? [],
      events: d.numbers.events(n.id),
      templates: d.numbers.templates(n.waba_id),
      when,
    };
    return c.page("@numbers/show", data, { status, title: n.name });
  }

  /** Refreshes and tells success from a Graph refusal, which the service records as a new failed-check event. */
  async function refresh(c: Ctx, n: NumberRow): Promise<Flash> {
    const mark = d.numbers.events(n.id)[0]?.id ?? 0;
    const after = await d.numbers.refreshHealth(n.id);
    const failed = d.numbers.events(n.id).find((e) => e.id > mark && e.kind === "health_check_failed");
    return failed ? { kind: "error", text: c.t("numbers.refresh_failed", { error: after.last_error ?? failed.summary }) } : { kind: "success", text: c.t("numbers.refreshed") };
  }

  async function sync(c: Ctx, n: NumberRow): Promise<Flash> {
    try {
      return { kind: "success", text: c.t("numbers.synced", { n: await d.numbers.syncTemplates(n.id) }) };
    } catch (e) {
      if (e instanceof AppError && e.code === "graph_refused") return { kind: "error", text: c.t("numbers.sync_failed", { error: e.fields[0]?.message ?? e.message }) };
      throw e;
    }
  }

  /** Requeues a failed event and processes it now; the flash says how it went. */
  function replay(c: Ctx, id: number): Flash {
    if (!getEvent(d.db, id)) throw notFound("No such webhook event.");
    if (!requeueEvent(d.db, id)) return { kind: "error", text: c.t("numbers.replay_not_failed", { id }) };
    d.audit.record(who(c), { action: "webhooks.replay", target: { kind: "webhook_event", id } });
    d.processor.drain();
    const after = getEvent(d.db, id)!;
    if (after.status === "done") return { kind: "success", text: c.t("numbers.replay_done", { id }) };
    if (after.status === "failed") return { kind: "error", text: c.t("numbers.replay_failed", { id, error: after.error ?? "" }) };
    return { kind: "info", text: c.t("numbers.replay_queued", { id }) };
  }

  function eventsData(c: Ctx) {
    const rows = listEvents(d.db, "failed", decodeCursor(c.url.searchParams.get("cursor") ?? undefined), PAGE + 1);
    const events = rows.slice(0, PAGE).map((e) => ({ ...e, pretty: pretty(e.body) }));
    const next = rows.length > PAGE ? `/numbers/events?cursor=${encodeCursor(events.at(-1)!.id)}` : null;
    return { events, next, when };
  }

  return [
    route({ method: "GET", path: "/numbers", access: "numbers:read", handler: (c) => c.page("@numbers/index", listData(c), { title: c.t("numbers.nav") }) }),
    route({ method: "GET", path: "/numbers/new", access: "numbers:manage", handler: (c) => c.page("@numbers/new", newData(), { title: c.t("numbers.connect") }) }),
    route({
      method: "POST",
      path: "/numbers",
      access: "numbers:manage",
      form: true,
      handler: async (c) => {
        const f = c.form;
        const common = readCommon(f);
        const input = { ...common, name: f.get("name") || undefined, phone_number_id: f.get("phone_number_id"), waba_id: f.get("waba_id"), display_phone_number: f.get("display_phone_number"), access_token: f.raw("access_token").trim() };
        try {
          const n = await d.numbers.connect(input, who(c));
          return c.redirect(`/numbers/${n.id}`, { kind: "success", text: c.t("numbers.connected_flash", { name: n.name }) });
        } catch (e) {
          const failed = formErrors(e);
          if (!failed) throw e;
          return c.page("@numbers/new", newData(typed(f), failed.errors, common.team_ids), { status: failed.status, title: c.t("numbers.connect") });
        }
      },
    }),
    // Before /numbers/:id, so "events" is never read as an id.
    route({ method: "GET", path: "/numbers/events", access: "numbers:manage", handler: (c) => c.page("@numbers/events", eventsData(c), { title: c.t("numbers.events_title") }) }),
    route({
      method: "POST",
      path: "/numbers/events/:id/replay",
      access: "numbers:manage",
      params: Id,
      form: true,
      handler: (c) => c.redirect("/numbers/events", replay(c, c.params.id)),
    }),
    route({ method: "GET", path: "/numbers/:id", access: "numbers:read", params: Id, handler: (c) => show(c, need(c.params.id)) }),
    route({
      method: "POST",
      path: "/numbers/:id",
      access: "numbers:manage",
      params: Id,
      form: true,
      handler: async (c) => {
        const n = need(c.params.id);
        const common = readCommon(c.form);
        const token = c.form.raw("access_token").trim();
        const input: NumberUpdate = { ...common, name: c.form.get("name"), access_token: token || undefined };
        try {
          await d.numbers.update(n.id, input, who(c));
          return c.redirect(`/numbers/${n.id}`, { kind: "success", text: c.t("common.saved") });
        } catch (e) {
          const failed = formErrors(e);
          if (!failed) throw e;
          return show(c, n, failed.status, { values: typed(c.form), errors: failed.errors, teamIds: common.team_ids });
        }
      },
    }),
    route({
      method: "POST",
      path: "/numbers/:id/health",
      access: "numbers:manage",
      params: Id,
      form: true,
      handler: async (c) => {
        const n = need(c.params.id);
        return c.redirect(`/numbers/${n.id}`, await refresh(c, n));
      },
    }),
    route({
      method: "POST",
      path: "/numbers/:id/templates/sync",
      access: "templates:manage",
      params: Id,
      form: true,
      handler: async (c) => {
        const n = need(c.params.id);
        return c.redirect(`/numbers/${n.id}#templates`, await sync(c, n));
      },
    }),
    route({
      method: "POST",
      path: "/numbers/:id/status",
      access: "numbers:manage",
      params: Id,
      form: true,
      handler: async (c) => {
        const n = need(c.params.id);
        const status = c.form.get("status");
        if (status !== "disabled" && status !== "connected") throw invalid([{ field: "status", message: "must be disabled or connected" }]);
        await d.numbers.update(n.id, { status }, who(c));
        return c.redirect(`/numbers/${n.id}`, { kind: "success", text: c.t(status === "disabled" ? "numbers.disabled_flash" : "numbers.enabled_flash", { name: n.name }) });
      },
    }),
  ];
}

/** A stored body indented for reading; left as is when it is not JSON. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
