// Routing pages: the settings page (per number strategy and team, per team strategy and skills, members'
// load) and the inbox's presence endpoints (choose a status; the page's heartbeat).
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { AppError, invalid, type FieldError } from "../platform/errors";
import { configureNumber, configureTeam, numbersRouting, teamsRouting } from "./config";
import type { Presence } from "./presence";
import { STRATEGIES, TEAM_STRATEGIES } from "./strategy";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const STATUSES: readonly Presence[] = ["online", "away", "offline"];
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });
/** Only a path on this site, so a crafted `next` cannot send the browser elsewhere. */
const localPath = (p: string) => (/^\/(?![/\\])/.test(p) ? p : "/");

export function routingPages(d: Deps) {
  /** The page, with the field errors of one form (`scope` says which: number:ID or team:ID). */
  const show = (c: Ctx, extra: { scope?: string; errors?: FieldError[]; values?: Record<string, string> } = {}, status = 200) => {
    const agents = d.routing.agents();
    const teams = teamsRouting(d).map((t) => ({ ...t, members: agents.filter((a) => a.team_ids.includes(t.id)) }));
    const names = new Map(teams.map((t) => [t.id, t.name]));
    const numbers = numbersRouting(d).map((n) => ({ ...n, teams: n.team_ids.map((id) => ({ id, name: names.get(id) ?? String(id) })) }));
    const queue = d.conversations.queue(1000).length;
    return c.page("@routing/index", { numbers, teams, unteamed: agents.filter((a) => !a.team_ids.length), queue, strategies: STRATEGIES, teamStrategies: TEAM_STRATEGIES, scope: "", errors: [], values: {}, ...extra }, { status, title: c.t("routing.title") });
  };
  /** Runs a change; a 422 re-renders the page with the form's errors. */
  const save = (c: Ctx, scope: string, fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof AppError && e.status === 422) return show(c, { scope, errors: e.fields, values: c.form.values() }, 422);
      throw e;
    }
    return c.redirect("/settings/routing", { kind: "success", text: c.t("common.saved") });
  };

  return [
    route({ method: "GET", path: "/settings/routing", access: "settings:read", handler: (c) => show(c) }),
    route({
      method: "POST",
      path: "/settings/routing/numbers/:id",
      access: "numbers:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const team = c.form.get("team_id");
        return save(c, `number:${c.params.id}`, () => configureNumber(d, c.params.id, { strategy: c.form.get("strategy"), team_id: /^\d+$/.test(team) ? Number(team) : null }, who(c)));
      },
    }),
    route({
      method: "POST",
      path: "/settings/routing/teams/:id",
      access: "teams:manage",
      params: Id,
      form: true,
      handler: (c) => {
        const f = c.form;
        const input = { strategy: f.get("strategy"), languages: [f.get("languages")], keywords: [f.get("keywords")], tags: [f.get("tags")] };
        return save(c, `team:${c.params.id}`, () => configureTeam(d, c.params.id, input, who(c)));
      },
    }),
    route({
      method: "POST",
      path: "/presence",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const userId = c.user().userId;
        const status = c.form.get("status") as Presence;
        if (userId === null || !STATUSES.includes(status)) throw invalid([{ field: "status", message: "must be online, away or offline" }]);
        d.routing.setPresence(userId, status, who(c));
        // Chosen from the inbox page: from now on the page's heartbeat keeps it (and its absence ends it).
        if (status !== "offline") d.routing.heartbeat(userId);
        if (c.htmx) return c.fragment("@routing/_presence", { presence: d.routing.presenceOf(userId) });
        return c.redirect(localPath(c.form.get("next")));
      },
    }),
    route({
      method: "POST",
      path: "/presence/heartbeat",
      access: "signed-in",
      form: true,
      handler: (c) => {
        const userId = c.user().userId;
        if (userId !== null) d.routing.heartbeat(userId);
        return null;
      },
    }),
  ];
}
