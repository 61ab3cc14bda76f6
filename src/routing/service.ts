// Routing and assignment (PRODUCT.md C6): decides who handles each open conversation, keeps the waiting queue
// moving as capacity frees, hands conversations on when an agent goes offline or does not answer, and applies
// manual transfers. The rules live in decide.ts; this service gathers snapshots and writes outcomes.
import type { AuditWho } from "../audit";
import type { ConversationRow } from "../conversations";
import type { Deps } from "../deps";
import { notFound } from "../platform/errors";
import { applyOutcome } from "./apply";
import { available, decide, seesNumber, type Decision } from "./decide";
import { manualAssign, type AssignTarget } from "./manual";
import { PresenceBook, type Transition } from "./presence-book";
import type { Presence } from "./presence";
import { adjustLoad, loadRoster, situationOf, type RosterAgent, type RoutingMemory, type SituationOptions } from "./roster";
import { getActiveUser } from "./store";
import { registerRoutingTriggers } from "./triggers";

declare module "../platform/bus" {
  interface Events {
    "agent.presence": { userId: number; status: Presence };
  }
}

export interface AgentView {
  id: number;
  name: string;
  email: string;
  presence: Presence;
  capacity: number;
  open: number;
  team_ids: number[];
}

export interface RoutingService {
  /** Decides who handles a conversation that is open and unassigned (new, reopened, back from an agent): assigns it or leaves it queued, and logs the decision with its reason as a conversation event. */
  route(conversationId: number): { agentId: number | null; reason: string };
  /** Manual assignment or transfer: to an agent and/or a team, or back to the queue (agentId null); with an optional note; checks the target may see the number and is below the hard cap. */
  assign(conversationId: number, target: AssignTarget, who: AuditWho): ConversationRow;
  setPresence(userId: number, status: Presence, who: AuditWho): void;
  /** The page's explicit heartbeat (a background tab keeps it going; htmx pauses SSE in background tabs). */
  heartbeat(userId: number): void;
  presenceOf(userId: number): Presence;
  agents(): AgentView[];
  /** 1-based position in the waiting queue, or null when not waiting. */
  position(conversationId: number): number | null;
  /** Assigns waiting conversations, longest waiting first, while capacity allows. */
  drainQueue(): number;
  /** Job: agents whose page stopped beating past the grace period go offline; returns how many. */
  sweepPresence(): number;
  /** Job: conversations not answered within reassign_after_minutes go to another agent; returns how many. */
  reassignUnanswered(): number;
  /** Hands an agent's open conversations on (offline, disabled); returns how many. */
  release(userId: number, cause: string): number;
  /** A reopened or woken conversation: its agent keeps it when able, else it is routed again. */
  revisit(conversationId: number): void;
}

/** Waiting conversations looked at per pass of the queue. */
const QUEUE_BATCH = 500;

