// WhatsApp numbers: connect (check the token, subscribe the app, read the number), edit, disable, the health
// panel's facts (from the Graph API and from webhooks), templates (sync and webhook updates) and the teams
// serving each number. Access tokens are sealed at rest and never leave this module in the clear.
import type { AuditService, AuditWho } from "../audit";
import type { AlertsService } from "../alerts";
import type { Platform } from "../deps";
import { conflict, invalid, notFound, type FieldError } from "../platform/errors";
import type { TeamsService } from "../teams";
import { GraphClient, GraphError, type GraphTarget, type PhoneNumberInfo } from "../whatsapp/graph";
import { normalizePhone } from "../contacts/phone";
import * as store from "./store";
import type { NumberRow, TemplateRow } from "./store";

declare module "../platform/bus" {
  interface Events {
    "number.changed": { numberId: number };
    "template.changed": { wabaId: string; name: string; language: string | null; status: string | null };
  }
}

/** A send rate a number left at the default starts from (PRODUCT.md C10: 20/min ramping toward 60/min). */
export const DEFAULT_START_RATE = 20;

export interface ConnectInput {
  phone_number_id: string;
  waba_id: string;
  display_phone_number: string;
  access_token: string;
  name?: string;
  portfolio?: string;
  send_rate_per_min?: number | null;
  default_language?: string;
  team_ids?: number[];
  simulated?: boolean;
}

export interface NumberUpdate {
  name?: string;
  portfolio?: string;
  access_token?: string;
  send_rate_per_min?: number | null;
  default_language?: string;
  team_ids?: number[];
  status?: "connected" | "disabled";
}

export interface NumbersService {
  list(): NumberRow[];
  get(id: number): NumberRow | null;
  byPhoneId(phoneNumberId: string): NumberRow | null;
  inWaba(wabaId: string): NumberRow[];
  teamIds(id: number): number[];
  /** Numbers served by any of these teams. */
  ofTeams(teamIds: number[]): number[];
  ofTeam(teamId: number): { id: number; name: string; display_phone_number: string }[];
  events(id: number): ReturnType<typeof store.listNumberEvents>;
  templates(wabaId: string): TemplateRow[];
  template(wabaId: string, name: string, language: string): TemplateRow | null;
  /** Where and how to call the Graph API for this number. */
  target(n: NumberRow): GraphTarget;
  connect(input: ConnectInput, who: AuditWho): Promise<NumberRow>;
  update(id: number, input: NumberUpdate, who: AuditWho): Promise<NumberRow>;
  /** Reads the number's fields from the Graph API into the health panel. */
  refreshHealth(id: number): Promise<NumberRow>;
  syncTemplates(id: number): Promise<number>;
  /** A fact for the health history (and the last error when `error`). */
  recordEvent(id: number, kind: string, summary: string, detail?: unknown, error?: boolean): void;
  /** Applies a number-level webhook update (quality, limit, name, account state). */
  applyUpdate(id: number, patch: store.NumberPatch): void;
  updateTemplateFromWebhook(f: Parameters<typeof store.updateTemplateByMeta>[1]): number;
  realConnected(): number;
  /** The rate the send loop paces at before any throttle: the configured rate, else where the default ramp stands. */
  baseRate(n: NumberRow): number;
  /** Messages per minute the number sends at now (the send loop's live rate once it runs). */
  effectiveRate(n: NumberRow): number;
  /** Lets the send loops report their live rate. */
  attachLiveRate(fn: (numberId: number) => number | null): void;
  /** Stops a number that cannot send until a person acts (Meta answered 190, 368, 131031 or 131042). */
  pause(id: number, reason: string): NumberRow;
  /** Moves a default-rate number along its ramp. */
  setRamp(id: number, rate: number): void;
}

const DIGITS = /^\d{5,25}$/;

function checkConnect(i: ConnectInput, errors: FieldError[]) {
  if (!DIGITS.test(i.phone_number_id ?? "")) errors.push({ field: "phone_number_id", message: "must be the numeric Phone number ID from Meta's WhatsApp Manager (API Setup)" });
  if (!DIGITS.test(i.waba_id ?? "")) errors.push({ field: "waba_id", message: "must be the numeric WhatsApp Business Account ID" });
  if (!normalizePhone(i.display_phone_number ?? "")) errors.push({ field: "display_phone_number", message: "must be a phone number with country code, e.g. +39 333 123 4567" });
  if (!i.access_token || i.access_token.length < 10) errors.push({ field: "access_token", message: "must be a permanent access token (System User token) with whatsapp_business_messaging and whatsapp_business_management" });
}

