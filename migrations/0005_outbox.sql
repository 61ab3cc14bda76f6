-- The way out: one durable outbox that every outbound message passes through (agents, bots, API, campaigns),
-- drained by one paced send loop per number (PRODUCT.md C8, C10). A row lives only while its message waits or
-- is being sent; the message itself carries the outcome.

CREATE TABLE outbox (
  -- AUTOINCREMENT: ids are never reused, because biz_opaque_callback_data ("ob:<id>") names one send attempt.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
  number_id INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
  lane INTEGER NOT NULL DEFAULT 0 CHECK (lane IN (0, 1)),      -- 0: replies and bots, 1: bulk
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending')),
  not_before INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  claimed_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (number_id, status, lane, not_before, id);

-- Unique customers reached outside their 24-hour window in the last 24 hours, per business portfolio: Meta's
-- messaging limit (250 → 2,000 → ... → unlimited) is shared by the portfolio's numbers.
CREATE TABLE portfolio_reach (
  portfolio TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  reached_at INTEGER NOT NULL,
  PRIMARY KEY (portfolio, contact_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX portfolio_reach_time ON portfolio_reach (portfolio, reached_at);

-- Meta's per-user marketing cap (131049): no marketing to this contact before `until`.
CREATE TABLE marketing_holds (
  contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  until INTEGER NOT NULL
) STRICT;

-- Idempotency-Key on POSTs that create messages or campaigns: the same key from the same caller gets the
-- same answer for 24 hours instead of a second message.
CREATE TABLE idempotency_keys (
  actor TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (actor, key)
) STRICT, WITHOUT ROWID;

-- Where a number left at the default rate stands on its ramp (20 → 60/min), and why a number stopped sending.
ALTER TABLE numbers ADD COLUMN ramp_rate INTEGER;
ALTER TABLE numbers ADD COLUMN ramp_reviewed_at INTEGER;
ALTER TABLE numbers ADD COLUMN paused_reason TEXT;
