// SQL of teams and their members.
import type { Db } from "../platform/db";

export interface TeamRow {
  id: number;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
  members: number;
}

const SELECT = "SELECT t.*, (SELECT count(*) FROM team_members m WHERE m.team_id = t.id) AS members FROM teams t";

export const listTeams = (db: Db) => db.query<TeamRow>(`${SELECT} ORDER BY t.name`).all();
export const getTeam = (db: Db, id: number) => db.query<TeamRow>(`${SELECT} WHERE t.id = ?`).get(id);
export const getTeamByName = (db: Db, name: string) => db.query<TeamRow>(`${SELECT} WHERE t.name = ?`).get(name);

export function insertTeam(db: Db, t: { name: string; description: string }, now: number): number {
  return Number(db.query("INSERT INTO teams (name, description, created_at, updated_at) VALUES ($name, $description, $now, $now)").run({ ...t, now }).lastInsertRowid);
}

export function updateTeam(db: Db, id: number, t: { name: string; description: string }, now: number): void {
  db.query("UPDATE teams SET name = $name, description = $description, updated_at = $now WHERE id = $id").run({ ...t, id, now });
}

export const deleteTeam = (db: Db, id: number) => db.query("DELETE FROM teams WHERE id = ?").run(id);

export interface MemberRow {
  user_id: number;
  name: string;
  email: string;
  role_key: string;
  role_name: string;
  status: string;
}

export const listMembers = (db: Db, teamId: number) =>
  db
    .query<MemberRow>(
      `SELECT u.id AS user_id, u.name, u.email, r.key AS role_key, r.name AS role_name, u.status FROM team_members m
       JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = u.role_id WHERE m.team_id = ? ORDER BY u.name`,
    )
    .all(teamId);

export const addMember = (db: Db, teamId: number, userId: number, now: number) =>
  db.query("INSERT OR IGNORE INTO team_members (team_id, user_id, added_at) VALUES (?, ?, ?)").run(teamId, userId, now);
export const removeMember = (db: Db, teamId: number, userId: number) => db.query("DELETE FROM team_members WHERE team_id = ? AND user_id = ?").run(teamId, userId);

/** Team ids a user belongs to. */
export const teamIdsOfUser = (db: Db, userId: number) =>
  db.query<{ team_id: number }>("SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id").all(userId).map((r) => r.team_id);

/** Replaces a user's team memberships. */
export function setUserTeams(db: Db, userId: number, teamIds: number[], now: number): void {
  db.query("DELETE FROM team_members WHERE user_id = ?").run(userId);
  for (const t of teamIds) addMember(db, t, userId, now);
}

/** Which of `ids` exist. */
export function existingTeamIds(db: Db, ids: number[]): number[] {
  if (!ids.length) return [];
  return db.query<{ id: number }>(`SELECT id FROM teams WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)).map((r) => r.id);
}
