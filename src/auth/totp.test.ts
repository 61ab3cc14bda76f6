import { describe, expect, test } from "bun:test";
import { base32Decode, base32Encode, otpauthUri, stepOf, totpAt, verifyTotp } from "./totp";

// RFC 6238 appendix B, SHA-1 secret "12345678901234567890"; the RFC gives 8 digits, apps use the last 6.
const SECRET = base32Encode(new TextEncoder().encode("12345678901234567890"));

describe("TOTP", () => {
  test("matches the RFC 6238 test vectors", () => {
    expect(totpAt(SECRET, stepOf(59_000))).toBe("287082");
    expect(totpAt(SECRET, stepOf(1_111_111_109_000))).toBe("081804");
    expect(totpAt(SECRET, stepOf(1_234_567_890_000))).toBe("005924");
    expect(totpAt(SECRET, stepOf(20_000_000_000_000))).toBe("353130");
  });

  test("base32 round-trips and ignores spaces and case", () => {
    const bytes = crypto.getRandomValues(new Uint8Array(20));
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Decode("gezd gnbv")).toEqual(base32Decode("GEZDGNBV"));
    expect(() => base32Decode("not base32!")).toThrow();
  });

  test("accepts one step of drift, refuses replays and malformed codes", () => {
    const now = 1_700_000_000_000;
    const step = stepOf(now);
    expect(verifyTotp(SECRET, totpAt(SECRET, step - 1), now, null)).toBe(step - 1);
    expect(verifyTotp(SECRET, totpAt(SECRET, step + 1), now, null)).toBe(step + 1);
    expect(verifyTotp(SECRET, totpAt(SECRET, step - 2), now, null)).toBeNull();
    expect(verifyTotp(SECRET, totpAt(SECRET, step), now, step)).toBeNull();
    expect(verifyTotp(SECRET, "12 34", now, null)).toBeNull();
  });

  test("the otpauth URI carries issuer and account", () => {
    expect(otpauthUri("ABC", "anna@example.com", "Bottega Rossi")).toBe("otpauth://totp/Bottega%20Rossi%3Aanna%40example.com?secret=ABC&issuer=Bottega%20Rossi&algorithm=SHA1&digits=6&period=30");
  });
});
