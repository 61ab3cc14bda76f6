// Random tokens and hashes. Tokens handed to people or browsers are random; only their SHA-256 is stored.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Hex SHA-256 of a string: how sessions, API tokens and one-time codes are stored. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Constant-time string comparison (different lengths compare false, still without early exit on content). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
