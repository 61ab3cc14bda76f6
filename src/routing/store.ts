// SQL of routing: agents' presence, the routing columns of numbers and teams (migration 0006 gave them to
// routing), and the few reads a decision needs beyond other modules' services.
import type { Db } from "../platform/db";
import type { PresenceRow } from "./presence";

export const listPresence = (db: Db) => db.query<PresenceRow>("SELECT * FROM agent_presence").all();

export function upsertPresence(db: Db, r: PresenceRow): void {
  db.query(
    `INSERT INTO agent_presence (user_id, status, heartbeat_at, changed_at, changed_by) VALUES ($user_id, $status, $heartbeat_at, $changed_at, $changed_by)
     ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, heartbeat_at = excluded.heartbeat_at, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
  ).run({ ...r });
}

export const writeHeartbeat = (db: Db, userId: number, at: number) => db.query("UPDATE agent_presence SET heartbeat_at = ? WHERE user_id = ?").run(at, userId);

export interface AgentUserRow {
  id: number;
  name: string;
  email: string;
  role_id: number;
  capacity: number | null;
}

/** Active users (the caller keeps those whose role can reply). */
export const listActiveUsers = (db: Db) => db.query<AgentUserRow>("SELECT id, name, email, role_id, capacity FROM users WHERE status = 'active' ORDER BY name, id").all();
export const getActiveUser = (db: Db, id: number) => db.query<AgentUserRow>("SELECT id, name, email, role_id, capacity FROM users WHERE status = 'active' AND id = ?").get(id);

/**
 * Open conversations of the given agents. The conversations service's openCounts() walks every conversation
 * ever assigned; this seeks the assignee index once per agent, which keeps a decision in milliseconds at 1M+
 * conversations.
 */
export const openCountsOf = (db: Db, userIds: number[]) =>
  new Map(
    db
      .query<{ assignee_id: number; n: number }>("SELECT assignee_id, count(*) AS n FROM conversations WHERE assignee_id IN (SELECT value FROM json_each(?)) AND status = 'open' GROUP BY assignee_id")
      .all(JSON.stringify(userIds))
      .map((r) => [r.assignee_id, r.n]),
  );

export const listMemberships = (db: Db) => db.query<{ team_id: number; user_id: number }>("SELECT team_id, user_id FROM team_members").all();

export interface NumberRoutingRow {
  id: number;
  name: string;
  display_phone_number: string;
  routing_strategy: string;
  routing_team_id: number | null;
}

const NUMBER_COLUMNS = "SELECT id, name, display_phone_number, routing_strategy, routing_team_id FROM numbers";
export const getNumberRouting = (db: Db, id: number) => db.query<NumberRoutingRow>(`${NUMBER_COLUMNS} WHERE id = ?`).get(id);
export const listNumberRouting = (db: Db) => db.query<NumberRoutingRow>(`${NUMBER_COLUMNS} WHERE status <> 'disabled' ORDER BY name, id`).all();

export function setNumberRouting(db: Db, id: number, r: { routing_strategy: string; routing_team_id: number | null }, now: number): void {
  db.query("UPDATE numbers SET routing_strategy = $routing_strategy, routing_team_id = $routing_team_id, updated_at = $now WHERE id = $id").run({ ...r, id, now });
}

export interface TeamRoutingRow {
  id: number;
  name: string;
  routing_strategy: string;
  /** JSON arrays of strings. */
  skill_languages: string;
  skill_keywords: string;
  skill_tags: string;
  last_assigned_user_id: number | null;
}

const TEAM_COLUMNS = "SELECT id, name, routing_strategy, skill_languages, skill_keywords, skill_tags, last_assigned_user_id FROM teams";
export const listTeamRouting = (db: Db) => db.query<TeamRoutingRow>(`${TEAM_COLUMNS} ORDER BY name, id`).all();
export const getTeamRouting = (db: Db, id: number) => db.query<TeamRoutingRow>(`${TEAM_COLUMNS} WHERE id = ?`).get(id);

export function setTeamRouting(db: Db, id: number, r: { routing_strategy: string; skill_languages: string; skill_keywords: string; skill_tags: string }, now: number): void {
  db.query(
    `UPDATE teams SET routing_strategy = $routing_strategy, skill_languages = $skill_languages, skill_keywords = $skill_keywords, skill_tags = $skill_tags,
       updated_at = $now WHERE id = $id`,
  ).run({ ...r, id, now });
}

/** Moves the team's round-robin pointer. */
export const setTeamPointer = (db: Db, teamId: number, userId: number) => db.query("UPDATE teams SET last_assigned_user_id = ? WHERE id = ?").run(userId, teamId);

/** The customer's first message of a conversation (skills by keyword); "" when none. */
export const firstInboundText = (db: Db, conversationId: number) =>
  db.query<{ text: string }>("SELECT text FROM messages WHERE conversation_id = ? AND direction = 'in' ORDER BY created_at, id LIMIT 1").get(conversationId)?.text ?? "";
