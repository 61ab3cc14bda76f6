// The routing decision (PRODUCT.md C6) as one pure function over a snapshot: who may take the conversation,
// which team it belongs to, and which agent gets it, or why it waits. The service gathers the snapshot with a
// few indexed queries and writes the outcome; keeping the rules here makes every case unit-testable.
import { hasRoom } from "./capacity";
import type { Presence } from "./presence";
import { skillTeam, type TeamSkills } from "./skills";
import { leastLoad, roundRobin, type Candidate, type Strategy } from "./strategy";

export interface Agent extends Candidate {
  presence: Presence;
  capacity: number;
  teamIds: readonly number[];
  /** Holds conversations:read_all, so sees every number. */
  readAll: boolean;
}

export interface RoutingTeam extends TeamSkills {
  strategy: Strategy;
  /** The round-robin pointer of the team. */
  lastAssignedUserId: number | null;
}

export interface Situation {
  /** Active users whose role can reply. */
  agents: readonly Agent[];
  /** Teams serving the conversation's number. */
  numberTeamIds: readonly number[];
  numberStrategy: Strategy;
  /** The number routes only to this team. */
  numberTeamId: number | null;
  /** The team the conversation was transferred to or routed to before. */
  conversationTeamId: number | null;
  teams: readonly RoutingTeam[];
  contact: { language: string | null; tags: readonly string[] };
  /** The customer's first message of the conversation (skills by keyword). */
  firstText: string;
  /** The agent who handled this customer on this number before (returning customers). */
  sticky: number | null;
  /** Agents who must not get it (the one who did not answer). */
  exclude: readonly number[];
  /** This number's round-robin pointer, for rotations outside any team. */
  numberPointer: number | null;
}

export interface Decision {
  agentId: number | null;
  teamId: number | null;
  reason: string;
  /** The strategy configured for the number. */
  strategy: Strategy;
  /** How the agent was chosen; null when the conversation waits. */
  pick: "sticky" | "round_robin" | "least_load" | null;
}

/** True when the agent may see conversations of a number served by `numberTeamIds`. */
export function seesNumber(a: Agent, numberTeamIds: readonly number[]): boolean {
  return a.readAll || a.teamIds.some((t) => numberTeamIds.includes(t));
}

/** True when the agent can take one more conversation now. */
export function available(a: Agent): boolean {
  return a.presence === "online" && hasRoom(a.open, a.capacity);
}

/** The team fixed for the conversation: one it was transferred to, else the number's own team. */
function fixedTeam(s: Situation): RoutingTeam | null {
  const byId = (id: number | null) => (id === null ? null : (s.teams.find((t) => t.id === id) ?? null));
  return byId(s.conversationTeamId) ?? byId(s.numberTeamId);
}

/** The team that owns the conversation: the fixed one, else (skills) the best match among the number's teams. */
function chooseTeam(s: Situation, fixed: RoutingTeam | null): { team: RoutingTeam | null; why: string | null } {
  if (fixed || s.numberStrategy !== "skills") return { team: fixed, why: null };
  const m = skillTeam(s.teams.filter((t) => s.numberTeamIds.includes(t.id)), s.contact, s.firstText);
  return { team: s.teams.find((t) => t.id === m?.teamId) ?? null, why: m?.why ?? null };
}

function waitingReason(pool: readonly Agent[]): string {
  if (!pool.length) return "no agent can take this number";
  return pool.some((a) => a.presence === "online") ? "all agents busy" : "no agent online";
}

/** "least load", "round robin in team Sales", "skills: keyword \"refund\" (team Sales), least load". */
function pickReason(rotate: boolean, team: RoutingTeam | null, why: string | null, skills: boolean): string {
  const how = rotate ? "round robin" : "least load";
  if (why && team) return `skills: ${why} (team ${team.name}), ${how}`;
  if (skills && !team) return `skills: no team matched, ${how}`;
  return team ? `${how} in team ${team.name}` : how;
}

/** Decides who gets the conversation, or why it waits in the queue. */
export function decide(s: Situation): Decision {
  const base = { strategy: s.numberStrategy };
  const allowed = s.agents.filter((a) => !s.exclude.includes(a.id) && seesNumber(a, s.numberTeamIds));
  // A fixed team (transfer or the number's team) bounds even a returning customer's agent; skills do not.
  const fixed = fixedTeam(s);
  const bounded = fixed ? allowed.filter((a) => a.teamIds.includes(fixed.id)) : allowed;
  const sticky = bounded.find((a) => a.id === s.sticky && available(a));
  const { team, why } = chooseTeam(s, fixed);
  const teamId = team?.id ?? null;
  if (sticky) {
    const stickyTeam = team && sticky.teamIds.includes(team.id) ? team.id : null;
    return { ...base, agentId: sticky.id, teamId: stickyTeam, reason: "returning customer", pick: "sticky" };
  }
  const pool = team ? allowed.filter((a) => a.teamIds.includes(team.id)) : bounded;
  const ready = pool.filter(available);
  if (!ready.length) return { ...base, agentId: null, teamId, reason: waitingReason(pool), pick: null };
  const rotate = s.numberStrategy === "round_robin" || (s.numberStrategy === "skills" && team?.strategy === "round_robin");
  const agent = rotate ? roundRobin(ready, team ? team.lastAssignedUserId : s.numberPointer) : leastLoad(ready);
  return { ...base, agentId: agent!.id, teamId, reason: pickReason(rotate, team, why, s.numberStrategy === "skills"), pick: rotate ? "round_robin" : "least_load" };
}
