-- +goose Up
-- One index serves every claim query: pending rows (next_attempt is 0)
-- come out in member order, retries and expired leases in time order.
-- It holds only rows still to send, so an outcome deletes one entry and
-- (when final) inserts none: an outcome's commit is the send loop's
-- critical path, and every page it dirties is one more WAL frame.
DROP INDEX deliveries_pending;
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (issue_id, state, next_attempt, member_id)
    WHERE state IN ('pending', 'sending', 'failed_temp');

-- +goose Down
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (issue_id, state, next_attempt);
CREATE INDEX deliveries_pending ON deliveries (issue_id, state, member_id);
