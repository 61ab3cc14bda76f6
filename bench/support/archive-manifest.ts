// The generated archive's manifest (DIR/archive.json, written by bench/generate-archive.ts): what was built, how
// long it took, and the facts the inbox / search / routing benches need (numbers and their Meta phone ids, teams,
// agents, long conversations per team, search-term frequencies).
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Every generated user signs in with this password (one argon2id hash, m=19 MiB, t=2, shared by all). */
export const ARCHIVE_PASSWORD = "bench archive password";

const label = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}m` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

/** Where an archive of this size goes by default: the temp disk (on the reference VM, the same disk as /work). */
export const archiveDefaultPath = (messages: number, contacts: number) => join(tmpdir(), "centralino-archive", `${label(messages)}-msg-${label(contacts)}-contacts`, "centralino.db");

export interface ArchiveManifest {
  params: { messages: number; contacts: number; numbers: number; teams: number; agents: number; years: number; seed: number };
  built_at: string;
  /** "Now" when the archive was built: its newest messages are just before it. */
  t0: number;
  fts_mode: string;
  analyzed: boolean;
  machine: Record<string, unknown>;
  build: { total_s: number; phases: Record<string, number>; rows_per_s: number; messages_per_s: number };
  size_bytes: number;
  counts: Record<string, number>;
  password: string;
  admin: { id: number; email: string };
  supervisors: { id: number; email: string }[];
  numbers: { id: number; phone_number_id: string; waba_id: string; display_phone_number: string; team_id: number }[];
  teams: { id: number; name: string; numbers: number[]; agents: number[] }[];
  agents: { id: number; email: string; teams: number[] }[];
  /** Team id → long conversations (≥ 50 messages) of its numbers. */
  samples: Record<string, { id: number; messages: number; status: string }[]>;
  /** Search query (as typed) → messages containing it, over the whole archive. */
  terms: Record<string, number>;
  rare: { word: string; rate: number; expected: number }[];
}

export function readManifest(dbFile: string): ArchiveManifest {
  return JSON.parse(readFileSync(join(dirname(dbFile), "archive.json"), "utf8")) as ArchiveManifest;
}
