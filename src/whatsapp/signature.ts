// X-Hub-Signature-256: HMAC-SHA256 of the exact bytes received, keyed with the app secret. Meta signs a JSON
// whose non-ASCII characters are escaped (\u00e9), so hashing the raw bytes works and re-serialising would not.
import { createHmac, timingSafeEqual } from "node:crypto";

/** `sha256=<lowercase hex>` for a body. */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Constant-time check of an X-Hub-Signature-256 header against the raw body. */
export function verifySignature(body: Uint8Array, header: string | null, secret: string): boolean {
  if (!header || !header.startsWith("sha256=")) return false;
  const given = Buffer.from(header.slice(7), "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** JSON with every non-ASCII UTF-16 unit escaped as \uxxxx (lowercase), the way Meta sends and signs it. */
export function escapedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
