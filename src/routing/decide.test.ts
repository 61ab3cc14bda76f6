import { describe, expect, test } from "bun:test";
import { decide, type Agent, type RoutingTeam, type Situation } from "./decide";

const agent = (id: number, a: Partial<Agent> = {}): Agent => ({ id, presence: "online", capacity: 2, open: 0, teamIds: [10], readAll: false, lastAssignedAt: null, ...a });
const team = (id: number, t: Partial<RoutingTeam> = {}): RoutingTeam => ({ id, name: `Team ${id}`, strategy: "least_load", lastAssignedUserId: null, languages: [], keywords: [], tags: [], ...t });
const situation = (s: Partial<Situation> = {}): Situation => ({
  agents: [agent(1), agent(2), agent(3)],
  numberTeamIds: [10],
  numberStrategy: "least_load",
  numberTeamId: null,
  conversationTeamId: null,
  teams: [team(10), team(20), team(30)],
  contact: { language: "en", tags: [] },
  firstText: "hello",
  sticky: null,
  exclude: [],
  numberPointer: null,
  ...s,
});

describe("who can take a conversation", () => {
  test("only agents who see the number: their team serves it, or they see every number", () => {
    const s = situation({ agents: [agent(1, { teamIds: [20] }), agent(2, { teamIds: [], readAll: true, open: 1 })] });
    expect(decide(s).agentId).toBe(2);
    expect(decide(situation({ agents: [agent(1, { teamIds: [20] })] }))).toMatchObject({ agentId: null, reason: "no agent can take this number" });
  });

  test("only online agents below capacity", () => {
    const s = situation({ agents: [agent(1, { presence: "away" }), agent(2, { open: 2 }), agent(3, { presence: "offline" }), agent(4, { open: 1 })] });
    expect(decide(s)).toMatchObject({ agentId: 4, reason: "least load", pick: "least_load" });
  });

  test("nobody online, or everyone full: the conversation waits, saying why", () => {
    expect(decide(situation({ agents: [agent(1, { presence: "away" }), agent(2, { presence: "offline" })] }))).toMatchObject({ agentId: null, reason: "no agent online", pick: null });
    expect(decide(situation({ agents: [agent(1, { open: 2 }), agent(2, { capacity: 0 })] }))).toMatchObject({ agentId: null, reason: "all agents busy" });
  });

  test("excluded agents (the one who did not answer) never get it", () => {
    expect(decide(situation({ exclude: [1, 2] })).agentId).toBe(3);
    expect(decide(situation({ agents: [agent(1)], exclude: [1] })).agentId).toBeNull();
  });
});

describe("strategies", () => {
  test("least load: fewest open, then longest since the last assignment", () => {
    const s = situation({ agents: [agent(1, { open: 1 }), agent(2, { open: 0, lastAssignedAt: 500 }), agent(3, { open: 0, lastAssignedAt: 100 })] });
    expect(decide(s).agentId).toBe(3);
  });

  test("round robin outside teams rotates on the number's pointer", () => {
    const s = situation({ numberStrategy: "round_robin" });
    expect(decide(s)).toMatchObject({ agentId: 1, reason: "round robin", pick: "round_robin" });
    expect(decide({ ...s, numberPointer: 1 }).agentId).toBe(2);
    expect(decide({ ...s, numberPointer: 3 }).agentId).toBe(1);
  });

  test("round robin skips agents who are full", () => {
    const s = situation({ numberStrategy: "round_robin", numberPointer: 1, agents: [agent(1), agent(2, { open: 2 }), agent(3)] });
    expect(decide(s).agentId).toBe(3);
  });

  test("the number's team: only its members, rotating on the team's pointer", () => {
    const agents = [agent(1, { teamIds: [10] }), agent(2, { teamIds: [10, 20] }), agent(3, { teamIds: [10, 20] })];
    const s = situation({ agents, numberTeamIds: [10, 20], numberTeamId: 20, numberStrategy: "round_robin", teams: [team(10), team(20, { lastAssignedUserId: 2 })] });
    expect(decide(s)).toMatchObject({ agentId: 3, teamId: 20, reason: "round robin in team Team 20" });
    expect(decide({ ...s, agents: [agent(1, { teamIds: [10] })] })).toMatchObject({ agentId: null, teamId: 20 });
  });

  test("a conversation transferred to a team stays within it", () => {
    const agents = [agent(1, { teamIds: [10] }), agent(2, { teamIds: [10, 20], open: 1 })];
    expect(decide(situation({ agents, numberTeamIds: [10, 20], conversationTeamId: 20 }))).toMatchObject({ agentId: 2, teamId: 20 });
  });
});

