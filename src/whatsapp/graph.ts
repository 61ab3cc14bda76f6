// The Graph API client for WhatsApp Cloud API calls. Every call has a timeout; every Meta error is parsed into
// code, subcode and text (retry decisions key on the code, never on the message or the HTTP status).
// The base URL is per number: Meta's (WA_GRAPH_URL) for real numbers, the built-in simulator for demo ones.

/** A failed Graph call: Meta's error object, or a network failure / timeout (code -1, transient). */
export class GraphError extends Error {
  override name = "GraphError";
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus: number,
    readonly subcode: number | null = null,
    readonly details: string | null = null,
    readonly fbtraceId: string | null = null,
  ) {
    super(message);
  }

  /** Network errors, timeouts and 5xx without a Meta error body. */
  get network(): boolean {
    return this.code === -1;
  }
}

export interface GraphTarget {
  /** e.g. https://graph.facebook.com */
  baseUrl: string;
  version: string;
  token: string;
  /** Only for the built-in simulator on this process's own address, whose TLS certificate names the public host. */
  loopback?: boolean;
}

export interface SendResult {
  wamid: string;
  /** The wa_id Meta resolved the recipient to (can differ from the dialled number). */
  waId: string | null;
  messageStatus: string | null;
}

export interface MediaInfo {
  url: string;
  mime_type: string;
  sha256: string | null;
  file_size: number | null;
  id: string;
}

export interface PhoneNumberInfo {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
  quality_rating?: string;
  messaging_limit_tier?: string;
  whatsapp_business_manager_messaging_limit?: string;
  throughput?: { level?: string };
  name_status?: string;
  code_verification_status?: string;
  platform_type?: string;
  status?: string;
}

export interface TemplateInfo {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  components?: unknown[];
  parameter_format?: string;
  quality_score?: { score?: string };
  rejected_reason?: string;
}

export const NUMBER_FIELDS = "id,display_phone_number,verified_name,quality_rating,messaging_limit_tier,whatsapp_business_manager_messaging_limit,throughput,name_status,code_verification_status,platform_type,status";

const DEFAULT_TIMEOUT = 15_000;

/** Parses a Graph error body; anything else becomes a generic error with the HTTP status. */
export function parseGraphError(status: number, text: string): GraphError {
  try {
    const e = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    if (e && typeof e.code === "number") {
      const data = e.error_data as { details?: string } | undefined;
      return new GraphError(e.code, String(e.message ?? `Graph error ${e.code}`), status, typeof e.error_subcode === "number" ? e.error_subcode : null, data?.details ?? null, (e.fbtrace_id as string) ?? null);
    }
  } catch {
    // not JSON: fall through
  }
  return new GraphError(status >= 500 ? -1 : 0, `Graph API answered HTTP ${status}: ${text.slice(0, 200)}`, status);
}

/** A Graph API client; `fetchImpl` and `timeoutMs` are injectable for tests. */
export class GraphClient {
  constructor(
    private fetchImpl: typeof fetch = fetch,
    private timeoutMs = DEFAULT_TIMEOUT,
  ) {}

  private url(t: GraphTarget, path: string): string {
    return `${t.baseUrl.replace(/\/+$/, "")}/${t.version}/${path.replace(/^\/+/, "")}`;
  }

