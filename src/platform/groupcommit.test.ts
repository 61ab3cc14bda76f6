import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type Db } from "./db";
import { GroupCommit } from "./groupcommit";

const dirs: string[] = [];
const open: { close(): void }[] = [];
afterEach(() => {
  open.splice(0).forEach((d) => d.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A real database file with two tables, and a second connection that only sees what was committed. */
function setup(): { db: Db; other: Database; rows: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), "centralino-groupcommit-"));
  dirs.push(dir);
  const db = openDb(join(dir, "t.db"));
  db.raw.run("CREATE TABLE parent (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE) STRICT");
  db.raw.run("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id)) STRICT");
  const other = new Database(join(dir, "t.db"), { readonly: true });
  open.push(other, db);
  const rows = () => other.query<{ v: string }, []>("SELECT v FROM parent ORDER BY id").all().map((r) => r.v);
  return { db, other, rows };
}

const insert = (db: Db, v: string) => db.query("INSERT INTO parent (v) VALUES (?)").run(v);

describe("group commit", () => {
  test("units of one turn share one transaction; a unit that throws rolls back only its own writes", async () => {
    const { db, rows } = setup();
    const g = new GroupCommit(db);
    const a = g.run(() => (insert(db, "a"), "A"));
    const bad = g.run(() => {
      insert(db, "b-partial");
      insert(db, "a"); // UNIQUE violation: this unit's first insert must go too
    });
    const c = g.run(() => (insert(db, "c"), "C"));
    // Nothing is committed (or answered) before the turn's flush.
    expect(rows()).toEqual([]);
    expect(await a).toBe("A");
    expect(await c).toBe("C");
    await expect(bad).rejects.toThrow(/UNIQUE/);
    expect(rows()).toEqual(["a", "c"]);
    expect(g.stats).toEqual({ units: 2, batches: 1, largest: 3 });
    expect(db.raw.inTransaction).toBe(false);
    expect(db.query<{ synchronous: number }>("PRAGMA synchronous").get()!.synchronous).toBe(2);
  });

  test("a resolved unit is already visible to another connection, and its emits run only after the commit", async () => {
    const { db, rows } = setup();
    const g = new GroupCommit(db);
    const seenByEmit: string[][] = [];
    let failedEmitRan = false;
    const ok = g.run((emits) => {
      insert(db, "x");
      emits.push(() => seenByEmit.push(rows()));
    });
    const failing = g.run((emits) => {
      emits.push(() => (failedEmitRan = true));
      throw new Error("no");
    });
    await ok;
    await failing.catch(() => {});
    expect(seenByEmit).toEqual([["x"]]);
    expect(failedEmitRan).toBe(false);
    expect(rows()).toEqual(["x"]);
  });

  test("if the COMMIT itself fails, every unit of the batch is rejected and nothing is written", async () => {
    const { db, rows } = setup();
    const g = new GroupCommit(db);
    let emitted = 0;
    const first = g.run((emits) => {
      insert(db, "kept?");
      emits.push(() => emitted++);
    });
    // A deferred foreign key is only checked at COMMIT: the whole batch's COMMIT fails.
    const breaker = g.run(() => {
      db.raw.run("PRAGMA defer_foreign_keys = ON");
      db.query("INSERT INTO child (parent_id) VALUES (999)").run();
    });
    const results = await Promise.allSettled([first, breaker]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(emitted).toBe(0);
    expect(rows()).toEqual([]);
    expect(db.raw.inTransaction).toBe(false);
    // The connection is usable for the next turn.
    await g.run(() => insert(db, "after"));
    expect(rows()).toEqual(["after"]);
  });

  test("units submitted in later turns get their own commit", async () => {
    const { db, rows } = setup();
    const g = new GroupCommit(db);
    await g.run(() => insert(db, "1"));
    await g.run(() => insert(db, "2"));
    expect(rows()).toEqual(["1", "2"]);
    expect(g.stats.batches).toBe(2);
  });
});
