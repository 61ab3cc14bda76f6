// Builds every capability's service from the platform, in dependency order.
import type { Deps, Platform } from "./deps";
import { createAudit, type AuditService } from "./audit";
import { createAlerts, type AlertsService } from "./alerts";
import { createSettings, type SettingsService } from "./settings";
import { createRoles, type RolesService } from "./roles";
import { createTeams, type TeamsService } from "./teams";
import { createUsers, type UsersService } from "./users";
import { createTokens, type TokensService } from "./tokens";
import { createAuth, type AuthService } from "./auth";
import { createContacts, type ContactsService } from "./contacts";
import { createConversations, type ConversationsService } from "./conversations";
import { createNumbers, type NumbersService } from "./numbers";
import { GraphClient, Intake, MediaFetcher, Processor } from "./whatsapp";
import { createSimulator, type SimulatorService } from "./simulator";
import { createOutbox, SendLoops, type OutboxService } from "./outbox";
import { optOutHook } from "./guardrails/optout";
import { createRouting, type RoutingService } from "./routing";
import { createNotifications, type NotificationsService } from "./notifications";
import { createNotes, type NotesService } from "./notes";
import { createQuickReplies, type QuickRepliesService } from "./quickreplies";
import { createSearch, type SearchService } from "./search";

export interface Services {
  audit: AuditService;
  alerts: AlertsService;
  settings: SettingsService;
  roles: RolesService;
  teams: TeamsService;
  users: UsersService;
  tokens: TokensService;
  auth: AuthService;
  graph: GraphClient;
  numbers: NumbersService;
  contacts: ContactsService;
  conversations: ConversationsService;
  intake: Intake;
  processor: Processor;
  media: MediaFetcher;
  outbox: OutboxService;
  sendLoops: SendLoops;
  simulator: SimulatorService;
  routing: RoutingService;
  notifications: NotificationsService;
  notes: NotesService;
  quickReplies: QuickRepliesService;
  search: SearchService;
}

export function createServices(p: Platform, graph: GraphClient = new GraphClient()): Deps {
  const audit = createAudit(p);
  const alerts = createAlerts(p);
  const settings = createSettings(p, audit);
  const roles = createRoles(p, audit);
  roles.syncPresets();
  const teams = createTeams(p, audit);
  const users = createUsers(p, { roles, teams, settings, audit });
  const tokens = createTokens(p, { roles, users, audit });
  const auth = createAuth(p, { users, roles, tokens, settings, audit, alerts });
  const numbers = createNumbers(p, { graph, teams, audit, alerts });
  const contacts = createContacts(p, audit);
  const conversations = createConversations(p);
  const notifications = createNotifications(p);
  const notes = createNotes(p, { contacts, conversations, users, notifications });
  const quickReplies = createQuickReplies(p, audit);
  // The background workers need every service: they get the finished object.
  const d = { ...p, audit, alerts, settings, roles, teams, users, tokens, auth, graph, numbers, contacts, conversations, notifications, notes, quickReplies } as Deps;
  d.search = createSearch(d);
  d.processor = new Processor(d);
  d.media = new MediaFetcher(d);
  d.intake = new Intake(p.db, () => d.processor.wake());
  d.simulator = createSimulator(d);
  d.outbox = createOutbox(d);
  d.sendLoops = new SendLoops(d);
  numbers.attachLiveRate((id) => d.sendLoops.rate(id));
  d.processor.onInbound(optOutHook(d));
  d.routing = createRouting(d);
  return d;
}
