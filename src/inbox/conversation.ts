// The conversation pane's view models: its header (who, where, state, window, assignment decision and
// actions), the composer (free text inside the 24-hour window, an approved template outside it, notes
// always), and the whole pane with its first page of timeline and the customer panel.
import type { Actor } from "../auth/actor";
import type { ConversationRow } from "../conversations";
import type { Deps } from "../deps";
import { contactView, type ContactView } from "./contact";
import { eventView, threadPage, type EventView, type ThreadPage } from "./thread";
import { templateOptions, type TemplateForm, type TemplateOption } from "./templates";
import type { Viewer } from "./store";

const ASSIGNMENT = new Set(["assigned", "transferred", "queued", "unassigned", "taken", "reassigned"]);

export interface HeadView {
  id: number;
  contactId: number;
  name: string;
  phone: string | null;
  number: string;
  status: ConversationRow["status"];
  assignee: { id: number; name: string } | null;
  team: string | null;
  mine: boolean;
  snoozedUntil: number | null;
  unread: number;
  /** Milliseconds left in the window (0: closed; null: the customer never wrote). */
  windowLeft: number | null;
  decision: EventView | null;
  position: number | null;
}

export function headView(d: Deps, c: ConversationRow, me: number | null): HeadView {
  const contact = d.contacts.get(c.contact_id);
  const number = d.numbers.get(c.number_id);
  const expires = d.conversations.windowExpiresAt(c.number_id, c.contact_id);
  const last = d.conversations.events(c.id).filter((e) => ASSIGNMENT.has(e.kind)).at(-1);
  const assignee = c.assignee_id === null ? null : { id: c.assignee_id, name: d.users.get(c.assignee_id)?.name ?? `#${c.assignee_id}` };
  const queued = c.status === "open" && c.assignee_id === null;
  return {
    id: c.id, contactId: c.contact_id, name: contact?.name || contact?.phone || "", phone: contact?.phone ?? null,
    number: number ? number.name || number.display_phone_number : `#${c.number_id}`,
    status: c.status, assignee, team: c.team_id === null ? null : (d.teams.get(c.team_id)?.name ?? null), mine: me !== null && c.assignee_id === me,
    snoozedUntil: c.status === "snoozed" ? c.snoozed_until : null, unread: c.unread,
    windowLeft: expires === null ? null : Math.max(0, expires - d.clock.now()),
    decision: last ? eventView(d, last) : null,
    position: queued ? d.routing.position(c.id) : null,
  };
}

export interface ComposerView {
  id: number;
  mode: "reply" | "note";
  windowOpen: boolean;
  canReply: boolean;
  canNote: boolean;
  text: string;
  error: string | null;
  templates: TemplateOption[];
  template: TemplateForm | null;
  resolved: boolean;
}

/** The composer of conversation `c` for `actor`, optionally keeping typed text and an error. */
export function composerView(d: Deps, actor: Actor, c: ConversationRow, o: { mode?: string; text?: string; error?: string | null; template?: TemplateForm | null } = {}): ComposerView {
  const expires = d.conversations.windowExpiresAt(c.number_id, c.contact_id);
  const windowOpen = expires !== null && expires > d.clock.now();
  const canReply = actor.perms.has("conversations:reply");
  const canNote = actor.perms.has("conversations:note");
  const mode = o.mode === "note" && canNote ? "note" : canReply ? "reply" : canNote ? "note" : "reply";
  const number = d.numbers.get(c.number_id);
  return {
    id: c.id, mode, windowOpen, canReply, canNote, text: o.text ?? "", error: o.error ?? null,
    templates: !windowOpen && canReply && number ? templateOptions(d, number.waba_id) : [],
    template: o.template ?? null,
    resolved: c.status === "resolved",
  };
}

export interface ConversationView {
  id: number;
  head: HeadView;
  thread: ThreadPage;
  composer: ComposerView;
  contact: ContactView;
  windowExpiresAt: number | null;
}

/** Everything the conversation pane shows. */
export function conversationView(d: Deps, actor: Actor, v: Viewer, c: ConversationRow): ConversationView {
  const expires = d.conversations.windowExpiresAt(c.number_id, c.contact_id);
  return {
    id: c.id,
    head: headView(d, c, actor.userId),
    thread: threadPage(d, v, c, 0, c.id),
    composer: composerView(d, actor, c),
    contact: contactView(d, v, c),
    windowExpiresAt: expires,
  };
}

