// The permission catalogue: one `resource:action` per button or API call, grouped for the roles editor.
// Preset roles are defined here and synced into the roles table at start, so a new permission added by an
// upgrade reaches the presets without a migration. Labels are translated under `perm.<key>` in src/i18n.

export const PERMISSION_GROUPS = {
  conversations: ["conversations:read", "conversations:read_all", "conversations:reply", "conversations:note", "conversations:assign", "conversations:resolve", "conversations:transfer"],
  contacts: ["contacts:read", "contacts:manage", "contacts:import", "contacts:export", "contacts:erase"],
  quick_replies: ["quick_replies:manage_shared"],
  numbers: ["numbers:read", "numbers:manage"],
  templates: ["templates:read", "templates:manage"],
  campaigns: ["campaigns:read", "campaigns:manage", "campaigns:send"],
  automation: ["automation:read", "automation:manage"],
  guardrails: ["guardrails:read", "guardrails:manage"],
  supervision: ["supervision:read", "agents:presence_any", "transcripts:audit"],
  reports: ["reports:read", "reports:export"],
  users: ["users:read", "users:create", "users:update", "users:reset_password", "users:disable"],
  teams: ["teams:read", "teams:manage"],
  roles: ["roles:read", "roles:manage"],
  tokens: ["tokens:read", "tokens:manage"],
  webhooks: ["webhooks:read", "webhooks:manage"],
  settings: ["settings:read", "settings:manage"],
  audit: ["audit:read", "audit:export"],
  alerts: ["alerts:read", "alerts:manage"],
  data: ["data:backup", "data:retention"],
  simulator: ["simulator:use"],
  workspace: ["workspace:own"],
} as const;

export type PermissionGroup = keyof typeof PERMISSION_GROUPS;
export type Permission = (typeof PERMISSION_GROUPS)[PermissionGroup][number];

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(PERMISSION_GROUPS).flat();
const known = new Set<string>(ALL_PERMISSIONS);

/** True when `key` is in the catalogue. */
export function isPermission(key: string): key is Permission {
  return known.has(key);
}

export type PresetRoleKey = "owner" | "admin" | "supervisor" | "agent" | "marketer" | "analyst";

export interface PresetRole {
  key: PresetRoleKey;
  name: string;
  description: string;
  permissions: readonly Permission[];
}

const all = (...except: Permission[]) => ALL_PERMISSIONS.filter((p) => !except.includes(p));

/** The six preset roles of PRODUCT.md. Only an owner holds `workspace:own` (manage owners, transfer). */
export const PRESET_ROLES: readonly PresetRole[] = [
  { key: "owner", name: "Owner", description: "Everything, including managing other owners.", permissions: all() },
  { key: "admin", name: "Admin", description: "Sets up numbers, rules, users, roles, retention and backups.", permissions: all("workspace:own") },
  {
    key: "supervisor",
    name: "Supervisor",
    description: "Watches the live board, audits transcripts, reassigns and reads reports.",
    permissions: [
      "conversations:read", "conversations:read_all", "conversations:reply", "conversations:note", "conversations:assign",
      "conversations:resolve", "conversations:transfer", "contacts:read", "contacts:manage", "contacts:export",
      "quick_replies:manage_shared", "numbers:read", "templates:read", "campaigns:read", "automation:read",
      "guardrails:read", "supervision:read", "agents:presence_any", "transcripts:audit", "reports:read", "reports:export",
      "users:read", "teams:read", "teams:manage", "roles:read", "audit:read", "alerts:read", "simulator:use",
    ],
  },
  {
    key: "agent",
    name: "Agent",
    description: "Answers conversations, tags customers and writes notes.",
    permissions: [
      "conversations:read", "conversations:reply", "conversations:note", "conversations:resolve", "conversations:transfer",
      "contacts:read", "contacts:manage", "templates:read",
    ],
  },
  {
    key: "marketer",
    name: "Marketer",
    description: "Imports contacts, builds segments and runs template broadcasts.",
    permissions: [
      "contacts:read", "contacts:manage", "contacts:import", "contacts:export", "numbers:read", "templates:read",
      "templates:manage", "campaigns:read", "campaigns:manage", "campaigns:send", "reports:read", "reports:export",
    ],
  },
  {
    key: "analyst",
    name: "Analyst",
    description: "Reads reports and exports; changes nothing.",
    permissions: [
      "conversations:read", "conversations:read_all", "contacts:read", "numbers:read", "templates:read", "campaigns:read",
      "reports:read", "reports:export", "supervision:read",
    ],
  },
];

export const PRESET_KEYS: readonly PresetRoleKey[] = PRESET_ROLES.map((r) => r.key);
