// User accounts: create, edit, disable, admin password reset, unlock. Guards: nobody grants more than they
// hold, only owners touch owners, and the last active owner can be neither demoted nor disabled.
import type { Actor } from "../auth/actor";
import { hashPassword, passwordProblems } from "../auth/passwords";
import type { AuditService, AuditWho } from "../audit";
import type { Platform } from "../deps";
import { conflict, forbidden, invalid, notFound, type FieldError } from "../platform/errors";
import { isLocale } from "../platform/i18n";
import type { Role, RolesService } from "../roles";
import type { SettingsService } from "../settings";
import type { TeamsService } from "../teams";
import { countActiveOwners, getUser, getUserByEmail, insertUser, listUsers, setLastLogin, setPassword, setTotp, updateUser, type UserPatch, type UserView } from "./store";

declare module "../platform/bus" {
  interface Events {
    /** `endSessions`: the user's browser sessions must end (disabled, password reset). */
    "user.changed": { userId: number; endSessions?: boolean };
  }
}

export interface NewUserInput {
  email: string;
  name: string;
  password: string;
  role: string;
  team_ids?: number[];
  capacity?: number | null;
  language?: string | null;
  must_change_password?: boolean;
}

export interface UserUpdateInput {
  email?: string;
  name?: string;
  role?: string;
  team_ids?: number[];
  capacity?: number | null;
  status?: "active" | "disabled";
  language?: string | null;
  password?: string;
}

