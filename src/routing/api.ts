// Routing through the API (PRODUCT.md "API core"): assign or transfer a conversation, list agents with presence
// and load, set presence, and read or change how numbers and teams route.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, PermissionDenied, type Ctx } from "../platform/http";
import { notFound } from "../platform/errors";
import { canSee, conversationJson, ConversationJson } from "../conversations/routes";
// The conversation's API shape needs its joined view row, which conversations/index.ts does not export.
import { getConversationView } from "../conversations/store";
import type { AgentView } from "./service";
import { configureNumber, configureTeam, numbersRouting, teamsRouting, type NumberRouting, type TeamRouting } from "./config";
import { STRATEGIES, TEAM_STRATEGIES } from "./strategy";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const IdRef = Type.Union([Type.String({ pattern: "^\\d+$" }), Type.Integer({ minimum: 1 })]);
const Nullable = <T extends import("@sinclair/typebox").TSchema>(t: T, description?: string) => Type.Union([t, Type.Null()], description ? { description } : {});
const PresenceStatus = Type.Union([Type.Literal("online"), Type.Literal("away"), Type.Literal("offline")]);
const Words = Type.Array(Type.String({ maxLength: 60 }), { maxItems: 50 });
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });
const idOf = (v: string | number | null | undefined) => (v === undefined || v === null ? v : Number(v));

export const AgentJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  presence: PresenceStatus,
  capacity: Type.Integer({ description: "Open conversations the agent takes at once (own setting or the workspace default, never above the hard cap)" }),
  open_conversations: Type.Integer(),
  team_ids: Type.Array(Type.String()),
});
const NumberRoutingJson = Type.Object({ id: Type.String(), name: Type.String(), strategy: Type.String(), team_id: Nullable(Type.String()), team_ids: Type.Array(Type.String()) });
const TeamRoutingJson = Type.Object({ id: Type.String(), name: Type.String(), strategy: Type.String(), languages: Words, keywords: Words, tags: Words });

export const agentJson = (a: AgentView) => ({ id: String(a.id), name: a.name, email: a.email, presence: a.presence, capacity: a.capacity, open_conversations: a.open, team_ids: a.team_ids.map(String) });
const numberJson = (n: NumberRouting) => ({ id: String(n.id), name: n.name, strategy: n.strategy, team_id: n.team_id === null ? null : String(n.team_id), team_ids: n.team_ids.map(String) });
const teamJson = (t: TeamRouting) => ({ id: String(t.id), name: t.name, strategy: t.strategy, languages: t.languages, keywords: t.keywords, tags: t.tags });

export function routingApi(d: Deps) {
  const agent = (id: number) => {
    const a = d.routing.agents().find((x) => x.id === id);
    if (!a) throw notFound("No such agent: an active user whose role can reply to conversations.");
    return a;
  };
  return [
    route({
      method: "POST",
      path: "/api/v1/conversations/:id/assign",
      access: "conversations:assign",
      tag: "Conversations",
      summary: "Assign or transfer a conversation",
      description: "To an agent (agent_id), a team (team_id; the rules then pick an agent of that team), or back to the queue (agent_id null). 422 agent_unavailable, not_allowed (cannot see the number), unknown_team; 409 over_capacity (the workspace's hard cap), conversation_resolved.",
      params: Id,
      body: Type.Object(
        { agent_id: Type.Optional(Nullable(IdRef, "An agent, or null for the queue")), team_id: Type.Optional(Nullable(IdRef, "A team serving the number, or null to clear it")), note: Type.Optional(Type.String({ maxLength: 500 })) },
        { additionalProperties: false },
      ),
      response: Type.Object({ data: ConversationJson }),
      handler: (c) => {
        const conv = d.conversations.get(c.params.id);
        if (!conv || !canSee(d, c.user(), conv)) throw notFound("No such conversation.");
        d.routing.assign(conv.id, { agentId: idOf(c.body.agent_id), teamId: idOf(c.body.team_id), note: c.body.note }, who(c));
        return { data: conversationJson(getConversationView(d.db, conv.id)!) };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/agents",
      access: "conversations:read",
      tag: "Routing",
      summary: "Agents with presence, capacity and open conversations",
      response: Type.Object({ data: Type.Array(AgentJson), next_cursor: Type.Null() }),
      handler: () => ({ data: d.routing.agents().map(agentJson), next_cursor: null }),
    }),
    route({
      method: "POST",
      path: "/api/v1/agents/:id/presence",
      access: "signed-in",
      tag: "Routing",
      summary: "Set an agent's presence",
      description: "An agent sets their own; anyone else needs agents:presence_any. Presence set here holds until changed; an inbox page that keeps beating turns it offline after the grace period once it stops.",
      params: Id,
      body: Type.Object({ status: PresenceStatus }, { additionalProperties: false }),
      response: Type.Object({ data: AgentJson }),
      handler: (c) => {
        const a = c.user();
        if (a.userId !== c.params.id && !c.can("agents:presence_any")) throw new PermissionDenied("agents:presence_any", "Only the agent themselves, or a role with agents:presence_any, can set this agent's presence.");
        agent(c.params.id);
        d.routing.setPresence(c.params.id, c.body.status, who(c));
        return { data: agentJson(agent(c.params.id)) };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/routing",
      access: "settings:read",
      tag: "Routing",
      summary: "How each number and team routes",
      response: Type.Object({ data: Type.Object({ numbers: Type.Array(NumberRoutingJson), teams: Type.Array(TeamRoutingJson) }) }),
      handler: () => ({ data: { numbers: numbersRouting(d).map(numberJson), teams: teamsRouting(d).map(teamJson) } }),
    }),
    route({
      method: "PATCH",
      path: "/api/v1/routing/numbers/:id",
      access: "numbers:manage",
      tag: "Routing",
      summary: "Set a number's routing strategy and team",
      params: Id,
      body: Type.Object({ strategy: Type.Optional(Type.Union(STRATEGIES.map((s) => Type.Literal(s)))), team_id: Type.Optional(Nullable(IdRef)) }, { additionalProperties: false }),
      response: Type.Object({ data: NumberRoutingJson }),
      handler: (c) => ({ data: numberJson(configureNumber(d, c.params.id, { strategy: c.body.strategy, team_id: idOf(c.body.team_id) }, who(c))) }),
    }),
    route({
      method: "PATCH",
      path: "/api/v1/routing/teams/:id",
      access: "teams:manage",
      tag: "Routing",
      summary: "Set a team's routing strategy and skills",
      params: Id,
      body: Type.Object(
        { strategy: Type.Optional(Type.Union(TEAM_STRATEGIES.map((s) => Type.Literal(s)))), languages: Type.Optional(Words), keywords: Type.Optional(Words), tags: Type.Optional(Words) },
        { additionalProperties: false },
      ),
      response: Type.Object({ data: TeamRoutingJson }),
      handler: (c) => ({ data: teamJson(configureTeam(d, c.params.id, c.body, who(c))) }),
    }),
  ];
}
