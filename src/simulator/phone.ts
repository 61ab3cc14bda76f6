// The phone page /simulator: pick a simulated business number and a fake customer, see their chat as the
// customer's phone shows it (live over SSE), add customers, and open the faults and load panels. Showing a
// thread is the customer "seeing" it: the business messages in it become `read`.
import type { Deps } from "../deps";
import { AppError, notFound } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import type { Sim } from "./context";
import { ensureCustomer, phoneDigits } from "./customers";
import type { LoadRunner } from "./load";
import { findMedia, mediaFile } from "./media";
import { simulatorOn } from "./mode";
import { markShown } from "./statuses";
import * as store from "./store";
import type { SimCustomer, SimNumber } from "./store";
import { threadView } from "./view";

/** 404 unless the simulator is on (evaluated per request: `auto` follows the real numbers). */
export function requireOn(d: Deps): void {
  if (!simulatorOn(d)) throw notFound("The simulator is off.");
}

/** The number and customer a request names (query or form), defaulting to the first of each. */
export function selection(sim: Sim, c: Ctx): { number: SimNumber | null; customer: SimCustomer | null } {
  const { db } = sim.d;
  const pick = (k: string) => Number(c.form.get(k) || c.url.searchParams.get(k)) || 0;
  const number = store.getNumber(db, pick("number")) ?? store.listNumbers(db)[0] ?? null;
  const customer = store.getCustomer(db, pick("customer")) ?? store.listCustomers(db)[0] ?? null;
  return { number, customer };
}

/** Where the page of a selection lives. */
export const pageUrl = (number: SimNumber | null, customer: SimCustomer | null) =>
  `/simulator${number ? `?number=${number.id}${customer ? `&customer=${customer.id}` : ""}` : ""}`;

/** The selected thread's fragment (htmx) or a redirect back to the page (plain form posts). */
export function threadResponse(sim: Sim, c: Ctx, number: SimNumber, customer: SimCustomer): Response {
  if (!c.htmx) return c.redirect(pageUrl(number, customer));
  return c.fragment("@simulator/_thread", { th: threadView(sim, number, customer, c.locale), csrf: c.csrf, oob: false });
}

function page(sim: Sim, load: LoadRunner, c: Ctx): Response {
  requireOn(sim.d);
  const { number, customer } = selection(sim, c);
  if (number && customer) markShown(sim, number.id, customer.id);
  return c.page(
    "@simulator/index",
    {
      numbers: store.listNumbers(sim.d.db),
      customers: store.listCustomers(sim.d.db),
      number,
      customer,
      th: number && customer ? threadView(sim, number, customer, c.locale) : null,
      faults: sim.faults.get(),
      load: load.status(),
      csrf: c.csrf,
      oob: false,
    },
    { title: c.t("sim.title") },
  );
}

function addCustomer(sim: Sim, c: Ctx): Response {
  requireOn(sim.d);
  const name = c.form.get("name");
  const digits = phoneDigits(c.form.get("phone"));
  if (!name || name.length > 100) throw new AppError(422, "invalid_name", c.t("sim.customer_name_invalid"));
  if (!digits) throw new AppError(422, "invalid_phone", c.t("sim.customer_phone_invalid"));
  const customer = ensureCustomer(sim, digits, name);
  const { number } = selection(sim, c);
  return c.redirect(pageUrl(number, customer), { kind: "success", text: c.t("sim.customer_added", { name: customer.name || customer.phone }) });
}

/** A simulator-held file for the phone page's bubbles, never served as active content. */
function file(sim: Sim, c: Ctx): Response {
  requireOn(sim.d);
  const m = findMedia(sim, String(c.params.id));
  if (!m) throw notFound("No such file.");
  const inline = /^image\/(jpeg|png|webp)$/.test(m.mime_type);
  return new Response(mediaFile(sim, m), {
    headers: {
      "content-type": inline ? m.mime_type : "application/octet-stream",
      "content-disposition": inline ? "inline" : "attachment",
      "cache-control": "private, max-age=3600",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}

export function phoneRoutes(sim: Sim, load: LoadRunner) {
  const d = sim.d;
  return [
    route({ method: "GET", path: "/simulator", access: "simulator:use", handler: (c) => page(sim, load, c) }),
    route({
      method: "GET",
      path: "/simulator/thread",
      access: "simulator:use",
      handler: (c) => {
        requireOn(d);
        const { number, customer } = selection(sim, c);
        if (!number || !customer) throw notFound("No such thread.");
        markShown(sim, number.id, customer.id);
        return threadResponse(sim, c, number, customer);
      },
    }),
    route({ method: "POST", path: "/simulator/customers", access: "simulator:use", form: true, handler: (c) => addCustomer(sim, c) }),
    route({
      method: "POST",
      path: "/simulator/seen",
      access: "simulator:use",
      form: true,
      handler: (c) => {
        requireOn(d);
        const { number, customer } = selection(sim, c);
        if (number && customer) markShown(sim, number.id, customer.id);
        return new Response(null, { status: 204 });
      },
    }),
    route({ method: "GET", path: "/simulator/files/:id", access: "simulator:use", handler: (c) => file(sim, c) }),
  ];
}
