import { describe, expect, test } from "bun:test";
import { escapedJson, signBody, verifySignature } from "./signature";

describe("webhook signatures", () => {
  // The test vector from whatsapp-api-js (checked against Meta's rule: sign the unicode-escaped payload).
  const raw = "Let's pretend this body is equal to the message object and can handle unicode characters like みどりいろ and J'ai mangé des pâtes";
  const escaped = JSON.stringify(raw).slice(1, -1).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);

  test("matches the published vector over the escaped form", () => {
    expect(signBody(escaped, "YOUR_APP_SECRET")).toBe("sha256=0363007aabdf1ab579f35936651a460fb5fa1aaf40df98b1264446b72cc96688");
  });

  test("verifies exact bytes only, in constant time", () => {
    const body = new TextEncoder().encode(escapedJson({ text: "caffè ☕" }));
    const sig = signBody(body, "s3cret");
    expect(verifySignature(body, sig, "s3cret")).toBe(true);
    expect(verifySignature(body, sig, "other")).toBe(false);
    expect(verifySignature(body, sig.replace(/.$/, (c) => (c === "0" ? "1" : "0")), "s3cret")).toBe(false);
    expect(verifySignature(body, "sha1=abc", "s3cret")).toBe(false);
    expect(verifySignature(body, null, "s3cret")).toBe(false);
    expect(verifySignature(body, "sha256=zz", "s3cret")).toBe(false);
    const tampered = new TextEncoder().encode(escapedJson({ text: "caffè ☔" }));
    expect(verifySignature(tampered, sig, "s3cret")).toBe(false);
  });

  test("escapes non-ASCII (emoji as surrogate pairs) in lowercase", () => {
    expect(escapedJson({ e: "😮é" })).toBe('{"e":"\\ud83d\\ude2e\\u00e9"}');
    expect(JSON.parse(escapedJson({ e: "😮é" })).e).toBe("😮é");
  });
});
