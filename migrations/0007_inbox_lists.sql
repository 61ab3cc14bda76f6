-- The inbox lists at 10M messages (PRODUCT.md P4): every list walks an index in its own sort order and stops
-- after one page, instead of computing a sort key for every conversation of the view and sorting them.

-- Since when the customer waits for an answer: the first customer message after the last reply (NULL when
-- answered). It was a correlated subquery over messages per row, which made "longest waiting first" cost one
-- index seek per waiting conversation (332k of them at 10M messages) before the first row could be returned.
-- Kept by the conversations store on each inbound message and each reply.
ALTER TABLE conversations ADD COLUMN unanswered_since INTEGER;
UPDATE conversations SET unanswered_since = (
    SELECT m.created_at FROM messages m
    WHERE m.conversation_id = conversations.id AND m.created_at > coalesce(conversations.last_reply_at, 0) AND m.direction = 'in'
    ORDER BY m.created_at LIMIT 1)
  WHERE last_inbound_at IS NOT NULL AND (last_reply_at IS NULL OR last_reply_at < last_inbound_at);

-- The waiting view, longest waiting first, per status (open by default) and across statuses (history). The
-- WHERE is the view's own filter, written the same way in inbox/store.ts, so SQLite can use the partial index.
CREATE INDEX conversations_waiting ON conversations (status, coalesce(unanswered_since, waiting_since, last_message_at))
  WHERE last_inbound_at IS NOT NULL AND (last_reply_at IS NULL OR last_reply_at < last_inbound_at);
CREATE INDEX conversations_waiting_all ON conversations (coalesce(unanswered_since, waiting_since, last_message_at))
  WHERE last_inbound_at IS NOT NULL AND (last_reply_at IS NULL OR last_reply_at < last_inbound_at);

-- The unassigned view in the routing queue's order (waiting_since; the queue index only holds open ones).
CREATE INDEX conversations_unassigned ON conversations (status, coalesce(waiting_since, last_message_at)) WHERE assignee_id IS NULL;

-- Newest activity first across statuses (team and waiting history lists): without it a status=all list sorted
-- all 635k conversations to return 50.
CREATE INDEX conversations_recent ON conversations (last_message_at);

-- The view tabs' counts read only open conversations; with every column they test in one partial index the
-- counts never touch the table rows (thousands of random page reads per page view under a busy queue).
CREATE INDEX conversations_open_facts ON conversations (number_id, assignee_id, team_id, last_inbound_at, last_reply_at) WHERE status = 'open';