export interface UsersService {
  get(id: number): UserView | null;
  byEmail(email: string): UserView | null;
  list(o: { afterId: number; limit: number; q?: string; roleId?: number; status?: string }): UserView[];
  create(input: NewUserInput, who: AuditWho): Promise<UserView>;
  update(id: number, input: UserUpdateInput, who: AuditWho): Promise<UserView>;
  /** Admin reset: new password, must change it at next sign-in, every session ended. */
  resetPassword(id: number, password: string, who: AuditWho): Promise<void>;
  /** Creates the first owner (setup page, ADMIN_EMAIL, `admin create`). */
  createOwner(email: string, name: string, password: string, who: AuditWho): Promise<UserView>;
  /** Credential columns, written for the auth capability (own password change, sign-in time, TOTP). */
  setPasswordHash(id: number, hash: string): void;
  recordLogin(id: number): void;
  setTotpState(id: number, f: { totp_secret?: string | null; totp_pending?: string | null; totp_last_step?: number | null }): void;
  /** Own preferences (profile page). */
  setPreferences(id: number, f: { name?: string; language?: string | null; theme?: "auto" | "light" | "dark" }): void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function createUsers(p: Platform, deps: { roles: RolesService; teams: TeamsService; settings: SettingsService; audit: AuditService }): UsersService {
  const { roles, teams, settings, audit } = deps;

  function resolveRole(key: string, errors: FieldError[]): Role | null {
    const role = roles.byKey(key);
    if (!role) errors.push({ field: "role", message: `unknown role ${key}; one of ${roles.list().map((r) => r.key).join(", ")}` });
    return role;
  }

  function checkCommon(input: { email?: string; name?: string; capacity?: number | null; language?: string | null; team_ids?: number[] }, errors: FieldError[]) {
    if (input.email !== undefined && (!EMAIL.test(input.email) || input.email.length > 254)) errors.push({ field: "email", message: "must be a valid email address" });
    if (input.name !== undefined && (input.name.trim().length < 1 || input.name.length > 80)) errors.push({ field: "name", message: "must be 1 to 80 characters" });
    const max = settings.get("max_capacity");
    if (input.capacity !== undefined && input.capacity !== null && (!Number.isInteger(input.capacity) || input.capacity < 0 || input.capacity > max)) {
      errors.push({ field: "capacity", message: `must be a whole number from 0 to ${max} (the workspace cap)` });
    }
    if (input.language !== undefined && input.language !== null && !isLocale(input.language)) errors.push({ field: "language", message: "must be en or it" });
    if (input.team_ids?.length) {
      const unknown = teams.unknownIds(input.team_ids);
      if (unknown.length) errors.push({ field: "team_ids", message: `unknown team id ${unknown.join(", ")}` });
    }
  }

  function guardTarget(actor: Actor | null, target: UserView) {
    if (target.role_key === "owner" && !actor?.perms.has("workspace:own")) throw forbidden("Only an owner can change another owner's account.");
  }

  function need(id: number): UserView {
    const u = getUser(p.db, id);
    if (!u) throw notFound("No such user.");
    return u;
  }

  const svc: UsersService = {
    get: (id) => getUser(p.db, id),
    byEmail: (email) => getUserByEmail(p.db, email.trim().toLowerCase()),
    list: (o) => listUsers(p.db, o),

    async create(input, who) {
      const errors: FieldError[] = [];
      const email = input.email?.trim().toLowerCase() ?? "";
      checkCommon({ ...input, email }, errors);
      const role = resolveRole(input.role, errors);
      errors.push(...passwordProblems(input.password ?? "", email));
      if (errors.length) throw invalid(errors);
      if (getUserByEmail(p.db, email)) throw conflict("email_taken", `A user with the email ${email} already exists.`);
      roles.assertGrantable(who.actor, role!);
      const hash = await hashPassword(input.password);
      const id = p.db.tx(() => {
        const id = insertUser(
          p.db,
          { email, name: input.name.trim(), password_hash: hash, role_id: role!.id, capacity: input.capacity ?? null, language: input.language ?? null, must_change_password: input.must_change_password ? 1 : 0 },
          p.clock.now(),
        );
        if (input.team_ids?.length) teams.setUserTeams(id, input.team_ids);
        audit.record(who, { action: "users.create", target: { kind: "user", id, label: email }, details: { role: role!.key, team_ids: input.team_ids ?? [] } });
        return id;
      });
      p.bus.emit("user.changed", { userId: id });
      return getUser(p.db, id)!;
    },

    async update(id, input, who) {
      const before = need(id);
      guardTarget(who.actor, before);
      const errors: FieldError[] = [];
      const email = input.email?.trim().toLowerCase();
      checkCommon({ ...input, email }, errors);
      const role = input.role !== undefined ? resolveRole(input.role, errors) : null;
      if (input.password !== undefined) errors.push(...passwordProblems(input.password, email ?? before.email));
      if (errors.length) throw invalid(errors);
      if (email && email !== before.email && getUserByEmail(p.db, email)) throw conflict("email_taken", `A user with the email ${email} already exists.`);
      if (role && role.id !== before.role_id) roles.assertGrantable(who.actor, role);
      const losesOwner = before.role_key === "owner" && before.status === "active" && ((role && role.key !== "owner") || input.status === "disabled");
      if (losesOwner && countActiveOwners(p.db) <= 1) throw conflict("last_owner", "This is the last active owner; make someone else an owner first.");
      const patch: UserPatch = { email, name: input.name?.trim(), role_id: role?.id, capacity: input.capacity, status: input.status, language: input.language };
      const hash = input.password !== undefined ? await hashPassword(input.password) : null;
      const now = p.clock.now();
      p.db.tx(() => {
        updateUser(p.db, id, patch, now);
        if (input.team_ids) teams.setUserTeams(id, input.team_ids);
        if (hash) setPassword(p.db, id, hash, false, now);
        const changed = Object.entries({ ...patch, team_ids: input.team_ids, password: hash ? "changed" : undefined })
          .filter(([, v]) => v !== undefined)
          .map(([k]) => (k === "role_id" ? "role" : k));
        audit.record(who, {
          action: input.status === "disabled" && before.status !== "disabled" ? "users.disable" : "users.update",
          target: { kind: "user", id, label: before.email },
          details: { changed, ...(role && role.id !== before.role_id ? { role: { from: before.role_key, to: role.key } } : {}) },
        });
      });
      p.bus.emit("user.changed", { userId: id, endSessions: input.status === "disabled" || !!hash });
      return getUser(p.db, id)!;
    },

    async resetPassword(id, password, who) {
      const user = need(id);
      guardTarget(who.actor, user);
      const errors = passwordProblems(password, user.email);
      if (errors.length) throw invalid(errors);
      const hash = await hashPassword(password);
      p.db.tx(() => {
        setPassword(p.db, id, hash, true, p.clock.now());
        audit.record(who, { action: "users.reset_password", target: { kind: "user", id, label: user.email } });
      });
      p.bus.emit("user.changed", { userId: id, endSessions: true });
    },

    async createOwner(email, name, password, who) {
      const owner = roles.byKey("owner")!;
      return svc.create({ email, name, password, role: owner.key }, { ...who, actor: who.actor ?? systemActor(owner) });
    },

    setPasswordHash: (id, hash) => setPassword(p.db, id, hash, false, p.clock.now()),
    recordLogin: (id) => setLastLogin(p.db, id, p.clock.now()),
    setTotpState: (id, f) => setTotp(p.db, id, f, p.clock.now()),
    setPreferences(id, f) {
      updateUser(p.db, id, { name: f.name, language: f.language, theme: f.theme }, p.clock.now());
      p.bus.emit("user.changed", { userId: id });
    },
  };
  return svc;
}

/** The actor used for system-initiated account creation (first owner): holds every permission. */
function systemActor(owner: Role): Actor {
  return { kind: "user", userId: null, tokenId: null, label: "system", name: "system", roleKey: "owner", perms: new Set(owner.permissions), session: null, language: null, theme: "auto", mustChangePassword: false };
}
