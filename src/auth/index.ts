export { createAuth, type AuthService, type LoginResult } from "./service";
export { can, type Actor } from "./actor";
export { ALL_PERMISSIONS, PERMISSION_GROUPS, PRESET_ROLES, PRESET_KEYS, isPermission, type Permission, type PresetRoleKey } from "./permissions";
export { authRoutes } from "./routes";
export { authenticate, SESSION_COOKIE } from "./authenticate";
