// Meta's error shapes, so the app's Graph client and send loop are exercised on the real thing: synchronous
// API errors `{"error":{"message":"(#code) title","type","code","error_subcode"?,"error_data":{...},"fbtrace_id"}}`
// and the `errors[]` items of failed status webhooks (whatsapp-cloud-api.md §3.1, §2.3, §4).
import { randomBytes } from "node:crypto";

interface Known {
  title: string;
  http: number;
  details: string;
}

/** Titles, HTTP statuses and details as Meta documents them (the codes the simulator can produce). */
const KNOWN: Record<number, Known> = {
  1: { title: "API Unknown", http: 400, details: "Invalid request or possible server error." },
  2: { title: "Service temporarily unavailable", http: 503, details: "Temporary due to downtime or due to being overloaded." },
  4: { title: "Application request limit reached", http: 429, details: "The app has reached its API call rate limit." },
  100: { title: "Invalid parameter", http: 400, details: "The request included invalid or unsupported parameters." },
  2500: { title: "Unknown path components", http: 400, details: "The path does not name a Graph API version and object." },
  130429: { title: "Rate limit hit", http: 429, details: "Message failed to send because there were too many messages sent from this phone number in a short period of time" },
  131000: { title: "Something went wrong", http: 500, details: "Message failed to send due to an unknown error." },
  131005: { title: "Access denied", http: 403, details: "Permission is either not granted or has been removed." },
  131008: { title: "Required parameter is missing", http: 400, details: "The request is missing a required parameter." },
  131009: { title: "Parameter value is not valid", http: 400, details: "One or more parameter values are invalid." },
  131016: { title: "Service unavailable", http: 503, details: "A service is temporarily unavailable." },
  131021: { title: "Recipient cannot be sender", http: 400, details: "Sender and recipient phone number is the same." },
  131026: { title: "Message undeliverable", http: 400, details: "Unable to deliver message. The recipient may not be a WhatsApp user or has not accepted the latest terms." },
  131031: { title: "Account has been locked", http: 403, details: "The business account was restricted or disabled for a policy violation." },
  131042: { title: "Business eligibility payment issue", http: 400, details: "There was an error related to your payment method." },
  131047: { title: "Re-engagement message", http: 400, details: "More than 24 hours have passed since the recipient last replied to the sender number." },
  131048: { title: "Spam rate limit hit", http: 429, details: "Message failed to send because there are restrictions on how many messages can be sent from this phone number." },
  131049: { title: "This message was not delivered to maintain healthy ecosystem engagement.", http: 400, details: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered." },
  131050: { title: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.", http: 400, details: "The user stopped marketing messages from this business." },
  131051: { title: "Unsupported message type", http: 400, details: "Unsupported message type." },
  131053: { title: "Media upload error", http: 400, details: "Unable to upload the media used in the message." },
  131056: { title: "(Business Account, Consumer Account) pair rate limit hit", http: 429, details: "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time." },
  132000: { title: "Number of parameters does not match the expected number of params", http: 400, details: "The number of variable parameter values does not match the number of variables in the template." },
  132001: { title: "Template name does not exist in the translation", http: 404, details: "The template does not exist in the specified language or has not been approved." },
  132015: { title: "Template is Paused", http: 400, details: "The template has been paused due to low quality." },
  132016: { title: "Template is Disabled", http: 400, details: "The template has been paused too many times due to low quality and is now permanently disabled." },
  133010: { title: "Phone number Not Registered", http: 400, details: "The phone number is not registered on the WhatsApp Business Platform." },
  368: { title: "Temporarily blocked for policies violations", http: 403, details: "The WhatsApp Business Account has been restricted or disabled for violating a platform policy." },
  80007: { title: "Rate limit issues", http: 429, details: "The WhatsApp Business Account has reached its rate limit." },
};

const known = (code: number): Known => KNOWN[code] ?? { title: `Error ${code}`, http: 400, details: "The request failed." };

export interface GraphErrorOptions {
  /** Overrides the catalogued detail text (what exactly was wrong). */
  details?: string;
  http?: number;
  subcode?: number;
  type?: string;
  /** The whole message, when Meta does not use the "(#code) title" form (tokens, unknown objects). */
  message?: string;
  /** Omit error_data (Meta leaves it out of OAuth and object errors). */
  bare?: boolean;
}

/** A synchronous Graph API error; graph.ts turns it into Meta's JSON answer. */
export class SimGraphError extends Error {
  constructor(readonly code: number, readonly opts: GraphErrorOptions = {}) {
    super(opts.message ?? `(#${code}) ${known(code).title}`);
  }

  get http(): number {
    return this.opts.http ?? known(this.code).http;
  }

  /** Meta's error body. */
  body(): Record<string, unknown> {
    const error: Record<string, unknown> = { message: this.message, type: this.opts.type ?? "OAuthException", code: this.code };
    if (this.opts.subcode !== undefined) error.error_subcode = this.opts.subcode;
    if (!this.opts.bare) error.error_data = { messaging_product: "whatsapp", details: this.opts.details ?? known(this.code).details };
    error.fbtrace_id = fbtrace();
    return { error };
  }

  response(): Response {
    const headers: Record<string, string> = this.code === 190 ? { "www-authenticate": 'OAuth "Facebook Platform" "invalid_token"' } : {};
    return Response.json(this.body(), { status: this.http, headers });
  }
}

/** A random trace id shaped like Meta's. */
export function fbtrace(): string {
  return `A${randomBytes(16).toString("base64url").slice(0, 22)}`;
}

/** The 190 Meta answers for a missing, malformed or unknown access token. */
export const invalidToken = () =>
  new SimGraphError(190, { http: 401, bare: true, message: "Invalid OAuth access token - Cannot parse access token" });

/** The 100/33 Meta answers for an id that does not exist or that this token may not see. */
export const unknownObject = (id: string, method: string) =>
  new SimGraphError(100, {
    subcode: 33,
    bare: true,
    type: "GraphMethodException",
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

/** A required field is missing: Meta's `(#100) The parameter X is required.` */
export const missingParam = (name: string) => new SimGraphError(100, { message: `(#100) The parameter ${name} is required.`, details: `The parameter ${name} is required.` });

/** One `errors[]` item of a failed status webhook. */
export function statusError(code: number, details?: string) {
  const k = known(code);
  return { code, title: k.title, message: k.title, error_data: { details: details ?? k.details }, href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/" };
}
