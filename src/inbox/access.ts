// Who may see which conversation in the inbox: the same rule as the API (conversations/routes.ts canSee) for
// pages, fragments, SSE pushes and actions alike. A conversation the actor may not see is a 404, never a 403,
// so its existence does not leak.
import type { Actor } from "../auth/actor";
import type { ConversationRow } from "../conversations";
import { canSee, visibleNumbers } from "../conversations/routes";
import type { Deps } from "../deps";
import { notFound } from "../platform/errors";
import type { Viewer } from "./store";

/** The viewer facts list queries need: visible numbers, own teams and the numbers they serve. */
export function viewerOf(d: Deps, actor: Actor): Viewer {
  const userId = actor.userId ?? -1;
  const teamIds = actor.userId === null ? [] : d.teams.teamIdsOf(actor.userId);
  return { userId, visibleNumbers: visibleNumbers(d, actor), teamIds, teamNumbers: d.numbers.ofTeams(teamIds) };
}

/** The conversation when `actor` may see it; 404 otherwise. */
export function visibleConversation(d: Deps, actor: Actor, id: number): ConversationRow {
  const c = d.conversations.get(id);
  if (!c || !canSee(d, actor, c)) throw notFound("No such conversation.");
  return c;
}

/**
 * A visibility test for one fan-out: each user's visible numbers are computed once per publish, not per
 * open tab, so 500 connected agents cost one lookup per user.
 */
export function fanoutFilter(d: Deps) {
  const memo = new Map<number, number[] | null>();
  return (actor: Actor, c: ConversationRow): boolean => {
    const key = actor.userId ?? -1;
    let numbers = memo.get(key);
    if (numbers === undefined) memo.set(key, (numbers = visibleNumbers(d, actor)));
    // Role tokens (no user) never hold a browser stream; read_all roles see everything.
    if (actor.perms.has("conversations:read_all")) return true;
    return !!actor.perms.has("conversations:read") && (numbers?.includes(c.number_id) || (actor.userId !== null && c.assignee_id === actor.userId));
  };
}

export { canSee };
