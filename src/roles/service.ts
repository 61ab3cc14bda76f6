// Roles: the six presets (kept in sync with the catalogue at start) and custom roles built from the
// permission catalogue. Nobody can grant a role holding permissions they do not hold themselves.
import type { Actor } from "../auth/actor";
import { ALL_PERMISSIONS, PRESET_ROLES, isPermission, type Permission } from "../auth/permissions";
import type { AuditService, AuditWho } from "../audit";
import type { Platform } from "../deps";
import { conflict, forbidden, invalid, notFound, type FieldError } from "../platform/errors";
import { deleteRole, getRole, getRoleByKey, insertRole, listRoles, roleUsage, updateRole, upsertPresetRole, type RoleRow } from "./store";

export interface Role {
  id: number;
  key: string;
  name: string;
  description: string;
  preset: boolean;
  permissions: Permission[];
}

export interface RoleInput {
  name: string;
  description?: string;
  permissions: string[];
}

export interface RolesService {
  syncPresets(): void;
  list(): Role[];
  get(id: number): Role | null;
  byKey(key: string): Role | null;
  /** The permission set of a role (cached; roles change rarely and are read on every request). */
  perms(roleId: number): ReadonlySet<Permission>;
  usage(): Map<number, { users: number; tokens: number }>;
  /** Throws 403 unless `actor` holds every permission of `role`. */
  assertGrantable(actor: Actor | null, role: Role): void;
  create(input: RoleInput, who: AuditWho): Role;
  update(id: number, input: RoleInput, who: AuditWho): Role;
  remove(id: number, who: AuditWho): void;
}

function toRole(r: RoleRow): Role {
  const perms = (JSON.parse(r.permissions) as string[]).filter(isPermission);
  return { id: r.id, key: r.key, name: r.name, description: r.description, preset: r.preset === 1, permissions: perms };
}

function slug(name: string): string {
  return name.toLowerCase().normalize("NFKD").replace(/[^\w\s-]/g, "").trim().replace(/[\s_-]+/g, "-").slice(0, 40) || "role";
}

function checkInput(input: RoleInput): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.name?.trim() ?? "";
  if (name.length < 2 || name.length > 60) errors.push({ field: "name", message: "must be 2 to 60 characters" });
  if ((input.description ?? "").length > 300) errors.push({ field: "description", message: "must be at most 300 characters" });
  const unknown = input.permissions.filter((p) => !isPermission(p));
  if (unknown.length) errors.push({ field: "permissions", message: `unknown permission ${unknown.join(", ")}` });
  if (!input.permissions.length) errors.push({ field: "permissions", message: "choose at least one permission" });
  return errors;
}

export function createRoles(p: Platform, audit: AuditService): RolesService {
  const cache = new Map<number, ReadonlySet<Permission>>();
  const ordered = (perms: string[]) => ALL_PERMISSIONS.filter((x) => perms.includes(x));

  const svc: RolesService = {
    syncPresets() {
      const now = p.clock.now();
      p.db.tx(() => {
        for (const r of PRESET_ROLES) upsertPresetRole(p.db, { key: r.key, name: r.name, description: r.description, permissions: JSON.stringify(r.permissions) }, now);
      });
      cache.clear();
    },
    list: () => listRoles(p.db).map(toRole),
    get: (id) => {
      const r = getRole(p.db, id);
      return r ? toRole(r) : null;
    },
    byKey: (key) => {
      const r = getRoleByKey(p.db, key);
      return r ? toRole(r) : null;
    },
    perms(roleId) {
      let set = cache.get(roleId);
      if (!set) cache.set(roleId, (set = new Set(svc.get(roleId)?.permissions ?? [])));
      return set;
    },
    usage: () => new Map(roleUsage(p.db).map((u) => [u.role_id, { users: u.users, tokens: u.tokens }])),
    assertGrantable(actor, role) {
      const missing = role.permissions.filter((perm) => !actor?.perms.has(perm));
      if (missing.length) throw forbidden(`You cannot grant the role ${role.name}: it holds permissions you do not have (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}).`);
    },
    create(input, who) {
      const errors = checkInput(input);
      if (errors.length) throw invalid(errors);
      const key = slug(input.name);
      if (getRoleByKey(p.db, key)) throw conflict("role_exists", `A role named ${input.name.trim()} already exists.`);
      const role: Role = { id: 0, key, name: input.name.trim(), description: input.description?.trim() ?? "", preset: false, permissions: ordered(input.permissions) };
      svc.assertGrantable(who.actor, role);
      const id = p.db.tx(() => {
        const id = insertRole(p.db, { key, name: role.name, description: role.description, permissions: JSON.stringify(role.permissions) }, p.clock.now());
        audit.record(who, { action: "roles.create", target: { kind: "role", id, label: role.name }, details: { permissions: role.permissions } });
        return id;
      });
      return svc.get(id)!;
    },
    update(id, input, who) {
      const before = svc.get(id);
      if (!before) throw notFound("No such role.");
      if (before.preset) throw forbidden("Preset roles cannot be changed; create a custom role instead.");
      const errors = checkInput(input);
      if (errors.length) throw invalid(errors);
      const next = ordered(input.permissions);
      svc.assertGrantable(who.actor, { ...before, permissions: [...new Set([...next, ...before.permissions])] });
      p.db.tx(() => {
        updateRole(p.db, id, { name: input.name.trim(), description: input.description?.trim() ?? "", permissions: JSON.stringify(next) }, p.clock.now());
        audit.record(who, {
          action: "roles.update",
          target: { kind: "role", id, label: input.name.trim() },
          details: { added: next.filter((x) => !before.permissions.includes(x)), removed: before.permissions.filter((x) => !next.includes(x)) },
        });
      });
      cache.delete(id);
      return svc.get(id)!;
    },
    remove(id, who) {
      const role = svc.get(id);
      if (!role) throw notFound("No such role.");
      if (role.preset) throw forbidden("Preset roles cannot be deleted.");
      const use = svc.usage().get(id);
      if (use && (use.users || use.tokens)) {
        throw conflict("role_in_use", `The role ${role.name} is held by ${use.users} user(s) and ${use.tokens} API token(s); move them to another role first.`);
      }
      svc.assertGrantable(who.actor, role);
      p.db.tx(() => {
        deleteRole(p.db, id);
        audit.record(who, { action: "roles.delete", target: { kind: "role", id, label: role.name } });
      });
      cache.delete(id);
    },
  };
  return svc;
}
