// Encryption at rest for stored secrets (WhatsApp access tokens, TOTP seeds): AES-256-GCM, key from SECRET_KEY.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Encrypts and decrypts short secrets with a key derived from SECRET_KEY. */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** Builds a Sealer; sealed values look like `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function createSealer(secretKey: string): Sealer {
  const key = createHash("sha256").update("centralino:seal:v1:").update(secretKey).digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return ["v1", iv.toString("base64url"), c.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
    },
    open(sealed) {
      const [v, iv, tag, body] = sealed.split(".");
      if (v !== "v1" || !iv || !tag || body === undefined) throw new Error("sealed value has an unknown format");
      const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      d.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([d.update(Buffer.from(body, "base64url")), d.final()]).toString("utf8");
    },
  };
}
