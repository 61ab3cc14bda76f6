// API tokens: created in the UI or by `centralino token create`, shown once, stored by SHA-256. A token
// carries a role, or acts as a user (with that user's role) so what it does is attributed to the person.
import type { AuditService, AuditWho } from "../audit";
import type { Platform } from "../deps";
import { invalid, notFound, type FieldError } from "../platform/errors";
import { randomToken, sha256 } from "../platform/ids";
import type { RolesService } from "../roles";
import type { UsersService } from "../users";
import { getToken, getTokenByHash, insertToken, listTokens, revokeToken, touchToken, type TokenRow, type TokenView } from "./store";

export const TOKEN_PREFIX = "cen_";

export interface TokenInput {
  name: string;
  role?: string | null;
  /** Email or id of the user the token acts as. */
  user?: string | number | null;
}

export interface TokensService {
  create(input: TokenInput, who: AuditWho): { token: string; view: TokenView };
  revoke(id: number, who: AuditWho): void;
  list(afterId: number, limit: number): TokenView[];
  get(id: number): TokenView | null;
  /** The live token row for a presented secret, or null; records last use at most once a minute. */
  lookup(secret: string): TokenRow | null;
}

export function createTokens(p: Platform, deps: { roles: RolesService; users: UsersService; audit: AuditService }): TokensService {
  const { roles, users, audit } = deps;
  return {
    create(input, who) {
      const errors: FieldError[] = [];
      const name = input.name?.trim() ?? "";
      if (name.length < 1 || name.length > 80) errors.push({ field: "name", message: "must be 1 to 80 characters" });
      const hasRole = !!input.role;
      const hasUser = input.user !== undefined && input.user !== null && input.user !== "";
      if (hasRole === hasUser) errors.push({ field: "role", message: "give either a role or a user the token acts as (not both)" });
      const role = hasRole ? roles.byKey(String(input.role)) : null;
      if (hasRole && !role) errors.push({ field: "role", message: `unknown role ${input.role}` });
      const user = hasUser ? (typeof input.user === "number" || /^\d+$/.test(String(input.user)) ? users.get(Number(input.user)) : users.byEmail(String(input.user))) : null;
      if (hasUser && !user) errors.push({ field: "user", message: `no user ${input.user}` });
      if (user && user.status !== "active") errors.push({ field: "user", message: "that user is disabled" });
      if (errors.length) throw invalid(errors);
      roles.assertGrantable(who.actor, role ?? roles.get(user!.role_id)!);
      const token = TOKEN_PREFIX + randomToken(30);
      const id = p.db.tx(() => {
        const id = insertToken(p.db, { name, token_hash: sha256(token), prefix: token.slice(0, 10), role_id: role?.id ?? null, user_id: user?.id ?? null, created_by: who.actor?.userId ?? null }, p.clock.now());
        audit.record(who, { action: "tokens.create", target: { kind: "token", id, label: name }, details: role ? { role: role.key } : { acts_as: user!.email } });
        return id;
      });
      return { token, view: getToken(p.db, id)! };
    },
    revoke(id, who) {
      const t = getToken(p.db, id);
      if (!t) throw notFound("No such token.");
      p.db.tx(() => {
        revokeToken(p.db, id, p.clock.now());
        audit.record(who, { action: "tokens.revoke", target: { kind: "token", id, label: t.name } });
      });
    },
    list: (afterId, limit) => listTokens(p.db, afterId, limit),
    get: (id) => getToken(p.db, id),
    lookup(secret) {
      if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
      const row = getTokenByHash(p.db, sha256(secret));
      if (!row) return null;
      const now = p.clock.now();
      if (!row.last_used_at || now - row.last_used_at > 60_000) touchToken(p.db, row.id, now);
      return row;
    },
  };
}
