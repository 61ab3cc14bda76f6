// The snapshot a decision reads: every agent with presence, capacity, load and teams, and the situation of one
// conversation. A handful of indexed queries; presence and settings come from memory.
import type { Deps } from "../deps";
import type { ConversationRow } from "../conversations";
import { capacityOf } from "./capacity";
import type { Agent, RoutingTeam, Situation } from "./decide";
import type { PresenceBook } from "./presence-book";
import { asStrategy } from "./strategy";
import { firstInboundText, getNumberRouting, listActiveUsers, listMemberships, listTeamRouting, openCountsOf, type TeamRoutingRow } from "./store";

export interface RosterAgent extends Agent {
  name: string;
  email: string;
}

/** Memory the service keeps between decisions. */
export interface RoutingMemory {
  presence: PresenceBook;
  /** userId → when they last got a conversation (least-load ties). */
  lastAssigned: Map<number, number>;
  /** numberId → last agent of its rotation when no team is involved. */
  numberPointers: Map<number, number>;
}

function teamsByUser(d: Deps): Map<number, number[]> {
  const teams = new Map<number, number[]>();
  for (const m of listMemberships(d.db)) {
    const ids = teams.get(m.user_id);
    if (ids) ids.push(m.team_id);
    else teams.set(m.user_id, [m.team_id]);
  }
  return teams;
}

/** Active users whose role can reply, with what routing needs to know about each. */
export function loadRoster(d: Deps, mem: RoutingMemory): RosterAgent[] {
  const now = d.clock.now();
  const def = d.settings.get("default_capacity");
  const max = d.settings.get("max_capacity");
  const teams = teamsByUser(d);
  const users = listActiveUsers(d.db).filter((u) => d.roles.perms(u.role_id).has("conversations:reply"));
  const open = openCountsOf(d.db, users.map((u) => u.id));
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    presence: mem.presence.of(u.id, now),
    capacity: capacityOf(u.capacity, def, max),
    open: open.get(u.id) ?? 0,
    teamIds: teams.get(u.id) ?? [],
    readAll: d.roles.perms(u.role_id).has("conversations:read_all"),
    lastAssignedAt: mem.lastAssigned.get(u.id) ?? null,
  }));
}

const words = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
};

export function toRoutingTeam(t: TeamRoutingRow): RoutingTeam {
  return { id: t.id, name: t.name, strategy: asStrategy(t.routing_strategy), languages: words(t.skill_languages), keywords: words(t.skill_keywords), tags: words(t.skill_tags), lastAssignedUserId: t.last_assigned_user_id };
}

export interface SituationOptions {
  exclude?: readonly number[];
  /** The agent a returning customer goes back to; default: the agent of their previous conversation. */
  sticky?: number | null;
}

/** Everything `decide` needs about conversation `c`, over a roster loaded once for a batch of decisions. */
export function situationOf(d: Deps, mem: RoutingMemory, c: ConversationRow, roster: readonly RosterAgent[], o: SituationOptions = {}): Situation {
  const n = getNumberRouting(d.db, c.number_id);
  const strategy = asStrategy(n?.routing_strategy);
  const skills = strategy === "skills";
  // The conversation's own agent holds it already: its load without this conversation is what counts.
  const agents = c.assignee_id !== null && c.status === "open" ? roster.map((a) => (a.id === c.assignee_id ? { ...a, open: Math.max(0, a.open - 1) } : a)) : roster;
  return {
    agents,
    numberTeamIds: d.numbers.teamIds(c.number_id),
    numberStrategy: strategy,
    numberTeamId: n?.routing_team_id ?? null,
    conversationTeamId: c.team_id,
    teams: listTeamRouting(d.db).map(toRoutingTeam),
    contact: { language: skills ? (d.contacts.get(c.contact_id)?.language ?? null) : null, tags: skills ? d.contacts.tags(c.contact_id) : [] },
    firstText: skills ? firstInboundText(d.db, c.id) : "",
    sticky: o.sticky !== undefined ? o.sticky : d.conversations.previousAssignee(c.number_id, c.contact_id, c.id),
    exclude: o.exclude ?? [],
    numberPointer: mem.numberPointers.get(c.number_id) ?? null,
  };
}

/** One more (or one fewer) open conversation for an agent in a roster used across several decisions. */
export function adjustLoad(roster: RosterAgent[], agentId: number | null, delta: number): void {
  const a = roster.find((x) => x.id === agentId);
  if (a) a.open = Math.max(0, a.open + delta);
}