  /** One call; JSON in and out; throws GraphError on any failure. */
  async call<T>(t: GraphTarget, method: string, path: string, body?: unknown, init: { form?: FormData; timeoutMs?: number } = {}): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(t, path), {
        method,
        headers: { authorization: `Bearer ${t.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        body: init.form ?? (body !== undefined ? JSON.stringify(body) : undefined),
        signal: AbortSignal.timeout(init.timeoutMs ?? this.timeoutMs),
        ...(t.loopback ? { tls: { rejectUnauthorized: false } } : {}),
      } as RequestInit);
    } catch (e) {
      const timeout = (e as Error).name === "TimeoutError" || (e as Error).name === "AbortError";
      throw new GraphError(-1, timeout ? `Graph API did not answer within ${init.timeoutMs ?? this.timeoutMs} ms` : `Graph API unreachable: ${(e as Error).message}`, 0);
    }
    const text = await res.text();
    if (!res.ok) throw parseGraphError(res.status, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new GraphError(-1, `Graph API answered HTTP ${res.status} with a body that is not JSON`, res.status);
    }
  }

  /** POST /{phone-number-id}/messages with any message body (text, template, media, interactive, reaction). */
  async send(t: GraphTarget, phoneNumberId: string, message: Record<string, unknown>): Promise<SendResult> {
    const body = { messaging_product: "whatsapp", recipient_type: "individual", ...message };
    const r = await this.call<{ contacts?: { wa_id?: string }[]; messages?: { id: string; message_status?: string }[] }>(t, "POST", `${phoneNumberId}/messages`, body);
    const m = r.messages?.[0];
    if (!m?.id) throw new GraphError(-1, "Graph API accepted the message but returned no message id", 200);
    return { wamid: m.id, waId: r.contacts?.[0]?.wa_id ?? null, messageStatus: m.message_status ?? null };
  }

  sendText(t: GraphTarget, phoneNumberId: string, to: string, body: string, opts: { previewUrl?: boolean; context?: string; opaque?: string } = {}) {
    return this.send(t, phoneNumberId, { to, type: "text", text: { body, preview_url: opts.previewUrl ?? false }, ...extras(opts) });
  }

  sendTemplate(t: GraphTarget, phoneNumberId: string, to: string, template: { name: string; language: { code: string }; components?: unknown[] }, opts: { opaque?: string } = {}) {
    return this.send(t, phoneNumberId, { to, type: "template", template, ...extras(opts) });
  }

  /** Image, document, audio, video or sticker, by uploaded media id (a LAN install has no public URL). */
  sendMedia(t: GraphTarget, phoneNumberId: string, to: string, kind: "image" | "document" | "audio" | "video" | "sticker", media: { id?: string; link?: string; caption?: string; filename?: string }, opts: { context?: string; opaque?: string } = {}) {
    return this.send(t, phoneNumberId, { to, type: kind, [kind]: media, ...extras(opts) });
  }

  /** Reply buttons (max 3) or a list. */
  sendInteractive(t: GraphTarget, phoneNumberId: string, to: string, interactive: Record<string, unknown>, opts: { context?: string; opaque?: string } = {}) {
    return this.send(t, phoneNumberId, { to, type: "interactive", interactive, ...extras(opts) });
  }

  /** A reaction to a message; an empty emoji removes it. */
  sendReaction(t: GraphTarget, phoneNumberId: string, to: string, messageId: string, emoji: string, opts: { opaque?: string } = {}) {
    return this.send(t, phoneNumberId, { to, type: "reaction", reaction: { message_id: messageId, emoji }, ...extras(opts) });
  }

  /** Marks an inbound message (and the ones before it) as read, optionally showing a typing indicator. */
  async markRead(t: GraphTarget, phoneNumberId: string, wamid: string, typing = false): Promise<void> {
    await this.call(t, "POST", `${phoneNumberId}/messages`, { messaging_product: "whatsapp", status: "read", message_id: wamid, ...(typing ? { typing_indicator: { type: "text" } } : {}) });
  }

  /** Uploads media for sending by id; returns the media id. */
  async uploadMedia(t: GraphTarget, phoneNumberId: string, file: Blob, mimeType: string, filename = "file"): Promise<string> {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", mimeType);
    form.set("file", new File([file], filename, { type: mimeType }));
    const r = await this.call<{ id: string }>(t, "POST", `${phoneNumberId}/media`, undefined, { form, timeoutMs: 60_000 });
    return r.id;
  }

  /** The short-lived download URL and facts of a media id. */
  mediaInfo(t: GraphTarget, mediaId: string): Promise<MediaInfo> {
    return this.call<MediaInfo>(t, "GET", encodeURIComponent(mediaId));
  }

  /** Downloads a media URL with the token, refusing bodies over `maxBytes`. */
  async download(t: GraphTarget, url: string, maxBytes: number): Promise<{ bytes: Uint8Array; contentType: string | null }> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, { headers: { authorization: `Bearer ${t.token}` }, signal: AbortSignal.timeout(60_000), ...(t.loopback ? { tls: { rejectUnauthorized: false } } : {}) } as RequestInit);
    } catch (e) {
      throw new GraphError(-1, `media download failed: ${(e as Error).message}`, 0);
    }
    if (!res.ok) throw parseGraphError(res.status, await res.text());
    const declared = Number(res.headers.get("content-length"));
    if (declared > maxBytes) throw new GraphError(131052, `media is ${declared} bytes, over the ${maxBytes}-byte limit`, res.status);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new GraphError(131052, `media is over the ${maxBytes}-byte limit`, res.status);
      chunks.push(chunk);
    }
    return { bytes: Buffer.concat(chunks), contentType: res.headers.get("content-type") };
  }

  /** Reads a number's fields (also how a token is checked on connect). */
  phoneNumber(t: GraphTarget, phoneNumberId: string): Promise<PhoneNumberInfo> {
    return this.call<PhoneNumberInfo>(t, "GET", `${phoneNumberId}?fields=${NUMBER_FIELDS}`);
  }

  /** Subscribes the app to the WABA's webhooks. */
  async subscribeApp(t: GraphTarget, wabaId: string): Promise<void> {
    await this.call(t, "POST", `${wabaId}/subscribed_apps`);
  }

  /** Every template of the WABA, following paging cursors. */
  async listTemplates(t: GraphTarget, wabaId: string): Promise<TemplateInfo[]> {
    const out: TemplateInfo[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const q = new URLSearchParams({ fields: "id,name,language,category,status,components,parameter_format,quality_score,rejected_reason", limit: "100" });
      if (after) q.set("after", after);
      const r = await this.call<{ data: TemplateInfo[]; paging?: { cursors?: { after?: string }; next?: string } }>(t, "GET", `${wabaId}/message_templates?${q}`);
      out.push(...r.data);
      after = r.paging?.next ? r.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return out;
  }

  /** Submits a template for review; returns Meta's id, status and category. */
  createTemplate(t: GraphTarget, wabaId: string, template: { name: string; language: string; category: string; components: unknown[]; parameter_format?: string }) {
    return this.call<{ id: string; status: string; category: string }>(t, "POST", `${wabaId}/message_templates`, template);
  }
}

function extras(o: { context?: string; opaque?: string }) {
  return { ...(o.context ? { context: { message_id: o.context } } : {}), ...(o.opaque ? { biz_opaque_callback_data: o.opaque } : {}) };
}
