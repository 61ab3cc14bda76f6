// Files an agent sends: checked (type, size, and that the bytes are what the type says), uploaded to the
// Graph API for the conversation's number (a LAN install has no public URL, so media goes by id), kept as a
// local copy so the agent's own message shows it, then queued like any message.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ConversationRow } from "../conversations";
import type { Deps } from "../deps";
import type { Enqueued, SendType } from "../outbox/service";
import { AppError } from "../platform/errors";
import type { T } from "../platform/i18n";
import { GraphError } from "../whatsapp/graph";
import { contentMatches, MAX_BYTES } from "../whatsapp/media";

type Kind = "image" | "video" | "audio" | "document";

/** What WhatsApp accepts per kind (whatsapp-cloud-api.md §8), with the file extension we store it under. */
const TYPES: Record<string, { kind: Kind; ext: string }> = {
  "image/jpeg": { kind: "image", ext: "jpg" },
  "image/png": { kind: "image", ext: "png" },
  "video/mp4": { kind: "video", ext: "mp4" },
  "video/3gpp": { kind: "video", ext: "3gp" },
  "audio/aac": { kind: "audio", ext: "aac" },
  "audio/amr": { kind: "audio", ext: "amr" },
  "audio/mpeg": { kind: "audio", ext: "mp3" },
  "audio/mp4": { kind: "audio", ext: "m4a" },
  "audio/ogg": { kind: "audio", ext: "ogg" },
  "application/pdf": { kind: "document", ext: "pdf" },
  "text/plain": { kind: "document", ext: "txt" },
  "application/msword": { kind: "document", ext: "doc" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { kind: "document", ext: "docx" },
  "application/vnd.ms-excel": { kind: "document", ext: "xls" },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { kind: "document", ext: "xlsx" },
  "application/vnd.ms-powerpoint": { kind: "document", ext: "ppt" },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { kind: "document", ext: "pptx" },
};

/** The biggest upload the route accepts (documents may be 100 MB), with room for the form around it. */
export const UPLOAD_LIMIT = MAX_BYTES.document! + 1024 * 1024;

const fail = (message: string) => new AppError(422, "invalid_attachment", message);

/** The kind and bytes of an acceptable file, or a 422 saying what is wrong. */
export async function checkFile(file: File, t: T): Promise<{ kind: Kind; mime: string; ext: string; bytes: Uint8Array }> {
  const mime = file.type.split(";")[0]!.trim().toLowerCase();
  const type = TYPES[mime];
  if (!type) throw fail(t("inbox.err_file_type", { type: mime || "?" }));
  const limit = MAX_BYTES[type.kind]!;
  if (file.size > limit) throw fail(t("inbox.err_file_size", { mb: (limit / 1_048_576).toFixed(0), kind: type.kind }));
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!contentMatches(mime, bytes)) throw fail(t("inbox.err_file_content", { type: mime }));
  return { kind: type.kind, mime, ext: type.ext, bytes };
}

/** Uploads, stores and queues a file (with an optional caption) from agent `userId`. */
export async function sendFile(d: Deps, conv: ConversationRow, userId: number, file: File, caption: string, t: T): Promise<Enqueued> {
  const f = await checkFile(file, t);
  const expires = d.conversations.windowExpiresAt(conv.number_id, conv.contact_id);
  if (expires === null || expires <= d.clock.now()) throw new AppError(422, "outside_window", t("inbox.err_window"));
  const number = d.numbers.get(conv.number_id);
  if (!number) throw fail(t("inbox.err_number_gone"));
  const filename = (file.name || `file.${f.ext}`).replace(/[\u0000-\u001f/\\]+/g, "_").slice(0, 200);
  let mediaId: string;
  try {
    mediaId = await d.graph.uploadMedia(d.numbers.target(number), number.phone_number_id, new Blob([f.bytes as BlobPart], { type: f.mime }), f.mime, filename);
  } catch (e) {
    const reason = e instanceof GraphError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    throw new AppError(502, "upload_failed", t("inbox.err_upload", { reason }));
  }
  const content: Record<string, unknown> = { id: mediaId };
  if (caption && f.kind !== "audio") content.caption = caption;
  if (f.kind === "document") content.filename = filename;
  const sent = d.outbox.enqueue({ numberId: conv.number_id, contactId: conv.contact_id, type: f.kind as SendType, content, authorKind: "agent", authorId: String(userId) });
  const now = d.clock.now();
  const at = new Date(now);
  const rel = join(String(at.getUTCFullYear()), String(at.getUTCMonth() + 1).padStart(2, "0"), `out-${randomUUID()}.${f.ext}`);
  mkdirSync(join(d.cfg.dataDir, "media", rel, ".."), { recursive: true });
  writeFileSync(join(d.cfg.dataDir, "media", rel), f.bytes);
  d.media.recordOutbound({
    message_id: sent.message.id, number_id: conv.number_id, wa_media_id: mediaId, mime_type: f.mime,
    sha256: createHash("sha256").update(f.bytes).digest("base64"), size: f.bytes.byteLength, filename, path: rel, at: now,
  });
  return sent;
}
