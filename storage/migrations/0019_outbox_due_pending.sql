-- 0019: outbox_due holds only the pending messages. The Due pass, the
-- orphaned-edit check and the counts of pending messages ask only about
-- pending rows, but the index held every row ever sent, so it grew with
-- the history and every delete by retention had to update it. The columns
-- stay (status, next_at), so that those queries still search it by status.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (status, next_at) WHERE status = 'pending';

-- `porchlight outbox list` and the failed count read the failed messages
-- not dropped, `outbox list --dropped` all the failed ones, which
-- outbox_due no longer holds: one index of the failed rows serves both
-- (dropped rows are few, and retention prunes them).
DROP INDEX outbox_failed_open;
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
