// Secrets the operator did not set are generated once into DATA_DIR/secrets.json (mode 0600) and reused.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "./config";
import { randomToken } from "./ids";

interface StoredSecrets {
  secret_key: string;
  wa_verify_token: string;
}

/** Returns a Config whose SECRET_KEY and WA_VERIFY_TOKEN are set, generating the missing ones into DATA_DIR. */
export function withGeneratedSecrets(cfg: Readonly<Config>): Readonly<Config> {
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  const file = join(cfg.dataDir, "secrets.json");
  let stored: Partial<StoredSecrets> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      throw new Error(`${file} is not valid JSON; restore it from a backup or delete it to generate new secrets (stored access tokens will then need to be entered again)`);
    }
  }
  const next: StoredSecrets = {
    secret_key: stored.secret_key ?? randomToken(32),
    wa_verify_token: stored.wa_verify_token ?? randomToken(18),
  };
  if (next.secret_key !== stored.secret_key || next.wa_verify_token !== stored.wa_verify_token) {
    writeFileSync(file, JSON.stringify(next, null, 2) + "\n", { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return Object.freeze({
    ...cfg,
    secretKey: cfg.secretKey ?? next.secret_key,
    waVerifyToken: cfg.waVerifyToken ?? next.wa_verify_token,
  });
}
