// Builds every capability's service from the platform, in dependency order.
import type { Platform } from "./deps";
import { createAudit, type AuditService } from "./audit";
import { createAlerts, type AlertsService } from "./alerts";
import { createSettings, type SettingsService } from "./settings";
import { createRoles, type RolesService } from "./roles";
import { createTeams, type TeamsService } from "./teams";
import { createUsers, type UsersService } from "./users";
import { createTokens, type TokensService } from "./tokens";
import { createAuth, type AuthService } from "./auth";

export interface Services {
  audit: AuditService;
  alerts: AlertsService;
  settings: SettingsService;
  roles: RolesService;
  teams: TeamsService;
  users: UsersService;
  tokens: TokensService;
  auth: AuthService;
}

export function createServices(p: Platform): Services {
  const audit = createAudit(p);
  const alerts = createAlerts(p);
  const settings = createSettings(p, audit);
  const roles = createRoles(p, audit);
  roles.syncPresets();
  const teams = createTeams(p, audit);
  const users = createUsers(p, { roles, teams, settings, audit });
  const tokens = createTokens(p, { roles, users, audit });
  const auth = createAuth(p, { users, roles, tokens, settings, audit, alerts });
  return { audit, alerts, settings, roles, teams, users, tokens, auth };
}
