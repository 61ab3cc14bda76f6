import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type Db } from "./db";
import { DatabaseTooNewError, currentVersion, migrate, parseMigrations, pendingMigrations } from "./migrate";

const dirs: string[] = [];
function tempDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), "centralino-migrate-"));
  dirs.push(dir);
  return openDb(join(dir, "t.db"));
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("migrations", () => {
  test("the real migrations apply once, each recorded with its version", () => {
    const db = tempDb();
    const applied = migrate(db, 1000);
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(currentVersion(db)).toBe(applied.at(-1)!.version);
    expect(migrate(db)).toEqual([]);
    const rows = db.query<{ version: number; applied_at: number }>("SELECT version, applied_at FROM schema_migrations ORDER BY version").all();
    expect(rows.map((r) => r.version)).toEqual(applied.map((m) => m.version));
    expect(db.query<{ journal_mode: string }>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
    expect(db.query<{ synchronous: number }>("PRAGMA synchronous").get()!.synchronous).toBe(2);
    expect(db.query<{ foreign_keys: number }>("PRAGMA foreign_keys").get()!.foreign_keys).toBe(1);
    // FTS5 tables and their shadow tables are SQLite's own; every table we define is STRICT.
    const strict = db.query<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' AND sql NOT LIKE 'CREATE VIRTUAL%'").all();
    for (const t of strict) expect(`${t.name}: ${t.sql.trim().endsWith("STRICT") || /STRICT, WITHOUT ROWID$/.test(t.sql.trim())}`).toBe(`${t.name}: true`);
    db.close();
  });

  test("a failing migration rolls back entirely and leaves the version unchanged", () => {
    const db = tempDb();
    const list = parseMigrations({
      "0001_ok.sql": "CREATE TABLE a (x INTEGER) STRICT;",
      "0002_broken.sql": "CREATE TABLE b (y INTEGER) STRICT; INSERT INTO b VALUES ('not a number');",
    });
    expect(() => migrate(db, 1, list)).toThrow();
    expect(currentVersion(db)).toBe(1);
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeNull();
    expect(pendingMigrations(db, list).map((m) => m.name)).toEqual(["broken"]);
    db.close();
  });

  test("a database newer than the code is refused", () => {
    const db = tempDb();
    migrate(db, 1, parseMigrations({ "0001_a.sql": "SELECT 1;", "0002_b.sql": "SELECT 1;" }));
    expect(() => migrate(db, 1, parseMigrations({ "0001_a.sql": "SELECT 1;" }))).toThrow(DatabaseTooNewError);
    db.close();
  });

  test("file names must be numbered without gaps", () => {
    expect(() => parseMigrations({ "0001_a.sql": "", "0003_c.sql": "" })).toThrow("without gaps");
    expect(() => parseMigrations({ "1_a.sql": "" })).toThrow("0001_name.sql");
  });
});