function checkCommon(i: { name?: string; send_rate_per_min?: number | null; default_language?: string }, errors: FieldError[]) {
  if (i.name !== undefined && (i.name.trim().length < 1 || i.name.length > 80)) errors.push({ field: "name", message: "must be 1 to 80 characters" });
  const r = i.send_rate_per_min;
  if (r !== undefined && r !== null && (!Number.isInteger(r) || r < 1 || r > 4800)) errors.push({ field: "send_rate_per_min", message: "must be a whole number from 1 to 4800 (Meta's 80 messages/s), or empty for the safe default ramp" });
  if (i.default_language !== undefined && !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(i.default_language)) errors.push({ field: "default_language", message: "must be a language code such as it or en_US" });
}

/** Meta's answer to a connect check, as a message tied to the field the person should fix. */
function graphFieldError(e: GraphError, step: string): FieldError {
  if (e.code === 190 || e.code === 0) return { field: "access_token", message: `Meta refused this token during ${step} (code ${e.code}: ${e.message})` };
  if (e.code === 100 || e.code === 33) return { field: step === "subscribing the app" ? "waba_id" : "phone_number_id", message: `Meta does not know this id for this token (code ${e.code}: ${e.message})` };
  if (e.code === 10 || (e.code >= 200 && e.code < 300)) return { field: "access_token", message: `the token lacks a permission needed for ${step} (code ${e.code}: ${e.message})` };
  if (e.network) return { field: "phone_number_id", message: `could not reach the Graph API during ${step}: ${e.message}` };
  return { field: "phone_number_id", message: `Meta answered an error during ${step} (code ${e.code}: ${e.message})` };
}

function healthPatch(info: PhoneNumberInfo, now: number): store.NumberPatch {
  return {
    verified_name: info.verified_name ?? null,
    quality_rating: info.quality_rating ?? null,
    messaging_limit_tier: info.whatsapp_business_manager_messaging_limit ?? info.messaging_limit_tier ?? null,
    throughput_level: info.throughput?.level ?? null,
    name_status: info.name_status ?? null,
    code_verification_status: info.code_verification_status ?? null,
    health_checked_at: now,
  };
}

