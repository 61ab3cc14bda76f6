// Inbound media downloaded in the background right after the webhook is stored: Meta's media ids expire after
// 7 days. Size limits per type, a check that the bytes are what the MIME type says, SHA-256 verified, files
// written under DATA_DIR/media. Failures retry with backoff until the id has expired.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../deps";
import { GraphError } from "./graph";
import { dueMedia, getMedia, insertOutboundMedia, mediaOfMessage, mediaReady, mediaRetry, type MediaRow } from "./store";

const MB = 1024 * 1024;
/** Meta's caps per media kind (whatsapp-cloud-api.md §8). */
export const MAX_BYTES: Record<string, number> = { image: 5 * MB, audio: 16 * MB, video: 16 * MB, sticker: 512 * 1024, document: 100 * MB };
const EXPIRY_MS = 7 * 86_400_000;
const BACKOFF_MS = [30_000, 120_000, 600_000, 3_600_000, 6 * 3_600_000];

const EXT: Record<string, string> = {
  "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/aac": "aac", "audio/amr": "amr",
  "video/mp4": "mp4", "video/3gpp": "3gp", "application/pdf": "pdf", "text/plain": "txt",
};

/** What the first bytes say a file is, for the kinds whose signature is unambiguous. */
export function sniff(b: Uint8Array): string | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "image/png";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (ascii(0, 5) === "%PDF-") return "application/pdf";
  if (ascii(0, 4) === "OggS") return "audio/ogg";
  if (ascii(4, 8) === "ftyp") return "video/mp4";
  if (ascii(0, 4) === "PK\x03\x04") return "application/zip";
  if (ascii(0, 3) === "ID3" || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return "audio/mpeg";
  if (ascii(0, 6) === "#!AMR\n") return "audio/amr";
  if (ascii(0, 5).toLowerCase() === "<html" || ascii(0, 9).toLowerCase() === "<!doctype") return "text/html";
  return null;
}

/** True when the bytes plausibly are the declared type (containers like mp4/m4a/3gp share "ftyp"). */
export function contentMatches(declared: string, bytes: Uint8Array): boolean {
  const base = declared.split(";")[0]!.trim().toLowerCase();
  const found = sniff(bytes);
  if (found === "text/html") return false;
  if (base.startsWith("image/")) return found === base;
  if (base === "application/pdf") return found === base;
  if (base === "audio/ogg") return found === "audio/ogg";
  if (["video/mp4", "video/3gpp", "audio/mp4", "audio/aac"].includes(base)) return found === "video/mp4" || base === "audio/aac";
  if (base.includes("openxmlformats")) return found === "application/zip";
  return true;
}

export class MediaFetcher {
  private busy = false;
  private again = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private d: Deps, private concurrency = 2) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), 15_000);
    this.timer.unref?.();
    this.wake();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The media row of a message, if it has one. */
  forMessage(messageId: number): MediaRow | null {
    return mediaOfMessage(this.d.db, messageId);
  }

  get(id: number): MediaRow | null {
    return getMedia(this.d.db, id);
  }

  /** Records a file the business sends (already uploaded to Meta, stored under DATA_DIR/media at `path`). */
  recordOutbound(m: Parameters<typeof insertOutboundMedia>[1]): number {
    return insertOutboundMedia(this.d.db, m);
  }

  /** Starts a round unless one runs; a wake during a round runs another right after. */
  wake(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    void this.round();
  }

  /** Downloads everything due now; resolves when done (tests await it). */
  async round(): Promise<void> {
    this.busy = true;
    try {
      do {
        this.again = false;
        const due = dueMedia(this.d.db, this.d.clock.now(), 20);
        for (let i = 0; i < due.length; i += this.concurrency) await Promise.all(due.slice(i, i + this.concurrency).map((m) => this.fetchOne(m)));
        if (due.length === 20) this.again = true;
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  private async fetchOne(m: MediaRow): Promise<void> {
    const number = this.d.numbers.get(m.number_id);
    const message = m.message_id ? this.d.conversations.message(m.message_id) : null;
    const kind = message?.type ?? "document";
    try {
      if (!number || !m.wa_media_id) throw new MediaProblem("the number or the media id is gone", true);
      const t = this.d.numbers.target(number);
      const info = await this.d.graph.mediaInfo(t, m.wa_media_id);
      const limit = MAX_BYTES[kind] ?? MAX_BYTES.document!;
      const declaredSize = Number(info.file_size);
      if (declaredSize > limit) throw new MediaProblem(`the file is ${declaredSize} bytes, over the ${limit}-byte limit for ${kind}`, true);
      const { bytes, contentType } = await this.d.graph.download(t, info.url, limit);
      const mime = (info.mime_type || m.mime_type || contentType || "application/octet-stream").split(";")[0]!.trim().toLowerCase();
      if (!contentMatches(mime, bytes)) throw new MediaProblem(`the content is not a ${mime} file`, true);
      const sha = createHash("sha256").update(bytes).digest("base64");
      const expected = m.sha256 ?? info.sha256;
      if (expected && expected !== sha && expected !== createHash("sha256").update(bytes).digest("hex")) throw new MediaProblem("the file does not match Meta's SHA-256", false);
      const at = new Date(m.created_at);
      const rel = join(String(at.getUTCFullYear()), String(at.getUTCMonth() + 1).padStart(2, "0"), `${m.id}.${EXT[mime] ?? "bin"}`);
      const abs = join(this.d.cfg.dataDir, "media", rel);
      mkdirSync(join(abs, ".."), { recursive: true });
      writeFileSync(abs, bytes);
      mediaReady(this.d.db, m.id, { path: rel, size: bytes.byteLength, mime_type: mime, at: this.d.clock.now() });
      this.d.bus.emit("media.ready", { mediaId: m.id, messageId: m.message_id });
    } catch (e) {
      const final = e instanceof MediaProblem ? e.final : e instanceof GraphError && !e.network && e.code !== 131000 && e.httpStatus < 500 && e.httpStatus !== 404;
      const expired = this.d.clock.now() - m.created_at > EXPIRY_MS;
      const wait = BACKOFF_MS[Math.min(m.attempts, BACKOFF_MS.length - 1)]!;
      const reason = e instanceof Error ? e.message : String(e);
      mediaRetry(this.d.db, m.id, reason, final || expired ? null : this.d.clock.now() + wait);
      if (final || expired) this.d.bus.emit("media.ready", { mediaId: m.id, messageId: m.message_id });
      this.d.log.warn("media download failed", { media: m.id, reason, final: final || expired });
    }
  }
}

class MediaProblem extends Error {
  constructor(message: string, readonly final: boolean) {
    super(message);
  }
}

declare module "../platform/bus" {
  interface Events {
    "media.ready": { mediaId: number; messageId: number | null };
  }
}
