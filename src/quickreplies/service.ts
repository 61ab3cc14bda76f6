// Quick replies (PRODUCT.md C5): saved answers an agent types as /shortcut in the composer. Each person has
// their own; shared ones (owner NULL) are for everyone and need quick_replies:manage_shared to change. Another
// person's own replies are invisible: asking for one is a 404, not a 403.
import type { Actor } from "../auth/actor";
import type { AuditService, AuditWho } from "../audit";
import type { Platform } from "../deps";
import type { ContactRow } from "../contacts";
import { AppError, forbidden, invalid, notFound, type FieldError } from "../platform/errors";
import { renderPlaceholders } from "./placeholders";
import { deleteQuickReply, findForUser, getQuickReply, insertQuickReply, listForUser, shortcutTaken, updateQuickReply, type QuickReplyRow } from "./store";

export type QuickReply = QuickReplyRow;
export const MAX_TEXT = 4096;

export interface QuickRepliesService {
  /** The user's own and the shared ones, by shortcut (own first when both use a shortcut). */
  list(userId: number | null): QuickReply[];
  /** The reply a shortcut (with or without "/") names for the user: their own wins over a shared one. */
  find(userId: number | null, shortcut: string): QuickReply | null;
  /** One the actor may see, or null. */
  get(actor: Actor, id: number): QuickReply | null;
  /** Fills placeholders for a contact and agent; the result is plain text. */
  render(text: string, ctx: { contact: ContactRow; agent: { name: string } }): string;
  /** True when the actor may change or delete `r`. */
  canEdit(actor: Actor, r: QuickReply): boolean;
  create(input: { shortcut: string; text: string; shared?: boolean }, who: AuditWho & { actor: Actor }): QuickReply;
  update(id: number, patch: { shortcut?: string; text?: string }, who: AuditWho & { actor: Actor }): QuickReply;
  remove(id: number, who: AuditWho & { actor: Actor }): void;
}

/** "/Grazie " → "grazie": composers send what follows the slash, people type capitals. */
export const normalizeShortcut = (s: string) => s.trim().replace(/^\//, "").toLowerCase();

function check(shortcut: string, text: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!/^[a-z0-9_-]{1,30}$/.test(shortcut)) errors.push({ field: "shortcut", message: "must be 1 to 30 characters: letters a-z, digits, _ and -" });
  if (!text) errors.push({ field: "text", message: "must not be empty" });
  else if (text.length > MAX_TEXT) errors.push({ field: "text", message: `must be at most ${MAX_TEXT} characters` });
  return errors;
}

export function createQuickReplies(p: Platform, audit: AuditService): QuickRepliesService {
  const { db } = p;
  const visible = (actor: Actor, r: QuickReply | null) => !!r && (r.owner_id === null || r.owner_id === actor.userId);

  function editable(who: { actor: Actor }, id: number): QuickReply {
    const r = getQuickReply(db, id);
    if (!r || !visible(who.actor, r)) throw notFound("No such quick reply.");
    if (!svc.canEdit(who.actor, r)) throw forbidden("Changing a shared quick reply needs the permission quick_replies:manage_shared.");
    return r;
  }

  function save(ownerId: number | null, shortcut: string, text: string, exceptId: number) {
    const errors = check(shortcut, text);
    if (errors.length) throw invalid(errors);
    if (shortcutTaken(db, ownerId, shortcut, exceptId)) {
      const message = `/${shortcut} is already used by ${ownerId === null ? "a shared" : "another of your"} quick replies`;
      throw new AppError(409, "shortcut_taken", message, [{ field: "shortcut", message }]);
    }
  }

  const record = (who: AuditWho, action: string, r: QuickReply) => {
    // Shared replies are workspace content (audited); personal ones are a person's own notes.
    if (r.owner_id === null) audit.record(who, { action, target: { kind: "quick_reply", id: r.id, label: `/${r.shortcut}` } });
  };

  const svc: QuickRepliesService = {
    list: (userId) => listForUser(db, userId),
    find: (userId, shortcut) => findForUser(db, userId, normalizeShortcut(shortcut)),
    get: (actor, id) => {
      const r = getQuickReply(db, id);
      return visible(actor, r) ? r : null;
    },
    render: (text, ctx) => renderPlaceholders(text, ctx),
    canEdit: (actor, r) => (r.owner_id === null ? actor.perms.has("quick_replies:manage_shared") : r.owner_id === actor.userId),
    create(input, who) {
      const shortcut = normalizeShortcut(input.shortcut);
      const text = input.text.trim();
      const shared = !!input.shared;
      if (shared && !who.actor.perms.has("quick_replies:manage_shared")) throw forbidden("Shared quick replies need the permission quick_replies:manage_shared.");
      if (!shared && who.actor.userId === null) throw invalid([{ field: "shared", message: "an API token acting as no user can only create shared quick replies" }]);
      const ownerId = shared ? null : who.actor.userId;
      save(ownerId, shortcut, text, 0);
      const r = getQuickReply(db, insertQuickReply(db, { shortcut, text, owner_id: ownerId }, p.clock.now()))!;
      record(who, "quick_replies.create", r);
      return r;
    },
    update(id, patch, who) {
      const r = editable(who, id);
      const shortcut = patch.shortcut === undefined ? r.shortcut : normalizeShortcut(patch.shortcut);
      const text = patch.text === undefined ? r.text : patch.text.trim();
      save(r.owner_id, shortcut, text, r.id);
      updateQuickReply(db, r.id, { shortcut, text }, p.clock.now());
      const updated = getQuickReply(db, r.id)!;
      record(who, "quick_replies.update", updated);
      return updated;
    },
    remove(id, who) {
      const r = editable(who, id);
      deleteQuickReply(db, r.id);
      record(who, "quick_replies.delete", r);
    },
  };
  return svc;
}
