-- The built-in WhatsApp simulator (PRODUCT.md C4): Meta's side of the Cloud API. It is kept apart from the
-- app's own tables (numbers, templates, contacts, messages) on purpose: the app sees the simulator only through
-- HTTP, the fake Graph API and signed webhooks, exactly as it sees Meta, so nothing here may be read by the app.
-- Numbers and templates as Meta holds them, the fake customers, what each fake phone shows, uploaded media.
-- Times are Unix milliseconds.

CREATE TABLE sim_numbers (
  id INTEGER PRIMARY KEY,
  phone_number_id TEXT NOT NULL UNIQUE,
  waba_id TEXT NOT NULL,
  display_phone_number TEXT NOT NULL,         -- as Meta formats it: "+39 02 1234 5678"
  verified_name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL,                 -- hex SHA-256 of the access token: Bearer tokens are checked like Meta
  quality_rating TEXT NOT NULL DEFAULT 'GREEN',
  messaging_limit_tier TEXT NOT NULL DEFAULT 'TIER_1K',
  throughput_level TEXT NOT NULL DEFAULT 'STANDARD',
  portfolio TEXT NOT NULL DEFAULT '',         -- business portfolio (shares the messaging limit, a later check)
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sim_numbers_waba ON sim_numbers (waba_id);

CREATE TABLE sim_customers (
  id INTEGER PRIMARY KEY,
  phone TEXT NOT NULL UNIQUE,                 -- digits as dialled, no "+"
  wa_id TEXT NOT NULL,                        -- what WhatsApp reports: differs for Mexico and old Brazilian accounts
  name TEXT NOT NULL DEFAULT '',
  user_id TEXT,                               -- business-scoped user id, when modelled
  kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'load')),  -- load-mode customers stay out of the picker
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sim_customers_wa_id ON sim_customers (wa_id);

-- What each fake phone shows, both directions. `direction` is the business's view: in = the customer wrote.
-- Outbound: accepted → sent → delivered → read, or failed. Inbound: sent → delivered (the app answered 200)
-- → read (the business marked it read).
CREATE TABLE sim_messages (
  id INTEGER PRIMARY KEY,
  number_id INTEGER NOT NULL REFERENCES sim_numbers (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES sim_customers (id) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  wamid TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,                      -- JSON: the message object as sent (out) or as webhooked (in)
  status TEXT NOT NULL CHECK (status IN ('accepted', 'sent', 'delivered', 'read', 'failed')),
  error TEXT,                                 -- JSON errors[] of a failed send
  opaque TEXT,                                -- biz_opaque_callback_data, echoed in status webhooks
  category TEXT,                              -- pricing category of an outbound message
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sim_messages_thread ON sim_messages (number_id, customer_id, id);

CREATE TABLE sim_templates (
  id INTEGER PRIMARY KEY,
  meta_id TEXT NOT NULL UNIQUE,
  waba_id TEXT NOT NULL,
  name TEXT NOT NULL,
  language TEXT NOT NULL,
  category TEXT NOT NULL,                     -- MARKETING / UTILITY / AUTHENTICATION
  status TEXT NOT NULL,                       -- PENDING → APPROVED / REJECTED; PAUSED, DISABLED
  parameter_format TEXT NOT NULL DEFAULT 'positional',
  components TEXT NOT NULL DEFAULT '[]',      -- JSON as Meta returns it
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (waba_id, name, language)
) STRICT;

CREATE TABLE sim_media (
  id INTEGER PRIMARY KEY,
  media_id TEXT NOT NULL UNIQUE,              -- Meta-style numeric id
  phone_number_id TEXT NOT NULL,              -- the owner: only its token may read it
  mime_type TEXT NOT NULL,
  sha256 TEXT NOT NULL,                       -- base64, as Meta reports it
  size INTEGER NOT NULL,
  filename TEXT,
  path TEXT NOT NULL,                         -- relative to DATA_DIR/simulator/media
  created_at INTEGER NOT NULL
) STRICT;