describe("skills", () => {
  const agents = [agent(1, { teamIds: [10] }), agent(2, { teamIds: [20] }), agent(3, { teamIds: [30] }), agent(4, { teamIds: [30], open: 1 })];
  const teams = [team(10), team(20, { languages: ["it"] }), team(30, { keywords: ["refund"], tags: ["vip"], strategy: "round_robin", lastAssignedUserId: 3 })];
  const s = situation({ agents, teams, numberTeamIds: [10, 20, 30], numberStrategy: "skills" });

  test("by the contact's language", () => {
    expect(decide({ ...s, contact: { language: "it", tags: [] } })).toMatchObject({ agentId: 2, teamId: 20, strategy: "skills", reason: "skills: language it (team Team 20), least load" });
  });

  test("by a keyword in the first message, then the team's own strategy", () => {
    expect(decide({ ...s, firstText: "I want a Refund" })).toMatchObject({ agentId: 4, teamId: 30, pick: "round_robin" });
  });

  test("by a tag", () => {
    expect(decide({ ...s, contact: { language: "en", tags: ["VIP"] } }).teamId).toBe(30);
  });

  test("the number's own team comes before skills", () => {
    expect(decide({ ...s, numberTeamId: 10, contact: { language: "it", tags: [] } })).toMatchObject({ agentId: 1, teamId: 10 });
  });

  test("only teams serving the number can claim it; no match falls back to everyone", () => {
    expect(decide({ ...s, numberTeamIds: [10, 30], contact: { language: "it", tags: [] } })).toMatchObject({ agentId: 1, teamId: null, reason: "skills: no team matched, least load" });
  });

  test("a matched team with nobody free keeps the conversation waiting for that team", () => {
    expect(decide({ ...s, agents: [agent(1, { teamIds: [10] }), agent(2, { teamIds: [20], presence: "away" })], contact: { language: "it", tags: [] } })).toMatchObject({ agentId: null, teamId: 20, reason: "no agent online" });
  });
});

describe("returning customers", () => {
  test("go back to their previous agent when that agent is available, whatever the strategy", () => {
    expect(decide(situation({ sticky: 3, agents: [agent(1), agent(2), agent(3, { open: 1 })] }))).toMatchObject({ agentId: 3, reason: "returning customer", pick: "sticky" });
    expect(decide(situation({ sticky: 3, numberStrategy: "round_robin" })).agentId).toBe(3);
  });

  test("not when that agent is offline, away, full, excluded or outside the number's team", () => {
    for (const a of [{ presence: "offline" as const }, { presence: "away" as const }, { open: 2 }]) {
      expect(decide(situation({ sticky: 3, agents: [agent(1), agent(3, a)] })).agentId).toBe(1);
    }
    expect(decide(situation({ sticky: 3, exclude: [3] })).agentId).toBe(1);
    const teamed = situation({ sticky: 3, numberTeamIds: [10, 20], numberTeamId: 20, agents: [agent(1, { teamIds: [20] }), agent(3, { teamIds: [10] })] });
    expect(decide(teamed).agentId).toBe(1);
  });

  test("a returning customer's agent wins over a skills match", () => {
    const s = situation({ sticky: 1, numberStrategy: "skills", numberTeamIds: [10, 20], teams: [team(10), team(20, { languages: ["it"] })], contact: { language: "it", tags: [] }, agents: [agent(1, { teamIds: [10] }), agent(2, { teamIds: [20] })] });
    expect(decide(s)).toMatchObject({ agentId: 1, teamId: null, reason: "returning customer" });
  });
});
