// A small HTTP client for tests that keeps cookies like a browser and sends the page's CSRF token.

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T;
  /** Set-Cookie headers of this response. */
  cookies: string[];
}

export class Client {
  jar: Record<string, string>;
  /** The CSRF token of the last HTML page seen (meta tag), sent on form posts. */
  csrf = "";

  constructor(readonly base: string, jar: Record<string, string> = {}) {
    this.jar = { ...jar };
  }

  private cookieHeader(): string {
    return Object.entries(this.jar).map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response): string[] {
    const set = res.headers.getSetCookie();
    for (const c of set) {
      const [pair, ...attrs] = c.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i).trim();
      const value = decodeURIComponent(pair!.slice(i + 1).trim());
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "") delete this.jar[name];
      else this.jar[name] = value;
    }
    return set;
  }

  async request(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}): Promise<Res> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    const res = await fetch(this.base + path, { method, body: init.body, headers, redirect: "manual" });
    const cookies = this.remember(res);
    const text = await res.text();
    const m = /<meta name="csrf-token" content="([^"]*)"/.exec(text);
    if (m) this.csrf = m[1]!;
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text), cookies };
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request("GET", path, { headers });
  }

  /** Posts a urlencoded form with the CSRF token (unless `_csrf` is given, or `csrf: false`). */
  async post(path: string, form: Record<string, string | string[]> = {}, opts: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    if (!this.csrf && opts.csrf !== false) await this.get("/login");
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    if (opts.csrf !== false && !("_csrf" in form)) body.set("_csrf", this.csrf);
    return this.request("POST", path, { body, headers: { "content-type": "application/x-www-form-urlencoded", ...(opts.headers ?? {}) } });
  }
}

/** Calls the JSON API with a Bearer token. */
export async function api(base: string, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, json };
}
