// Migration runner: numbered SQL files from migrations/, each applied in its own transaction together with its
// row in schema_migrations (Miniflux database.go). The server refuses a database newer than the code.
import type { Db } from "./db";
import { MIGRATIONS } from "./embedded";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The database was written by a newer Centralino; running older code on it could corrupt data. */
export class DatabaseTooNewError extends Error {
  override name = "DatabaseTooNewError";
}

/** Parses `0007_outbox_priority.sql` into version 7 and name outbox_priority, sorted by version. */
export function parseMigrations(files: Record<string, string>): Migration[] {
  const list = Object.entries(files).map(([file, sql]) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`migration file name ${file} must look like 0001_name.sql`);
    return { version: Number(m[1]), name: m[2]!, sql };
  });
  list.sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1..n without gaps; found ${m.version} at position ${i + 1}`);
  });
  return list;
}

function ensureTable(db: Db) {
  db.raw.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
}

/** The highest applied version, 0 for a new database. */
export function currentVersion(db: Db): number {
  ensureTable(db);
  return db.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_migrations").get()?.v ?? 0;
}

/** Applies every pending migration; returns the ones applied. Throws DatabaseTooNewError on a newer database. */
export function migrate(db: Db, now: number = Date.now(), migrations: Migration[] = parseMigrations(MIGRATIONS)): Migration[] {
  const have = currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (have > latest) {
    throw new DatabaseTooNewError(`the database at ${db.path} is at schema version ${have}, but this Centralino knows only up to ${latest}; run a newer Centralino or restore a backup`);
  }
  const pending = migrations.filter((m) => m.version > have);
  for (const m of pending) {
    db.tx(() => {
      db.raw.run(m.sql);
      db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, now);
    });
  }
  return pending;
}

/** Versions known to the code but not yet applied. */
export function pendingMigrations(db: Db, migrations: Migration[] = parseMigrations(MIGRATIONS)): Migration[] {
  const have = currentVersion(db);
  return migrations.filter((m) => m.version > have);
}
