// Teams group agents (and, once numbers exist, the numbers they serve).
import type { AuditService, AuditWho } from "../audit";
import type { Platform } from "../deps";
import { conflict, invalid, notFound, type FieldError } from "../platform/errors";
import { addMember, deleteTeam, existingTeamIds, getTeam, getTeamByName, insertTeam, listMembers, listTeams, removeMember, setUserTeams, teamIdsOfUser, updateTeam, type MemberRow, type TeamRow } from "./store";

export interface TeamInput {
  name: string;
  description?: string;
}

export interface TeamsService {
  list(): TeamRow[];
  get(id: number): TeamRow | null;
  members(id: number): MemberRow[];
  create(input: TeamInput, who: AuditWho): TeamRow;
  update(id: number, input: TeamInput, who: AuditWho): TeamRow;
  remove(id: number, who: AuditWho): void;
  addMember(id: number, userId: number, who: AuditWho): void;
  removeMember(id: number, userId: number, who: AuditWho): void;
  teamIdsOf(userId: number): number[];
  /** Replaces a user's memberships (inside the caller's transaction). */
  setUserTeams(userId: number, teamIds: number[]): void;
  /** The ids among `ids` that are not teams (for validation). */
  unknownIds(ids: number[]): number[];
}

function check(input: TeamInput): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.name?.trim() ?? "";
  if (name.length < 2 || name.length > 60) errors.push({ field: "name", message: "must be 2 to 60 characters" });
  if ((input.description ?? "").length > 300) errors.push({ field: "description", message: "must be at most 300 characters" });
  return errors;
}

export function createTeams(p: Platform, audit: AuditService): TeamsService {
  const need = (id: number) => {
    const t = getTeam(p.db, id);
    if (!t) throw notFound("No such team.");
    return t;
  };
  const uniqueName = (name: string, exceptId = 0) => {
    const other = getTeamByName(p.db, name);
    if (other && other.id !== exceptId) throw conflict("team_exists", `A team named ${name} already exists.`);
  };
  return {
    list: () => listTeams(p.db),
    get: (id) => getTeam(p.db, id),
    members: (id) => listMembers(p.db, id),
    create(input, who) {
      const errors = check(input);
      if (errors.length) throw invalid(errors);
      const name = input.name.trim();
      uniqueName(name);
      const id = p.db.tx(() => {
        const id = insertTeam(p.db, { name, description: input.description?.trim() ?? "" }, p.clock.now());
        audit.record(who, { action: "teams.create", target: { kind: "team", id, label: name } });
        return id;
      });
      return getTeam(p.db, id)!;
    },
    update(id, input, who) {
      need(id);
      const errors = check(input);
      if (errors.length) throw invalid(errors);
      const name = input.name.trim();
      uniqueName(name, id);
      p.db.tx(() => {
        updateTeam(p.db, id, { name, description: input.description?.trim() ?? "" }, p.clock.now());
        audit.record(who, { action: "teams.update", target: { kind: "team", id, label: name } });
      });
      return getTeam(p.db, id)!;
    },
    remove(id, who) {
      const t = need(id);
      p.db.tx(() => {
        deleteTeam(p.db, id);
        audit.record(who, { action: "teams.delete", target: { kind: "team", id, label: t.name } });
      });
    },
    addMember(id, userId, who) {
      const t = need(id);
      p.db.tx(() => {
        addMember(p.db, id, userId, p.clock.now());
        audit.record(who, { action: "teams.add_member", target: { kind: "team", id, label: t.name }, details: { user_id: userId } });
      });
    },
    removeMember(id, userId, who) {
      const t = need(id);
      p.db.tx(() => {
        removeMember(p.db, id, userId);
        audit.record(who, { action: "teams.remove_member", target: { kind: "team", id, label: t.name }, details: { user_id: userId } });
      });
    },
    teamIdsOf: (userId) => teamIdsOfUser(p.db, userId),
    setUserTeams: (userId, teamIds) => setUserTeams(p.db, userId, teamIds, p.clock.now()),
    unknownIds(ids) {
      const found = new Set(existingTeamIds(p.db, ids));
      return ids.filter((i) => !found.has(i));
    },
  };
}
