// The key that signs webhooks. Meta signs with the app secret (WA_APP_SECRET). Without it, the built-in
// simulator signs with a secret derived from SECRET_KEY, so demo installs verify signatures too; a real
// number is never accepted that way (webhook POSTs are refused until WA_APP_SECRET is set).
import { createHmac } from "node:crypto";
import type { Config } from "../platform/config";

export function webhookSecret(cfg: Readonly<Config>): string {
  return cfg.waAppSecret ?? createHmac("sha256", cfg.secretKey!).update("centralino:simulator-app-secret").digest("hex");
}
