// Every Meta error code a send can meet, classified once (whatsapp-cloud-api.md §4, PRODUCT.md C10). The send
// loop acts on the class, never on the message text or the HTTP status.

export type ErrorClass =
  /** Temporary trouble at Meta or on the way: retry this message with backoff. */
  | "retry"
  /** The number is sending too fast (130429) or the app/WABA hit a call limit: slow the whole number down. */
  | "throttle"
  /** Too many messages to this one recipient (131056): only that recipient waits. */
  | "pair_rate"
  /** The number or account cannot send at all until a person acts (token, ban, lock, payment). */
  | "stop_number"
  /** Meta's per-user marketing cap (131049): no retry for 24 hours. */
  | "marketing_cap"
  /** The message itself cannot go (bad recipient, template, window): fail it with the reason. */
  | "final";

const TABLE: Record<number, ErrorClass> = {
  [-1]: "retry", // network error or timeout
  1: "retry",
  2: "retry",
  131000: "retry",
  131016: "retry",
  131057: "retry",
  133004: "retry",
  4: "throttle",
  80007: "throttle",
  130429: "throttle",
  131056: "pair_rate",
  0: "stop_number",
  190: "stop_number",
  368: "stop_number",
  131031: "stop_number",
  131042: "stop_number",
  131049: "marketing_cap",
};

/** The class of a Graph error code; an HTTP 5xx without a Meta code is a retry. */
export function classify(code: number, httpStatus = 400): ErrorClass {
  return TABLE[code] ?? (httpStatus >= 500 && code <= 0 ? "retry" : "final");
}

/** Short explanations for the codes people meet most, shown beside a failed message. */
export const EXPLANATIONS: Record<number, string> = {
  131047: "More than 24 hours passed since the customer last wrote: only an approved template can reopen the conversation.",
  131026: "The message could not be delivered: the number may not be on WhatsApp, use an old app, or have blocked the business.",
  131049: "Meta held this marketing message back to protect the customer's experience (per-user marketing limit); try again after 24 hours.",
  131050: "The customer stopped marketing messages from this business in WhatsApp.",
  131056: "Too many messages to this customer in a short time; it will be retried.",
  130429: "The number sent too fast for Meta; it slowed down and will retry.",
  132001: "The template does not exist in this language: sync templates and check the name.",
  132015: "The template is paused by Meta for low quality.",
  132016: "The template was disabled by Meta.",
  190: "The access token is no longer valid: replace it on the number's page.",
  368: "The number is temporarily blocked for policy violations.",
  131031: "The WhatsApp Business account is locked.",
  131042: "There is a payment or eligibility problem on the WhatsApp Business account.",
};
