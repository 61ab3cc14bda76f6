// Media as Meta keeps it (whatsapp-cloud-api.md §8): uploads checked against the per-kind MIME types and size
// caps, files under DATA_DIR/simulator/media, ids like Meta's, and download URLs that expire after 5 minutes
// and still need the owner's Bearer token, so the app's downloader is exercised exactly as against Meta.
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { safeEqual } from "../platform/ids";
import { newNumericId, type Sim } from "./context";
import { SimGraphError } from "./errors";
import { getMedia, insertMedia, type SimMedia } from "./store";

const MB = 1024 * 1024;

/** Meta's accepted types and caps per kind. */
export const KINDS: Record<string, { types: string[]; max: number }> = {
  image: { types: ["image/jpeg", "image/png"], max: 5 * MB },
  audio: { types: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"], max: 16 * MB },
  video: { types: ["video/mp4", "video/3gpp"], max: 16 * MB },
  sticker: { types: ["image/webp"], max: 500 * 1024 },
  document: {
    types: [
      "text/plain", "application/pdf", "application/vnd.ms-excel", "application/msword", "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
    max: 100 * MB,
  },
};

/** A download URL stays valid this long, as Meta's does. */
export const URL_TTL_MS = 5 * 60_000;

const baseMime = (mime: string) => mime.split(";")[0]!.trim().toLowerCase();

/** The kind (image, audio, ...) a MIME type belongs to, or null when Meta does not accept it. */
export function kindOf(mime: string): string | null {
  const m = baseMime(mime);
  return Object.entries(KINDS).find(([, k]) => k.types.includes(m))?.[0] ?? null;
}

/** What the first bytes say, for the formats whose signature is unambiguous. */
export function sniff(b: Uint8Array): string | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "image/png";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (ascii(0, 5) === "%PDF-") return "application/pdf";
  if (/^<(!doctype|html)/i.test(ascii(0, 9))) return "text/html";
  return null;
}

/** Images and PDFs must be what they claim; nothing may be HTML (131053, as at Meta). */
function contentMatches(mime: string, bytes: Uint8Array): boolean {
  const found = sniff(bytes);
  if (found === "text/html") return false;
  return mime.startsWith("image/") || mime === "application/pdf" ? found === mime : true;
}

/** Checks and stores a file for `ownerPid`; throws Meta's error when the type, size or content is wrong. */
export function storeMedia(sim: Sim, ownerPid: string, bytes: Uint8Array, mimeType: string, filename: string | null): SimMedia {
  const mime = baseMime(mimeType);
  const kind = kindOf(mime);
  if (!kind) throw new SimGraphError(100, { details: `Param file must be a file with one of the following types: ${Object.values(KINDS).flatMap((k) => k.types).join(", ")}. Received file of type '${mime}'.` });
  const max = KINDS[kind]!.max;
  if (bytes.byteLength > max) throw new SimGraphError(131053, { details: `Media file size too big. Max file size for ${kind} is ${max / MB} MB; this file is ${bytes.byteLength} bytes.` });
  if (!bytes.byteLength) throw new SimGraphError(131053, { details: "The file is empty." });
  if (!contentMatches(mime, bytes)) throw new SimGraphError(131053, { details: `Unsupported ${kind} mime type: the content is not ${mime}.` });
  const { d } = sim;
  const mediaId = newNumericId();
  const dir = join(d.cfg.dataDir, "simulator", "media");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, mediaId), bytes);
  const row = {
    media_id: mediaId,
    phone_number_id: ownerPid,
    mime_type: mime,
    sha256: createHash("sha256").update(bytes).digest("base64"),
    size: bytes.byteLength,
    filename: filename ? filename.slice(0, 240) : null,
    path: mediaId,
    created_at: d.clock.now(),
  };
  insertMedia(d.db, row);
  return getMedia(d.db, mediaId)!;
}

export const findMedia = (sim: Sim, mediaId: string) => getMedia(sim.d.db, mediaId);

/** The file on disk. */
export const mediaFile = (sim: Sim, m: SimMedia) => Bun.file(join(sim.d.cfg.dataDir, "simulator", "media", m.path));

function urlSignature(sim: Sim, mediaId: string, exp: number): string {
  const key = createHmac("sha256", sim.d.cfg.secretKey!).update("centralino:simulator-media-url").digest();
  return createHmac("sha256", key).update(`${mediaId}.${exp}`).digest("base64url");
}

/** `GET /{media-id}`: the facts and a download URL valid for 5 minutes. */
export function mediaJson(sim: Sim, m: SimMedia) {
  const exp = sim.d.clock.now() + URL_TTL_MS;
  const url = `${sim.d.runtime.selfUrl}/simulator/media/${m.media_id}?exp=${exp}&sig=${urlSignature(sim, m.media_id, exp)}`;
  return { messaging_product: "whatsapp", url, mime_type: m.mime_type, sha256: m.sha256, file_size: m.size, id: m.media_id };
}

/** True when a download URL is genuine and not expired. */
export function urlValid(sim: Sim, mediaId: string, exp: string | null, sig: string | null): boolean {
  const at = Number(exp);
  if (!Number.isFinite(at) || !sig || at < sim.d.clock.now()) return false;
  const want = urlSignature(sim, mediaId, at);
  return safeEqual(want, sig);
}
