// The SQLite connection: one per process, opened with its pragmas set once (PocketBase core/db_connect.go).
// bun:sqlite is synchronous and JavaScript runs on one thread, so this single connection is also the single
// writer; transactions never interleave.
import { Database, type SQLQueryBindings, type Statement } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type Params = Record<string, SQLQueryBindings> | SQLQueryBindings[];

/** The database handle passed to every store. */
export interface Db {
  readonly raw: Database;
  readonly path: string;
  /** A cached prepared statement. */
  query<Row = unknown>(sql: string): Statement<Row, any>;
  /** Runs `fn` in a transaction (nested calls become savepoints); rolls back when it throws. */
  tx<T>(fn: () => T): T;
  /**
   * A transaction committed with synchronous=NORMAL: for work that is re-done after a power cut anyway (derived
   * rows whose source stays marked pending until they commit). Everything else keeps FULL.
   */
  txRelaxed<T>(fn: () => T): T;
  close(): void;
}

/** Opens (creating if needed) the database at `path` with WAL, synchronous=FULL and foreign keys. */
export function openDb(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const raw = new Database(path, { create: true, strict: true });
  // busy_timeout first: the CLI may write while a server runs on the same file.
  raw.run("PRAGMA busy_timeout = 5000");
  raw.run("PRAGMA journal_mode = WAL");
  // FULL: a 200 to Meta is a promise; NORMAL could lose the last commits on power loss.
  raw.run("PRAGMA synchronous = FULL");
  raw.run("PRAGMA foreign_keys = ON");
  raw.run("PRAGMA temp_store = MEMORY");
  raw.run("PRAGMA cache_size = -32000");
  // Customer data: readable by this user only, whatever the process umask.
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (path !== ":memory:" && existsSync(f)) chmodSync(f, 0o600);
  return {
    raw,
    path,
    query: (sql) => raw.query(sql) as never,
    tx: <T>(fn: () => T) => raw.transaction(fn)() as T,
    txRelaxed<T>(fn: () => T): T {
      if (raw.inTransaction) return raw.transaction(fn)() as T;
      raw.run("PRAGMA synchronous = NORMAL");
      try {
        return raw.transaction(fn)() as T;
      } finally {
        raw.run("PRAGMA synchronous = FULL");
      }
    },
    close: () => raw.close(false),
  };
}

/** Quick health probe used by /healthz. */
export function dbHealthy(db: Db): boolean {
  try {
    return db.query<{ ok: number }>("SELECT 1 AS ok").get()?.ok === 1;
  } catch {
    return false;
  }
}

/** Nightly upkeep: fold the WAL back into the database file and refresh the planner's statistics. */
export function maintain(db: Db): void {
  db.raw.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.raw.run("PRAGMA optimize");
}
