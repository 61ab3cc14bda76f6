export { createRoles, type RolesService, type Role, type RoleInput } from "./service";
export { rolesRoutes } from "./routes";