export function createRouting(d: Deps): RoutingService {
  const mem: RoutingMemory = {
    presence: new PresenceBook(d.db, () => d.settings.get("presence_grace_seconds") * 1000),
    lastAssigned: new Map(),
    numberPointers: new Map(),
  };
  const roster = () => loadRoster(d, mem);
  let draining = false;
  let drainAgain = false;

  /** Decides for `c` over `agents` and writes it; `cause` names why it moved (offline, unanswered). */
  function settle(c: ConversationRow, agents: RosterAgent[], o: SituationOptions & { cause?: string; quietIfWaiting?: boolean; keepIfNobody?: boolean }): Decision | null {
    const dec = decide(situationOf(d, mem, c, agents, o));
    if (dec.agentId === null && o.keepIfNobody) return null;
    // Passes over the queue re-decide waiting conversations; one that still waits for the same team adds nothing.
    if (dec.agentId === null && c.assignee_id === null && o.quietIfWaiting && dec.teamId === c.team_id) return dec;
    const kind = dec.agentId === null ? "queued" : c.assignee_id !== null && c.assignee_id !== dec.agentId ? "transferred" : "assigned";
    const reason = !o.cause ? dec.reason : dec.agentId === null ? `${o.cause}; ${dec.reason}` : o.cause;
    const rotated = dec.pick === "round_robin" ? { teamId: dec.teamId } : null;
    applyOutcome(d, mem, c, { agentId: dec.agentId, teamId: dec.teamId, kind, reason, rotated, detail: { strategy: dec.strategy, pick: dec.pick, ...(o.cause ? { decision: dec.reason } : {}) } }, "system");
    adjustLoad(agents, c.assignee_id, -1);
    adjustLoad(agents, dec.agentId, 1);
    return dec;
  }

  function afterTransition(t: Transition): void {
    if (t.from !== t.to) d.bus.emit("agent.presence", { userId: t.userId, status: t.to });
    if (t.wentOffline) svc.release(t.userId, "agent went offline");
    if (t.to === "online" && t.from !== "online") svc.drainQueue();
  }

  const svc: RoutingService = {
    route(id) {
      const c = d.conversations.get(id);
      if (!c || c.status !== "open") return { agentId: c?.assignee_id ?? null, reason: "not open" };
      if (c.assignee_id !== null) return { agentId: c.assignee_id, reason: "already assigned" };
      const dec = settle(c, roster(), {})!;
      return { agentId: dec.agentId, reason: dec.reason };
    },

    assign: (id, target, who) => manualAssign(d, mem, roster(), id, target, who, (c, exclude) => void settle(c, roster(), { exclude })),

    setPresence(userId, status, who) {
      if (!getActiveUser(d.db, userId)) throw notFound("No such agent.");
      const t = mem.presence.set(userId, status, who.actor?.label ?? who.label ?? "system", d.clock.now());
      if (who.actor?.userId !== userId) d.audit.record(who, { action: "agents.presence", target: { kind: "user", id: userId }, details: { status } });
      afterTransition(t);
    },

    heartbeat(userId) {
      const t = mem.presence.beat(userId, d.clock.now());
      if (t) afterTransition(t);
    },

    presenceOf: (userId) => mem.presence.of(userId, d.clock.now()),

    agents: () => roster().map((a) => ({ id: a.id, name: a.name, email: a.email, presence: a.presence, capacity: a.capacity, open: a.open, team_ids: [...a.teamIds] })),

    position(id) {
      const c = d.conversations.get(id);
      if (!c || c.status !== "open" || c.assignee_id !== null || c.waiting_since === null) return null;
      return d.conversations.queuePosition(id) || null;
    },

    drainQueue() {
      // A decision emits events whose subscribers may free capacity again: finish this pass, then run another.
      if (draining) {
        drainAgain = true;
        return 0;
      }
      draining = true;
      let assigned = 0;
      try {
        for (let pass = 0; pass < 3; pass++) {
          drainAgain = false;
          const agents = roster();
          const served = new Map<number, number[]>();
          const teamsOf = (numberId: number) => served.get(numberId) ?? served.set(numberId, d.numbers.teamIds(numberId)).get(numberId)!;
          for (const c of agents.some(available) ? d.conversations.queue(QUEUE_BATCH) : []) {
            const free = agents.filter(available);
            if (!free.length) break;
            // Skip cheaply what none of the free agents may take (another number's team has the free places).
            if (!free.some((a) => seesNumber(a, teamsOf(c.number_id)))) continue;
            if (settle(c, agents, { quietIfWaiting: true })?.agentId) assigned++;
          }
          if (!drainAgain) break;
        }
      } finally {
        draining = false;
      }
      return assigned;
    },

    sweepPresence() {
      const ts = mem.presence.sweep(d.clock.now());
      for (const t of ts) afterTransition(t);
      return ts.length;
    },

    reassignUnanswered() {
      const minutes = d.settings.get("reassign_after_minutes");
      if (!minutes) return 0;
      const agents = roster();
      let moved = 0;
      for (const c of d.conversations.unansweredSince(d.clock.now() - minutes * 60_000)) {
        // Nobody else free: the conversation stays with its agent rather than wait in the queue for nobody.
        const dec = settle(c, agents, { exclude: [c.assignee_id!], cause: `not answered within ${minutes} minutes`, keepIfNobody: true });
        if (dec) moved++;
      }
      return moved;
    },

    release(userId, cause) {
      const agents = roster();
      const open = d.conversations.openOf(userId);
      for (const c of open) settle(c, agents, { exclude: [userId], cause });
      return open.length;
    },

    revisit(id) {
      const c = d.conversations.get(id);
      if (!c || c.status !== "open") return;
      if (c.assignee_id === null) return void svc.route(id);
      // Its agent is a returning customer's best match; the decision says whether they can take it now. An agent
      // who is only away keeps it when nobody else is free; an offline one cannot answer, so it waits in the queue.
      const dec = decide(situationOf(d, mem, c, roster(), { sticky: c.assignee_id }));
      if (dec.agentId === c.assignee_id) return;
      const away = svc.presenceOf(c.assignee_id) !== "offline";
      settle(c, roster(), { exclude: [c.assignee_id], cause: "agent unavailable", keepIfNobody: away });
    },
  };
  registerRoutingTriggers(d, svc);
  return svc;
}
