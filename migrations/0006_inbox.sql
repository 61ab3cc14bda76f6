-- The agents' inbox and routing (PRODUCT.md C5, C6): the conversation timeline's events, notes with mentions,
-- personal notifications, quick replies, agent presence, routing settings per number and team, the waiting
-- queue's order, and full-text search (FTS5) over messages, contacts and notes.

-- Everything that happens to a conversation besides messages: assignment (with the routing decision and its
-- reason), transfers, resolve/reopen, snooze and wake-up, marked unread. Shown in the conversation.
CREATE TABLE conversation_events (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,                 -- assigned, unassigned, queued, transferred, resolved, reopened, snoozed, woke, marked_unread
  actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'system')),
  actor_id INTEGER,
  actor_label TEXT NOT NULL,
  detail TEXT                         -- JSON: agent_id, team_id, reason, strategy, note, until, position ...
) STRICT;
CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, at);

-- Notes about a customer; a note written in a conversation is also shown there (internal, never sent).
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  author_label TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX notes_contact ON notes (contact_id, created_at);
CREATE INDEX notes_conversation ON notes (conversation_id, created_at);

CREATE TABLE note_mentions (
  note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (note_id, user_id)
) STRICT, WITHOUT ROWID;

-- A person's own notifications: a conversation assigned to them, a mention in a note.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('assigned', 'mention', 'transferred')),
  conversation_id INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
  note_id INTEGER REFERENCES notes (id) ON DELETE CASCADE,
  actor_label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  read_at INTEGER
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);

-- Saved answers typed as /shortcut in the composer; owner NULL = shared with everyone.
CREATE TABLE quick_replies (
  id INTEGER PRIMARY KEY,
  shortcut TEXT NOT NULL,
  text TEXT NOT NULL,
  owner_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX quick_replies_shortcut ON quick_replies (coalesce(owner_id, 0), shortcut);

-- Agents' presence: set by the agent, kept alive by the page's heartbeat (a background tab pauses its stream,
-- so presence is not the SSE connection), and changed by supervisors.
CREATE TABLE agent_presence (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('online', 'away', 'offline')),
  heartbeat_at INTEGER,
  changed_at INTEGER NOT NULL,
  changed_by TEXT
) STRICT;

-- Routing settings: a number routes to a team (or to everyone allowed), a team picks agents by a strategy and
-- may claim conversations by language, keyword or tag (skills).
ALTER TABLE numbers ADD COLUMN routing_strategy TEXT NOT NULL DEFAULT 'least_load';
ALTER TABLE numbers ADD COLUMN routing_team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL;
ALTER TABLE teams ADD COLUMN routing_strategy TEXT NOT NULL DEFAULT 'least_load';
ALTER TABLE teams ADD COLUMN skill_languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE teams ADD COLUMN skill_keywords TEXT NOT NULL DEFAULT '[]';
ALTER TABLE teams ADD COLUMN skill_tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE teams ADD COLUMN last_assigned_user_id INTEGER;

-- The waiting queue (open, nobody assigned) is ordered by waiting_since, longest first; first and last replies
-- written by a person drive the "not answered within N minutes" reassignment and the response-time reports.
ALTER TABLE conversations ADD COLUMN waiting_since INTEGER;
ALTER TABLE conversations ADD COLUMN assigned_at INTEGER;
ALTER TABLE conversations ADD COLUMN first_reply_at INTEGER;
ALTER TABLE conversations ADD COLUMN last_reply_at INTEGER;
CREATE INDEX conversations_queue ON conversations (waiting_since) WHERE status = 'open' AND assignee_id IS NULL;

-- Full-text search. External-content tables fed by triggers, so search never reads stale rows; unicode61
-- folds accents, so "caffe" finds "caffè".
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages WHEN new.text <> '' BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages WHEN old.text <> '' BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) SELECT 'delete', old.id, old.text WHERE old.text <> '';
  INSERT INTO messages_fts (rowid, text) SELECT new.id, new.text WHERE new.text <> '';
END;
INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE text <> '';

CREATE VIRTUAL TABLE contacts_fts USING fts5 (name, phone, content = 'contacts', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts (rowid, name, phone) VALUES (new.id, new.name, coalesce(new.phone, ''));
END;
CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, coalesce(old.phone, ''));
END;
-- WHEN: every inbound message refreshes the contact with name in its SET list; re-indexing an unchanged name
-- on each message cost as much as indexing the message itself.
CREATE TRIGGER contacts_fts_au AFTER UPDATE OF name, phone ON contacts WHEN old.name IS NOT new.name OR old.phone IS NOT new.phone BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, coalesce(old.phone, ''));
  INSERT INTO contacts_fts (rowid, name, phone) VALUES (new.id, new.name, coalesce(new.phone, ''));
END;
INSERT INTO contacts_fts (rowid, name, phone) SELECT id, name, coalesce(phone, '') FROM contacts;

CREATE VIRTUAL TABLE notes_fts USING fts5 (text, content = 'notes', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER notes_fts_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER notes_fts_ad AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER notes_fts_au AFTER UPDATE OF text ON notes WHEN old.text IS NOT new.text BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
END;