export function createNumbers(p: Platform, deps: { graph: GraphClient; teams: TeamsService; audit: AuditService; alerts: AlertsService }): NumbersService {
  const { db } = p;
  const byPhone = new Map<string, NumberRow>();
  let liveRate: (numberId: number) => number | null = () => null;
  const cache = () => {
    if (!byPhone.size) for (const n of store.listNumbers(db)) byPhone.set(n.phone_number_id, n);
    return byPhone;
  };
  const changed = (id: number) => {
    byPhone.clear();
    p.bus.emit("number.changed", { numberId: id });
  };
  const need = (id: number) => {
    const n = store.getNumber(db, id);
    if (!n) throw notFound("No such number.");
    return n;
  };
  const checkTeams = (ids: number[] | undefined, errors: FieldError[]) => {
    const unknown = ids?.length ? deps.teams.unknownIds(ids) : [];
    if (unknown.length) errors.push({ field: "team_ids", message: `unknown team id ${unknown.join(", ")}` });
  };

  const svc: NumbersService = {
    list: () => store.listNumbers(db),
    get: (id) => store.getNumber(db, id),
    byPhoneId: (pid) => cache().get(pid) ?? null,
    inWaba: (waba) => store.listNumbers(db).filter((n) => n.waba_id === waba),
    teamIds: (id) => store.teamIdsOfNumber(db, id),
    ofTeams: (ids) => (ids.length ? store.numberIdsOfTeams(db, ids) : []),
    ofTeam: (teamId) => store.numbersOfTeam(db, teamId),
    events: (id) => store.listNumberEvents(db, id),
    templates: (waba) => store.listTemplates(db, waba),
    template: (waba, name, language) => store.getTemplate(db, waba, name, language),
    target: (n) => ({
      baseUrl: n.simulated ? `${p.runtime.selfUrl}/simulator/graph` : p.cfg.waGraphUrl,
      version: p.cfg.waGraphVersion,
      token: p.sealer.open(n.access_token),
      loopback: n.simulated === 1,
    }),

    async connect(input, who) {
      const errors: FieldError[] = [];
      checkConnect(input, errors);
      checkCommon(input, errors);
      checkTeams(input.team_ids, errors);
      if (errors.length) throw invalid(errors);
      if (store.getNumberByPhoneId(db, input.phone_number_id)) throw conflict("number_exists", `The number with Phone number ID ${input.phone_number_id} is already connected.`);
      const t: GraphTarget = { baseUrl: input.simulated ? `${p.runtime.selfUrl}/simulator/graph` : p.cfg.waGraphUrl, version: p.cfg.waGraphVersion, token: input.access_token, loopback: !!input.simulated };
      let info: PhoneNumberInfo;
      try {
        info = await deps.graph.phoneNumber(t, input.phone_number_id);
      } catch (e) {
        if (e instanceof GraphError) throw invalid([graphFieldError(e, "the token check")], "graph_refused");
        throw e;
      }
      try {
        await deps.graph.subscribeApp(t, input.waba_id);
      } catch (e) {
        if (e instanceof GraphError) throw invalid([graphFieldError(e, "subscribing the app")], "graph_refused");
        throw e;
      }
      const now = p.clock.now();
      const id = db.tx(() => {
        const id = store.insertNumber(
          db,
          {
            phone_number_id: input.phone_number_id,
            waba_id: input.waba_id,
            display_phone_number: normalizePhone(input.display_phone_number)!,
            name: input.name?.trim() || info.verified_name || input.display_phone_number,
            portfolio: input.portfolio?.trim() ?? "",
            access_token: p.sealer.seal(input.access_token),
            simulated: input.simulated ? 1 : 0,
            send_rate_per_min: input.send_rate_per_min ?? null,
            default_language: input.default_language ?? "en",
          },
          now,
        );
        store.updateNumber(db, id, healthPatch(info, now), now);
        if (input.team_ids?.length) store.setNumberTeams(db, id, input.team_ids);
        store.insertNumberEvent(db, { number_id: id, at: now, kind: "connected", summary: `Connected; quality ${info.quality_rating ?? "unknown"}`, detail: null });
        deps.audit.record(who, { action: "numbers.connect", target: { kind: "number", id, label: input.display_phone_number }, details: { simulated: !!input.simulated, waba_id: input.waba_id } });
        return id;
      });
      changed(id);
      await svc.syncTemplates(id).catch(() => undefined);
      return store.getNumber(db, id)!;
    },

    async update(id, input, who) {
      const before = need(id);
      const errors: FieldError[] = [];
      checkCommon(input, errors);
      checkTeams(input.team_ids, errors);
      if (input.access_token !== undefined && input.access_token.length < 10) errors.push({ field: "access_token", message: "must be a permanent access token" });
      if (errors.length) throw invalid(errors);
      if (input.access_token) {
        try {
          await deps.graph.phoneNumber({ ...svc.target(before), token: input.access_token }, before.phone_number_id);
        } catch (e) {
          if (e instanceof GraphError) throw invalid([graphFieldError(e, "the token check")], "graph_refused");
          throw e;
        }
      }
      const now = p.clock.now();
      db.tx(() => {
        store.updateNumber(
          db,
          id,
          {
            name: input.name?.trim(),
            portfolio: input.portfolio?.trim(),
            access_token: input.access_token ? p.sealer.seal(input.access_token) : undefined,
            send_rate_per_min: input.send_rate_per_min,
            default_language: input.default_language,
            status: input.status,
            ...(input.access_token || input.status === "connected" ? { last_error: null, last_error_at: null, paused_reason: null, ...(before.status === "error" && !input.status ? { status: "connected" as const } : {}) } : {}),
          },
          now,
        );
        if (input.team_ids) store.setNumberTeams(db, id, input.team_ids);
        const fields = Object.entries(input).filter(([, v]) => v !== undefined).map(([k]) => k);
        deps.audit.record(who, { action: input.status === "disabled" && before.status !== "disabled" ? "numbers.disable" : "numbers.update", target: { kind: "number", id, label: before.display_phone_number }, details: { changed: fields } });
      });
      if (input.status === "connected" || input.access_token) deps.alerts.resolve(`number-error:${id}`);
      changed(id);
      return store.getNumber(db, id)!;
    },

    async refreshHealth(id) {
      const n = need(id);
      const now = p.clock.now();
      try {
        const info = await deps.graph.phoneNumber(svc.target(n), n.phone_number_id);
        const patch = healthPatch(info, now);
        if (n.quality_rating && info.quality_rating && n.quality_rating !== info.quality_rating) {
          store.insertNumberEvent(db, { number_id: id, at: now, kind: "quality", summary: `Quality ${n.quality_rating} → ${info.quality_rating}`, detail: null });
        }
        store.updateNumber(db, id, { ...patch, ...(n.status === "error" ? { status: "connected", last_error: null, last_error_at: null } : {}) }, now);
        if (n.status === "error") deps.alerts.resolve(`number-error:${id}`);
      } catch (e) {
        if (!(e instanceof GraphError)) throw e;
        svc.recordEvent(id, "health_check_failed", `Health check failed: code ${e.code}: ${e.message}`, { code: e.code }, true);
        if (e.code === 190) {
          store.updateNumber(db, id, { status: "error" }, now);
          deps.alerts.post({
            level: "critical",
            key: `number-error:${id}`,
            title: `Access token of ${n.display_phone_number} is no longer valid`,
            body: e.message,
            i18n: { title: ["alerts.token_invalid_title", { number: n.display_phone_number }] },
            link: `/numbers/${id}`,
          });
        }
      }
      changed(id);
      return store.getNumber(db, id)!;
    },

    async syncTemplates(id) {
      const n = need(id);
      const now = p.clock.now();
      try {
        const list = await deps.graph.listTemplates(svc.target(n), n.waba_id);
        db.tx(() => {
          for (const t of list) {
            store.upsertTemplate(db, {
              waba_id: n.waba_id,
              meta_id: t.id ?? null,
              name: t.name,
              language: t.language,
              category: String(t.category ?? "").toUpperCase(),
              status: String(t.status ?? "").toUpperCase(),
              parameter_format: t.parameter_format ?? "positional",
              components: JSON.stringify(t.components ?? []),
              quality: t.quality_score?.score ?? null,
              reason: t.rejected_reason && t.rejected_reason !== "NONE" ? t.rejected_reason : null,
              updated_at: now,
            });
          }
          store.deleteTemplatesNotIn(db, n.waba_id, list);
          for (const x of svc.inWaba(n.waba_id)) store.updateNumber(db, x.id, { templates_synced_at: now }, now);
        });
        p.bus.emit("template.changed", { wabaId: n.waba_id, name: "*", language: null, status: null });
        return list.length;
      } catch (e) {
        if (e instanceof GraphError) {
          svc.recordEvent(id, "template_sync_failed", `Template sync failed: code ${e.code}: ${e.message}`, { code: e.code }, true);
          throw invalid([{ field: "templates", message: `Meta answered code ${e.code}: ${e.message}` }], "graph_refused");
        }
        throw e;
      }
    },

    recordEvent(id, kind, summary, detail, error = false) {
      const now = p.clock.now();
      store.insertNumberEvent(db, { number_id: id, at: now, kind, summary, detail: detail === undefined ? null : JSON.stringify(detail) });
      if (error) store.updateNumber(db, id, { last_error: summary, last_error_at: now }, now);
    },

    applyUpdate(id, patch) {
      store.updateNumber(db, id, patch, p.clock.now());
      byPhone.clear();
    },

    updateTemplateFromWebhook(f) {
      const n = store.updateTemplateByMeta(db, f);
      return n;
    },

    realConnected: () => store.countRealConnected(db),
    baseRate: (n) => n.send_rate_per_min ?? n.ramp_rate ?? DEFAULT_START_RATE,
    effectiveRate: (n) => liveRate(n.id) ?? svc.baseRate(n),
    attachLiveRate(fn) {
      liveRate = fn;
    },
    pause(id, reason) {
      const n = need(id);
      const now = p.clock.now();
      store.updateNumber(db, id, { status: "error", paused_reason: reason, last_error: reason, last_error_at: now }, now);
      store.insertNumberEvent(db, { number_id: id, at: now, kind: "paused", summary: `Sending stopped: ${reason}`, detail: null });
      deps.alerts.post({
        level: "critical",
        key: `number-error:${id}`,
        title: `${n.display_phone_number} stopped sending`,
        body: `${reason}. Messages wait in the queue; fix the cause (for example replace the access token) and enable the number again.`,
        i18n: { title: ["alerts.number_stopped_title", { number: n.display_phone_number }], body: ["alerts.number_stopped_body", { reason }] },
        link: `/numbers/${id}`,
      });
      changed(id);
      return store.getNumber(db, id)!;
    },
    setRamp(id, rate) {
      const now = p.clock.now();
      store.updateNumber(db, id, { ramp_rate: rate, ramp_reviewed_at: now }, now);
      changed(id);
    },
  };
  return svc;
}
