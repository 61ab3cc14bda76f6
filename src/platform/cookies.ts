// Cookie header parsing and Set-Cookie building. Sessions use plain random tokens looked up by hash, not
// Elysia's signed cookies, which turn a stale cookie into a 400 on every route (PLATFORM.md §2).

/** Parses a Cookie header into name → value (first one wins, malformed pairs are skipped). */
export function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a value that is not valid percent-encoding is ignored
    }
  }
  return out;
}

export interface CookieOptions {
  maxAge?: number;
  secure: boolean;
  httpOnly?: boolean;
}

/** A Set-Cookie value with Path=/ and SameSite=Lax. */
export function setCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "SameSite=Lax"];
  if (o.httpOnly !== false) parts.push("HttpOnly");
  if (o.secure) parts.push("Secure");
  if (o.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(o.maxAge)}`);
  return parts.join("; ");
}

/** A Set-Cookie value that deletes `name`. */
export function clearCookie(name: string, secure: boolean): string {
  return setCookie(name, "", { maxAge: 0, secure });
}
