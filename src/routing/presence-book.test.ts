// The presence book over a real SQLite file: transitions, the write-through, heartbeat throttling and the sweep.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../platform/db";
import { migrate } from "../platform/migrate";
import { ManualClock } from "../platform/clock";
import { HEARTBEAT_WRITE_MS, PresenceBook } from "./presence-book";
import { listPresence } from "./store";

const dir = mkdtempSync(join(tmpdir(), "centralino-presence-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = openDb(join(dir, "t.db"));
migrate(db, 0);
const user = (email: string) =>
  Number(db.query("INSERT INTO users (email, name, password_hash, role_id, password_changed_at, created_at, updated_at) VALUES (?, 'x', 'x', (SELECT id FROM roles LIMIT 1), 0, 0, 0)").run(email).lastInsertRowid);
db.query("INSERT INTO roles (key, name, created_at, updated_at) VALUES ('agent', 'Agent', 0, 0)").run();
const GRACE = 180_000;
const clock = new ManualClock();
const stored = (id: number) => listPresence(db).find((r) => r.user_id === id);

describe("presence book", () => {
  const book = new PresenceBook(db, () => GRACE);
  const a = user("a@x.y");
  const b = user("b@x.y");

  test("an explicit status is stored and holds without a page", () => {
    expect(book.set(a, "online", "admin@x.y", clock.now())).toEqual({ userId: a, from: "offline", to: "online", wentOffline: false });
    expect(stored(a)).toMatchObject({ status: "online", heartbeat_at: null, changed_by: "admin@x.y" });
    clock.advance(10 * GRACE);
    expect(book.of(a, clock.now())).toBe("online");
    expect(book.sweep(clock.now())).toEqual([]);
  });

  test("heartbeats are written at most every HEARTBEAT_WRITE_MS, but count in memory at once", () => {
    expect(book.beat(b, clock.now())).toMatchObject({ from: "offline", to: "online" });
    const first = clock.now();
    clock.advance(HEARTBEAT_WRITE_MS / 2);
    expect(book.beat(b, clock.now())).toBeNull();
    expect(stored(b)!.heartbeat_at).toBe(first);
    clock.advance(HEARTBEAT_WRITE_MS);
    book.beat(b, clock.now());
    expect(stored(b)!.heartbeat_at).toBe(clock.now());
  });

  test("the sweep turns a silent page offline after the grace period, and a restart remembers", () => {
    clock.advance(GRACE);
    expect(book.sweep(clock.now())).toEqual([]);
    clock.advance(1);
    expect(book.sweep(clock.now())).toEqual([{ userId: b, from: "online", to: "offline", wentOffline: true }]);
    const again = new PresenceBook(db, () => GRACE);
    expect(again.of(b, clock.now())).toBe("offline");
    expect(again.of(a, clock.now())).toBe("online");
    expect(again.beat(b, clock.now())).toMatchObject({ to: "online" });
  });

  test("choosing offline hands conversations on once; a later beat does not undo the choice", () => {
    expect(book.set(a, "offline", "a@x.y", clock.now()).wentOffline).toBe(true);
    expect(book.set(a, "offline", "a@x.y", clock.now()).wentOffline).toBe(false);
    expect(book.beat(a, clock.now())).toBeNull();
    expect(book.of(a, clock.now())).toBe("offline");
  });
});
