-- +goose Up
-- A member's archive reads their ledger rows across issues.
CREATE INDEX deliveries_member ON deliveries (member_id, issue_id);

-- +goose Down
DROP INDEX deliveries_member;
