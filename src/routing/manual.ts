// Manual assignment and transfer (PRODUCT.md C6 "manual transfer"): to an agent, to a team, or back to the
// queue. A person may override the automatic rules (an agent above their own capacity, one who is away), but
// never the visibility of numbers or the workspace's hard cap.
import type { AuditWho } from "../audit";
import type { ConversationRow } from "../conversations";
import type { Deps } from "../deps";
import { AppError, conflict, invalid, notFound } from "../platform/errors";
import { applyOutcome } from "./apply";
import { seesNumber } from "./decide";
import type { RosterAgent, RoutingMemory } from "./roster";

export interface AssignTarget {
  /** An agent; null sends the conversation back to the queue. */
  agentId?: number | null;
  /** A team; null clears the conversation's team. */
  teamId?: number | null;
  note?: string;
}

const NOTE_MAX = 500;

/** 422 for a target that cannot take the conversation at all. */
const refuse = (code: string, message: string) => new AppError(422, code, message);

function checkTeam(d: Deps, c: ConversationRow, teamId: number): void {
  const team = d.teams.get(teamId);
  if (!team) throw refuse("unknown_team", "team_id: no such team.");
  if (!d.numbers.teamIds(c.number_id).includes(teamId)) {
    throw refuse("not_allowed", `The team ${team.name} does not serve this conversation's number; add it to the number first.`);
  }
}

function checkAgent(d: Deps, c: ConversationRow, agent: RosterAgent | undefined): RosterAgent {
  if (!agent) throw refuse("agent_unavailable", "agent_id: no active user who can reply to conversations has this id.");
  if (!seesNumber(agent, d.numbers.teamIds(c.number_id))) {
    throw refuse("not_allowed", `${agent.name} cannot see this conversation's number: none of their teams serves it.`);
  }
  const max = d.settings.get("max_capacity");
  const load = agent.open - (c.assignee_id === agent.id && c.status === "open" ? 1 : 0);
  if (load >= max) throw conflict("over_capacity", `${agent.name} already has ${load} open conversations, the workspace's hard cap (${max}).`);
  return agent;
}

/**
 * Applies a manual target. `reroute` runs the automatic rules again for a conversation sent to a team or back
 * to the queue (excluding the agent who gave it up), so it reaches someone available at once when possible.
 */
export function manualAssign(
  d: Deps,
  mem: RoutingMemory,
  roster: RosterAgent[],
  id: number,
  target: AssignTarget,
  who: AuditWho,
  reroute: (c: ConversationRow, exclude: number[]) => void,
): ConversationRow {
  const c = d.conversations.get(id);
  if (!c) throw notFound("No such conversation.");
  if (c.status === "resolved") throw conflict("conversation_resolved", "This conversation is resolved; reopen it before assigning it.");
  if (target.agentId === undefined && target.teamId === undefined) throw invalid([{ field: "agent_id", message: "give agent_id, team_id, or agent_id null to send it back to the queue" }]);
  const note = target.note?.trim() || undefined;
  if (note && note.length > NOTE_MAX) throw invalid([{ field: "note", message: `must be at most ${NOTE_MAX} characters` }]);
  if (target.teamId !== undefined && target.teamId !== null) checkTeam(d, c, target.teamId);
  const detail = { strategy: "manual", ...(note ? { note } : {}) };

  if (target.agentId !== undefined && target.agentId !== null) {
    const agent = checkAgent(d, c, roster.find((a) => a.id === target.agentId));
    const keepTeam = c.team_id !== null && agent.teamIds.includes(c.team_id) ? c.team_id : null;
    const teamId = target.teamId !== undefined ? target.teamId : keepTeam;
    if (c.assignee_id === agent.id && teamId === c.team_id && !note) return c;
    const kind = c.assignee_id === null || c.assignee_id === agent.id ? "assigned" : "transferred";
    applyOutcome(d, mem, c, { agentId: agent.id, teamId, kind, reason: "manual", detail }, who);
    d.audit.record(who, { action: "conversations.assign", target: { kind: "conversation", id: c.id }, details: { agent_id: agent.id, team_id: teamId, from_agent_id: c.assignee_id } });
    return d.conversations.get(id)!;
  }

  // To a team and/or back to the queue: recorded as the person's decision, then routed by the rules.
  const teamId = target.teamId !== undefined ? target.teamId : c.team_id;
  const kind = target.teamId !== undefined && target.teamId !== null ? "transferred" : "unassigned";
  // A waiting conversation sent "back to the queue" only asks the rules again; anything else is a change to record.
  if (c.assignee_id !== null || teamId !== c.team_id || note) {
    applyOutcome(d, mem, c, { agentId: null, teamId, kind, reason: "manual", detail }, who);
    d.audit.record(who, { action: "conversations.assign", target: { kind: "conversation", id: c.id }, details: { agent_id: null, team_id: teamId, from_agent_id: c.assignee_id } });
  }
  const now = d.conversations.get(id)!;
  if (now.status === "open") reroute(now, c.assignee_id !== null ? [c.assignee_id] : []);
  return d.conversations.get(id)!;
}
