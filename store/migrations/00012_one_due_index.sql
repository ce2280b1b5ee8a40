-- +goose Up
-- One index serves every claim query: pending rows (next_attempt is 0)
-- come out in member order, retries and expired leases in time order.
-- Each outcome then rewrites one index entry instead of two, and an
-- outcome's commit is the send loop's critical path.
DROP INDEX deliveries_pending;
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (issue_id, state, next_attempt, member_id);

-- +goose Down
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (issue_id, state, next_attempt);
CREATE INDEX deliveries_pending ON deliveries (issue_id, state, member_id);
