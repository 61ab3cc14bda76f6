// What the customer does on the phone page: write a text, share a location, send a photo (JPEG or PNG up to
// 5 MB, checked here with a message a person can act on), or tap a button of a business message. Each answers
// the redrawn thread to htmx, or redirects back for a plain form post.
import { AppError, notFound } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import type { Sim } from "./context";
import { customerSends, tapReply, type Inbound } from "./customers";
import { SimGraphError } from "./errors";
import { imageInbound } from "./inbound-api";
import { requireOn, selection, threadResponse } from "./phone";
import * as store from "./store";

const MAX_IMAGE = 5 * 1024 * 1024;
const unprocessable = (code: string, message: string) => new AppError(422, code, message);

/** The selected number and customer, or 404. */
function chosen(sim: Sim, c: Ctx) {
  requireOn(sim.d);
  const { number, customer } = selection(sim, c);
  if (!number || !customer) throw notFound(c.t("sim.pick_first"));
  return { number, customer };
}

function message(c: Ctx): Inbound {
  if (c.form.get("kind") === "location") {
    const lat = Number(c.form.get("latitude"));
    const lng = Number(c.form.get("longitude"));
    if (!c.form.get("latitude") || !c.form.get("longitude") || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) throw unprocessable("invalid_location", c.t("sim.location_invalid"));
    const name = c.form.get("place");
    return { type: "location", body: { latitude: lat, longitude: lng, ...(name ? { name: name.slice(0, 200) } : {}) } };
  }
  const text = c.form.raw("text").trim();
  if (!text) throw unprocessable("empty_message", c.t("sim.text_empty"));
  if (text.length > 4096) throw unprocessable("message_too_long", c.t("sim.text_too_long"));
  return { type: "text", body: { body: text } };
}

async function image(sim: Sim, c: Ctx): Promise<Response> {
  const { number, customer } = chosen(sim, c);
  const f = c.form.file("file");
  if (!f) throw unprocessable("no_file", c.t("sim.image_missing"));
  const type = f.type.toLowerCase();
  if (type !== "image/jpeg" && type !== "image/png") throw unprocessable("image_type", c.t("sim.image_type"));
  if (f.size > MAX_IMAGE) throw unprocessable("image_too_large", c.t("sim.image_too_large", { mb: (f.size / 1024 / 1024).toFixed(1) }));
  const caption = c.form.raw("caption").trim().slice(0, 1024) || null;
  let inbound: Inbound;
  try {
    inbound = imageInbound(sim, number, new Uint8Array(await f.arrayBuffer()), type, caption, f.name || null);
  } catch (e) {
    if (e instanceof SimGraphError) throw unprocessable("image_invalid", c.t("sim.image_invalid"));
    throw e;
  }
  customerSends(sim, number, customer, inbound);
  return threadResponse(sim, c, number, customer);
}

function tap(sim: Sim, c: Ctx): Response {
  const { number, customer } = chosen(sim, c);
  const business = store.messageByWamid(sim.d.db, c.form.get("wamid"));
  if (!business || business.number_id !== number.id || business.customer_id !== customer.id) throw notFound(c.t("sim.tap_gone"));
  const reply = c.form.get("reply") === "" ? null : tapReply(business, Number(c.form.get("reply")));
  if (!reply) throw notFound(c.t("sim.tap_gone"));
  customerSends(sim, number, customer, reply);
  return threadResponse(sim, c, number, customer);
}

export function composeRoutes(sim: Sim) {
  return [
    route({
      method: "POST",
      path: "/simulator/messages",
      access: "simulator:use",
      form: true,
      handler: (c) => {
        const { number, customer } = chosen(sim, c);
        customerSends(sim, number, customer, message(c));
        return threadResponse(sim, c, number, customer);
      },
    }),
    // Multipart with a little room over the 5 MB image cap, so an oversized photo gets our message, not a 413.
    route({ method: "POST", path: "/simulator/images", access: "simulator:use", form: true, bodyLimit: 12 * 1024 * 1024, handler: (c) => image(sim, c) }),
    route({ method: "POST", path: "/simulator/taps", access: "simulator:use", form: true, handler: (c) => tap(sim, c) }),
  ];
}
