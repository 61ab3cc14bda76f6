// Routing settings per number (strategy, team) and per team (strategy, skills), validated and audited. The
// routing columns of numbers and teams belong to routing (migration 0006); the rest of those rows does not.
import type { AuditWho } from "../audit";
import type { Deps } from "../deps";
import { invalid, notFound, type FieldError } from "../platform/errors";
import { toRoutingTeam } from "./roster";
import { parseList } from "./skills";
import { asStrategy, STRATEGIES, TEAM_STRATEGIES, type Strategy } from "./strategy";
import { getNumberRouting, getTeamRouting, listNumberRouting, listTeamRouting, setNumberRouting, setTeamRouting } from "./store";

export interface NumberRouting {
  id: number;
  name: string;
  display_phone_number: string;
  strategy: Strategy;
  team_id: number | null;
  /** Teams serving the number (the only ones it may route to). */
  team_ids: number[];
}

export interface TeamRouting {
  id: number;
  name: string;
  strategy: Strategy;
  languages: string[];
  keywords: string[];
  tags: string[];
}

export function numberRouting(d: Deps, id: number): NumberRouting | null {
  const n = getNumberRouting(d.db, id);
  return n ? { id: n.id, name: n.name, display_phone_number: n.display_phone_number, strategy: asStrategy(n.routing_strategy), team_id: n.routing_team_id, team_ids: d.numbers.teamIds(n.id) } : null;
}

export const numbersRouting = (d: Deps) => listNumberRouting(d.db).map((n) => numberRouting(d, n.id)!);

export function teamRouting(d: Deps, id: number): TeamRouting | null {
  const t = getTeamRouting(d.db, id);
  if (!t) return null;
  const r = toRoutingTeam(t);
  return { id: r.id, name: r.name, strategy: r.strategy, languages: [...r.languages], keywords: [...r.keywords], tags: [...r.tags] };
}

export const teamsRouting = (d: Deps) => listTeamRouting(d.db).map((t) => teamRouting(d, t.id)!);

/** Sets how a number routes; the team must serve the number, or its agents could not see the conversations. */
export function configureNumber(d: Deps, id: number, input: { strategy?: string; team_id?: number | null }, who: AuditWho): NumberRouting {
  const n = numberRouting(d, id);
  if (!n) throw notFound("No such number.");
  const errors: FieldError[] = [];
  const strategy = input.strategy ?? n.strategy;
  if (!(STRATEGIES as readonly string[]).includes(strategy)) errors.push({ field: "strategy", message: `must be one of ${STRATEGIES.join(", ")}` });
  const teamId = input.team_id !== undefined ? input.team_id : n.team_id;
  if (teamId !== null && !n.team_ids.includes(teamId)) errors.push({ field: "team_id", message: "must be a team that serves this number (set the number's teams first)" });
  if (errors.length) throw invalid(errors);
  d.db.tx(() => {
    setNumberRouting(d.db, id, { routing_strategy: strategy, routing_team_id: teamId }, d.clock.now());
    d.audit.record(who, { action: "routing.number", target: { kind: "number", id, label: n.name }, details: { strategy, team_id: teamId } });
  });
  d.routing.drainQueue();
  return numberRouting(d, id)!;
}

export interface TeamRoutingInput {
  strategy?: string;
  languages?: string[];
  keywords?: string[];
  tags?: string[];
}

/** Sets how a team shares its work and what it claims by skills. */
export function configureTeam(d: Deps, id: number, input: TeamRoutingInput, who: AuditWho): TeamRouting {
  const t = teamRouting(d, id);
  if (!t) throw notFound("No such team.");
  const errors: FieldError[] = [];
  const strategy = input.strategy ?? t.strategy;
  if (!(TEAM_STRATEGIES as readonly string[]).includes(strategy)) errors.push({ field: "strategy", message: `must be one of ${TEAM_STRATEGIES.join(", ")}` });
  const clean = (field: string, v: string[] | undefined, old: string[]) => {
    const out = v === undefined ? old : parseList(v.join(","));
    if (out.some((x) => x.length > 60)) errors.push({ field, message: "each entry must be at most 60 characters" });
    return out;
  };
  const languages = clean("languages", input.languages, t.languages);
  const keywords = clean("keywords", input.keywords, t.keywords);
  const tags = clean("tags", input.tags, t.tags);
  if (errors.length) throw invalid(errors);
  d.db.tx(() => {
    setTeamRouting(d.db, id, { routing_strategy: strategy, skill_languages: JSON.stringify(languages), skill_keywords: JSON.stringify(keywords), skill_tags: JSON.stringify(tags) }, d.clock.now());
    d.audit.record(who, { action: "routing.team", target: { kind: "team", id, label: t.name }, details: { strategy, languages, keywords, tags } });
  });
  return teamRouting(d, id)!;
}
