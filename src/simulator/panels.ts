// The phone page's Faults and Load panels: plain forms over the same in-memory state the API changes.
import { AppError } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import type { Form } from "../platform/form";
import type { Sim } from "./context";
import type { FaultsPatch, OutageMode } from "./faults";
import type { LoadRunner } from "./load";
import { pageUrl, requireOn, selection } from "./phone";

const num = (f: Form, k: string, fallback: number) => {
  const v = f.get(k);
  return v === "" || !Number.isFinite(Number(v)) ? fallback : Number(v);
};

/** The faults form as a patch (unchecked boxes are false; empty numbers keep the current value). */
function faultsFromForm(sim: Sim, f: Form): FaultsPatch {
  const now = sim.faults.get();
  const outage = (["off", "error", "timeout"] as const).find((o) => o === f.get("outage")) ?? ("off" as OutageMode);
  return {
    outage,
    slow_ms: num(f, "slow_ms", now.slow_ms),
    next_errors: { count: num(f, "next_count", 0), code: num(f, "next_code", now.next_errors.code), mode: f.get("next_mode") === "async" ? "async" : "sync" },
    duplicate_ratio: num(f, "duplicate_ratio", now.duplicate_ratio),
    reorder: f.has("reorder"),
    batch: f.has("batch"),
    drop_delivered: f.has("drop_delivered"),
    delays: { sent_ms: num(f, "sent_ms", now.delays.sent_ms), delivered_ms: num(f, "delivered_ms", now.delays.delivered_ms), read_ms: num(f, "read_ms", now.delays.read_ms) },
  };
}

/** Back to the page the form was on, with a flash. */
function back(sim: Sim, c: Ctx, text: string): Response {
  const { number, customer } = selection(sim, c);
  return c.redirect(pageUrl(number, customer), { kind: "success", text });
}

export function panelRoutes(sim: Sim, load: LoadRunner) {
  const d = sim.d;
  return [
    route({
      method: "POST",
      path: "/simulator/faults",
      access: "simulator:use",
      form: true,
      handler: (c) => {
        requireOn(d);
        sim.faults.set(faultsFromForm(sim, c.form));
        return back(sim, c, c.t("sim.faults_saved"));
      },
    }),
    route({
      method: "POST",
      path: "/simulator/faults/reset",
      access: "simulator:use",
      form: true,
      handler: (c) => {
        requireOn(d);
        sim.faults.reset();
        return back(sim, c, c.t("sim.faults_cleared"));
      },
    }),
    route({
      method: "POST",
      path: "/simulator/load",
      access: "simulator:use",
      form: true,
      handler: (c) => {
        requireOn(d);
        const { number } = selection(sim, c);
        const spec = { customers: num(c.form, "customers", 0), rate_per_s: num(c.form, "rate_per_s", 0), duration_s: num(c.form, "duration_s", 0), number: number?.phone_number_id };
        try {
          load.start(spec);
        } catch (e) {
          if (e instanceof AppError) throw new AppError(e.status, e.code, c.t(e.status === 409 ? "sim.load_running" : "sim.load_invalid"), e.fields);
          throw e;
        }
        return back(sim, c, c.t("sim.load_started"));
      },
    }),
    route({
      method: "POST",
      path: "/simulator/load/stop",
      access: "simulator:use",
      form: true,
      handler: (c) => {
        requireOn(d);
        load.stop();
        return back(sim, c, c.t("sim.load_stopped"));
      },
    }),
  ];
}
