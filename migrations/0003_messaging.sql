-- The way in: WhatsApp numbers and their templates, raw webhook events (stored before the 200 to Meta), and
-- the message model every later capability stands on: contacts, conversations, messages, media (PRODUCT.md
-- D1-D3, C3). Times are Unix milliseconds; Meta's own timestamps are converted from seconds on the way in.

CREATE TABLE numbers (
  id INTEGER PRIMARY KEY,
  phone_number_id TEXT NOT NULL UNIQUE,       -- Meta's id of the number: webhooks are routed by it
  waba_id TEXT NOT NULL,
  display_phone_number TEXT NOT NULL,         -- E.164
  name TEXT NOT NULL,
  portfolio TEXT NOT NULL DEFAULT '',         -- business portfolio: its numbers share one messaging limit
  access_token TEXT NOT NULL,                 -- sealed with SECRET_KEY, never shown again
  simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
  status TEXT NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'disabled', 'error')),
  send_rate_per_min INTEGER CHECK (send_rate_per_min BETWEEN 1 AND 4800),  -- NULL: the default ramp
  default_language TEXT NOT NULL DEFAULT 'en',
  verified_name TEXT,
  quality_rating TEXT,                        -- GREEN / YELLOW / RED / UNKNOWN
  messaging_limit_tier TEXT,                  -- TIER_250 ... TIER_UNLIMITED
  throughput_level TEXT,
  name_status TEXT,
  code_verification_status TEXT,
  account_status TEXT,                        -- from account_update webhooks (e.g. RESTRICTED)
  last_error TEXT,
  last_error_at INTEGER,
  health_checked_at INTEGER,
  templates_synced_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX numbers_waba ON numbers (waba_id);

CREATE TABLE team_numbers (
  team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  number_id INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, number_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX team_numbers_number ON team_numbers (number_id);

-- What happened to a number, newest first on its health panel: quality and limit changes, account events, errors.
CREATE TABLE number_events (
  id INTEGER PRIMARY KEY,
  number_id INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  summary TEXT NOT NULL,
  detail TEXT                                 -- JSON
) STRICT;
CREATE INDEX number_events_number ON number_events (number_id, at);

CREATE TABLE templates (
  id INTEGER PRIMARY KEY,
  waba_id TEXT NOT NULL,
  meta_id TEXT,
  name TEXT NOT NULL,
  language TEXT NOT NULL,
  category TEXT NOT NULL,                     -- MARKETING / UTILITY / AUTHENTICATION
  status TEXT NOT NULL,                       -- APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
  parameter_format TEXT NOT NULL DEFAULT 'positional',
  components TEXT NOT NULL DEFAULT '[]',      -- JSON as Meta returns it
  quality TEXT,
  reason TEXT,                                -- rejection or pause reason
  updated_at INTEGER NOT NULL,
  UNIQUE (waba_id, name, language)
) STRICT;

-- Raw webhook POST bodies, committed (group commit) before Meta gets its 200; a processor drains them.
CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  processed_at INTEGER
) STRICT;
CREATE INDEX webhook_events_pending ON webhook_events (id) WHERE status = 'pending';
CREATE INDEX webhook_events_failed ON webhook_events (id) WHERE status = 'failed';

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  phone TEXT,                                 -- E.164; NULL for people known only by a username id
  wa_id TEXT,                                 -- the digits Meta uses (may differ from phone: Brazil, Mexico)
  user_id TEXT,                               -- Meta's business-scoped user id
  name TEXT NOT NULL DEFAULT '',
  profile_name TEXT,                          -- the name WhatsApp reports
  country TEXT,                               -- ISO 3166-1 alpha-2, from the phone
  language TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',      -- JSON object of typed attributes
  opted_out INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
  opted_out_at INTEGER,
  opted_out_source TEXT,
  consent_at INTEGER,
  consent_source TEXT,
  last_inbound_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX contacts_phone ON contacts (phone) WHERE phone IS NOT NULL;
CREATE INDEX contacts_wa_id ON contacts (wa_id) WHERE wa_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_user_id ON contacts (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE contact_tags (
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  tag TEXT NOT NULL COLLATE NOCASE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (contact_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX contact_tags_tag ON contact_tags (tag, contact_id);

-- The 24-hour customer service window belongs to (number, contact): the customer's last message time as Meta
-- reports it. A webhook retried hours later carries the old timestamp, so it cannot reopen the window.
CREATE TABLE contact_windows (
  number_id INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  last_inbound_at INTEGER NOT NULL,
  PRIMARY KEY (number_id, contact_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  number_id INTEGER NOT NULL REFERENCES numbers (id),
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'snoozed', 'resolved')),
  assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL,
  unread INTEGER NOT NULL DEFAULT 0,
  last_message_at INTEGER NOT NULL,
  last_inbound_at INTEGER,
  snoozed_until INTEGER,
  resolved_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
-- One conversation that is not resolved per (number, contact); a message after resolve opens a new one.
CREATE UNIQUE INDEX conversations_active ON conversations (number_id, contact_id) WHERE status <> 'resolved';
CREATE INDEX conversations_contact ON conversations (contact_id, created_at);
CREATE INDEX conversations_status ON conversations (status, last_message_at);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status, last_message_at);
CREATE INDEX conversations_number ON conversations (number_id, status, last_message_at);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  number_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  wamid TEXT,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  type TEXT NOT NULL,
  text TEXT NOT NULL DEFAULT '',              -- body, caption or title: what search and previews show
  payload TEXT NOT NULL DEFAULT '{}',         -- the type's object (JSON), as received or sent
  context_wamid TEXT,                         -- the message this one replies to or reacts to
  author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'agent', 'bot', 'api', 'campaign', 'system')),
  author_id TEXT,
  opaque TEXT,                                -- biz_opaque_callback_data sent with it (outbound)
  status TEXT CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled')),
  error_code INTEGER,
  error_title TEXT,
  error_details TEXT,
  pricing_category TEXT,
  pricing_type TEXT,
  billable INTEGER,
  created_at INTEGER NOT NULL,                -- inbound: Meta's timestamp; outbound: when written
  received_at INTEGER,
  sent_at INTEGER,
  delivered_at INTEGER,
  read_at INTEGER,
  failed_at INTEGER
) STRICT;
CREATE UNIQUE INDEX messages_wamid ON messages (wamid) WHERE wamid IS NOT NULL;
CREATE UNIQUE INDEX messages_opaque ON messages (opaque) WHERE opaque IS NOT NULL;
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);

-- A status that arrived before its message was known (Meta does not order webhooks): held, applied later.
CREATE TABLE held_statuses (
  id INTEGER PRIMARY KEY,
  wamid TEXT,
  opaque TEXT,
  status TEXT NOT NULL,
  payload TEXT NOT NULL,                      -- the status object as received
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX held_statuses_wamid ON held_statuses (wamid);
CREATE INDEX held_statuses_opaque ON held_statuses (opaque);

CREATE TABLE media (
  id INTEGER PRIMARY KEY,
  message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
  number_id INTEGER NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  wa_media_id TEXT,                           -- Meta's id; inbound ids expire after 7 days
  mime_type TEXT,
  sha256 TEXT,                                -- base64, as Meta reports it
  size INTEGER,
  filename TEXT,
  path TEXT,                                  -- relative to DATA_DIR/media
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  error TEXT,
  created_at INTEGER NOT NULL,
  ready_at INTEGER
) STRICT;
CREATE INDEX media_pending ON media (next_attempt_at) WHERE status = 'pending';
CREATE INDEX media_message ON media (message_id);
