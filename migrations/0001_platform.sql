-- Platform tables every capability uses: runtime settings edited in the UI, the audit log (who did what, kept
-- from the first start) and admin alerts (the notification list in the header).
-- Times are Unix milliseconds (INTEGER) throughout; the API renders them as ISO 8601 UTC.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,            -- JSON
  updated_at INTEGER NOT NULL,
  updated_by INTEGER              -- users.id, NULL for the system
) STRICT;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'system', 'anonymous')),
  actor_id INTEGER,
  actor_label TEXT NOT NULL,      -- email or token name at the time, so entries stay readable after deletes
  action TEXT NOT NULL,           -- e.g. auth.login, users.create, settings.update
  target_kind TEXT,
  target_id TEXT,
  target_label TEXT,
  ip TEXT,
  user_agent TEXT,
  details TEXT                    -- JSON, never secrets
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action_at ON audit_log (action, at);
CREATE INDEX audit_log_actor_at ON audit_log (actor_label, at);

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'critical')),
  dedupe_key TEXT,                -- one open alert per key: a repeated condition updates it instead of piling up
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT,                      -- a relative URL where the admin can act
  i18n TEXT,                      -- JSON {"title":[key,vars],"body":[key,vars]}: shown in each reader's language
  occurrences INTEGER NOT NULL DEFAULT 1,
  dismissed_at INTEGER,
  dismissed_by INTEGER
) STRICT;
CREATE UNIQUE INDEX alerts_open_key ON alerts (dedupe_key) WHERE dismissed_at IS NULL AND dedupe_key IS NOT NULL;
CREATE INDEX alerts_open ON alerts (dismissed_at, updated_at);
