// Password hashing: argon2id at m=19 MiB, t=2 (PRODUCT.md C2: OWASP's minimum, ~24 ms here, so a 9:00 login
// storm of 500 agents does not stall the box) and the password rules shown to people.
import type { FieldError } from "../platform/errors";

const PARAMS = { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 } as const;

/** Hashes a password (off the JavaScript thread). */
export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, PARAMS);
}

/** Verifies a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Spends the same time as a real check, so an unknown email cannot be told apart by timing. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword("centralino-timing-equaliser");
  await verifyPassword(password, await dummy);
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** Problems with a new password, as field errors (empty when it is acceptable). */
export function passwordProblems(password: string, email: string, field = "password"): FieldError[] {
  if (password.length < PASSWORD_MIN) return [{ field, message: `must be at least ${PASSWORD_MIN} characters` }];
  if (password.length > PASSWORD_MAX) return [{ field, message: `must be at most ${PASSWORD_MAX} characters` }];
  if (email && password.toLowerCase().includes(email.toLowerCase().split("@")[0] ?? "\u0000") && (email.split("@")[0]?.length ?? 0) >= 4) {
    return [{ field, message: "must not contain your email name" }];
  }
  if (/^(.)\1+$/.test(password)) return [{ field, message: "must not be one repeated character" }];
  return [];
}
