// Writing a routing outcome: the assignment, its timeline event with the reason, the round-robin pointer, then
// (after the commit) the bus event and the agent's notification. Shared by automatic and manual decisions.
import type { AuditWho } from "../audit";
import type { ConversationRow, Emit } from "../conversations";
import type { Deps } from "../deps";
import type { RoutingMemory } from "./roster";
import { setTeamPointer } from "./store";

declare module "../platform/bus" {
  interface Events {
    /** Who handles a conversation now; agentId null means it waits in the queue. */
    "conversation.assigned": { conversationId: number; agentId: number | null; teamId: number | null; reason: string; previousAgentId: number | null };
  }
}

/** The notifications capability, when present (built alongside routing; optional so either can land first). */
interface Notifier {
  push(n: { userId: number; kind: "assigned" | "mention" | "transferred"; conversationId: number | null; noteId?: number | null; actorLabel: string }): void;
}

export interface Outcome {
  agentId: number | null;
  teamId: number | null;
  /** assigned | transferred | queued | unassigned */
  kind: string;
  reason: string;
  /** Extra timeline detail: strategy, pick, note, position... */
  detail?: Record<string, unknown>;
  /** Moves the rotation pointer of this team, or of the number when null. */
  rotated?: { teamId: number | null } | null;
}

const label = (who: AuditWho | "system") => (who === "system" ? "system" : (who.actor?.label ?? who.label ?? "system"));

/** Commits `o` for conversation `c`, then tells the bus and the new agent. */
export function applyOutcome(d: Deps, mem: RoutingMemory, c: ConversationRow, o: Outcome, who: AuditWho | "system"): void {
  const emits: Emit[] = [];
  d.db.tx(() => {
    d.conversations.setAssignment(c.id, { assigneeId: o.agentId, teamId: o.teamId });
    // No queue position here: counting the queue on every decision grows with the queue (a backlog of 100k
    // would make each new conversation slower); pages ask for the positions of the rows they show.
    const from = c.assignee_id !== null && c.assignee_id !== o.agentId ? { from_agent_id: c.assignee_id } : {};
    d.conversations.addEvent(c.id, o.kind, who, { agent_id: o.agentId, team_id: o.teamId, reason: o.reason, ...from, ...o.detail }, emits);
    if (o.rotated && o.agentId !== null) {
      if (o.rotated.teamId !== null) setTeamPointer(d.db, o.rotated.teamId, o.agentId);
      else mem.numberPointers.set(c.number_id, o.agentId);
    }
  });
  for (const e of emits) e();
  if (o.agentId !== null) mem.lastAssigned.set(o.agentId, d.clock.now());
  d.bus.emit("conversation.assigned", { conversationId: c.id, agentId: o.agentId, teamId: o.teamId, reason: o.reason, previousAgentId: c.assignee_id });
  const self = who !== "system" && who.actor?.userId === o.agentId;
  if (o.agentId !== null && o.agentId !== c.assignee_id && !self) notify(d, o.agentId, o.kind === "transferred" ? "transferred" : "assigned", c.id, label(who));
}

function notify(d: Deps, userId: number, kind: "assigned" | "transferred", conversationId: number, actorLabel: string): void {
  const notifications = (d as unknown as { notifications?: Notifier }).notifications;
  try {
    notifications?.push({ userId, kind, conversationId, actorLabel });
  } catch (err) {
    // A notification is a courtesy: the assignment stands without it.
    d.log.warn("assignment notification failed", { userId, conversationId, err });
  }
}
