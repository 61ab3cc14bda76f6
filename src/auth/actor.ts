// Who is making a request: a signed-in user (browser session) or an API token (acting with a role, or as a
// user). Every permission check on the server asks the Actor.
import type { Permission } from "./permissions";

export interface Actor {
  kind: "user" | "token";
  /** The user acting (a token created with --user acts as that user); null for a role token. */
  userId: number | null;
  tokenId: number | null;
  /** Email, or `token:<name>` for a role token: what the audit log shows. */
  label: string;
  name: string;
  roleKey: string;
  perms: ReadonlySet<Permission>;
  /** Browser session only. */
  session: { id: string; csrf: string } | null;
  language: string | null;
  theme: "auto" | "light" | "dark";
  mustChangePassword: boolean;
}

/** True when the actor holds `perm`. */
export function can(actor: Actor | null, perm: Permission): boolean {
  return !!actor && actor.perms.has(perm);
}
