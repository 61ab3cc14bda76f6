-- Accounts: roles (preset ones are kept in sync with the code's catalogue at start), users, browser sessions,
-- login throttling, two-step login challenges, TOTP recovery codes, teams and API tokens.
-- Secrets are never stored in the clear: sessions, tokens and codes by SHA-256, TOTP seeds sealed with SECRET_KEY.

CREATE TABLE roles (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,       -- owner, admin, ... or a slug for custom roles
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  preset INTEGER NOT NULL DEFAULT 0 CHECK (preset IN (0, 1)),
  permissions TEXT NOT NULL DEFAULT '[]',   -- JSON array of permission keys
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role_id INTEGER NOT NULL REFERENCES roles (id),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  language TEXT,                  -- NULL: follow the browser
  theme TEXT NOT NULL DEFAULT 'auto' CHECK (theme IN ('auto', 'light', 'dark')),
  capacity INTEGER,               -- concurrent conversations; NULL: the workspace default
  totp_secret TEXT,               -- sealed; set only once confirmed
  totp_pending TEXT,              -- sealed; a secret being set up, not yet confirmed
  totp_last_step INTEGER,         -- last accepted time step, so a code cannot be replayed
  must_change_password INTEGER NOT NULL DEFAULT 0,
  password_changed_at INTEGER NOT NULL,
  last_login_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX users_role ON users (role_id);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,            -- SHA-256 of the cookie token
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,    -- absolute end; idle expiry is checked against last_seen_at
  ip TEXT,
  user_agent TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,           -- 'email:<address>' or 'ip:<address>'
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  locked_until INTEGER
) STRICT;

CREATE TABLE login_challenges (
  id TEXT PRIMARY KEY,            -- SHA-256 of the cookie token of a login waiting for its second factor
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_path TEXT,
  expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE recovery_codes (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
) STRICT;

CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE team_members (
  team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,           -- first characters, shown so people can tell tokens apart
  role_id INTEGER REFERENCES roles (id),
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER,
  CHECK ((role_id IS NULL) <> (user_id IS NULL))
) STRICT;
