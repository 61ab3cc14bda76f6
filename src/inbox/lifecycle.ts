// A conversation's lifecycle from its header (PRODUCT.md D2): resolve, reopen, snooze (1 hour, tomorrow
// 9:00, next Monday 9:00 in the workspace's time zone, or a chosen time), wake, mark unread, take it, and
// transfer to an agent or a team with a note. Each lands as an event in the conversation's timeline; the
// answer is the refreshed header plus the row and the new events, which SSE also brings to everyone else.
import { Type } from "@sinclair/typebox";
import type { AuditWho } from "../audit";
import type { Deps } from "../deps";
import { AppError, invalid } from "../platform/errors";
import { route, type Ctx } from "../platform/http";
import { visibleConversation } from "./access";
import { headView } from "./conversation";
import { parseLocalDateTime, snoozeUntil } from "./format";
import { oneRow } from "./list";
import { agentOptions, markRead } from "./pages";
import { feed, html, itemsOp, rowOp, type FeedOp } from "./render";
import { eventView, tz, withDays } from "./thread";
import { vxOf } from "./vx";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const who = (c: Ctx): AuditWho => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

/** The header, the row and the events added since `sinceEventId`, after an action on conversation `id`. */
function refreshed(d: Deps, c: Ctx, id: number, sinceEventId: number): Response {
  const vx = vxOf(d, c);
  const conv = d.conversations.get(id)!;
  const events = d.conversations.events(id).filter((e) => e.id > sinceEventId).map((e) => ({ kind: "event" as const, at: e.at, e: eventView(d, e) }));
  const row = oneRow(d, id);
  const ops: FeedOp[] = [...(events.length ? [itemsOp(vx, id, withDays(events, tz(d)))] : []), ...(row ? [rowOp(vx, row)] : [])];
  return html([d.views.render("@inbox/_head", { vx, h: headView(d, conv, c.user().userId) }), feed(d, ops)]);
}

/** Runs `act` on a conversation the actor may see, then answers the refreshed pieces. */
function action(d: Deps, act: (c: Ctx, id: number) => void) {
  return (c: Ctx) => {
    const id = (c.params as { id: number }).id;
    visibleConversation(d, c.user(), id);
    const last = d.conversations.events(id).at(-1)?.id ?? 0;
    act(c, id);
    return refreshed(d, c, id, last);
  };
}

function snooze(d: Deps, c: Ctx, id: number): void {
  const preset = c.form.get("preset");
  const until = preset === "custom" ? parseLocalDateTime(c.form.get("until"), tz(d)) : snoozeUntil(preset, d.clock.now(), tz(d));
  if (until === null) throw invalid([{ field: "until", message: c.t("inbox.err_snooze_time") }]);
  d.conversations.snooze(id, until, who(c));
}

function transfer(d: Deps, c: Ctx, id: number): void {
  const agent = c.form.get("agent");
  const team = c.form.get("team");
  const note = c.form.get("note").slice(0, 500);
  if (!agent && !team) throw invalid([{ field: "agent", message: c.t("inbox.err_transfer_target") }]);
  const agentId = agent ? Number(agent) : undefined;
  if (agentId !== undefined && !agentOptions(d).some((a) => a.id === agentId)) throw invalid([{ field: "agent", message: c.t("inbox.err_transfer_agent") }]);
  const teamId = team ? Number(team) : undefined;
  if (teamId !== undefined && !d.teams.get(teamId)) throw invalid([{ field: "team", message: c.t("inbox.err_transfer_team") }]);
  d.routing.assign(id, { ...(agentId !== undefined ? { agentId } : {}), ...(teamId !== undefined ? { teamId } : {}), ...(note ? { note } : {}) }, who(c));
}

function take(d: Deps, c: Ctx, id: number): void {
  const me = c.user().userId;
  if (me === null) throw new AppError(403, "forbidden", c.t("inbox.err_take_token"));
  const conv = d.conversations.get(id)!;
  d.routing.assign(id, { agentId: me, teamId: conv.team_id }, who(c));
  // Taken from the open conversation: its new assignee is reading it.
  markRead(d, c.user(), id, me, conv.unread);
}

function markUnread(d: Deps, c: Ctx, id: number): void {
  const conv = d.conversations.get(id)!;
  d.db.tx(() => {
    d.conversations.setUnread(id, Math.max(1, conv.unread));
    d.conversations.addEvent(id, "marked_unread", who(c), {}, []);
  });
  d.bus.emit("inbox.changed", { conversationId: id });
}

export function lifecycleRoutes(d: Deps) {
  const post = (path: string, access: Parameters<typeof route>[0]["access"], act: (c: Ctx, id: number) => void) =>
    route({ method: "POST", path: `/inbox/:id/${path}`, access, params: Id, form: true, handler: action(d, act) });
  return [
    post("resolve", "conversations:resolve", (c, id) => void d.conversations.resolve(id, who(c))),
    post("reopen", "conversations:resolve", (c, id) => void d.conversations.reopen(id, who(c))),
    post("snooze", "conversations:resolve", (c, id) => snooze(d, c, id)),
    post("wake", "conversations:resolve", (c, id) => void d.conversations.snooze(id, null, who(c))),
    post("unread", "conversations:read", (c, id) => markUnread(d, c, id)),
    post("take", "conversations:reply", (c, id) => take(d, c, id)),
    post("transfer", "conversations:transfer", (c, id) => transfer(d, c, id)),
    route({
      method: "GET", path: "/inbox/:id/transfer", access: "conversations:transfer", params: Id,
      handler: (c) => {
        visibleConversation(d, c.user(), c.params.id);
        return html([d.views.render("@inbox/_transfer", { vx: vxOf(d, c), id: c.params.id, agents: agentOptions(d), teams: d.teams.list() })]);
      },
    }),
  ];
}
