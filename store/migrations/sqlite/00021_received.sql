-- +goose Up
-- received is the compact record that outlives pruned ledger rows
-- (folio prune): which issues each member was sent, so their archive
-- keeps working once the per-(issue, member) rows are gone.
CREATE TABLE received (
    member_id BIGINT NOT NULL,
    issue_id  TEXT   NOT NULL,
    PRIMARY KEY (member_id, issue_id)
);

-- +goose Down
DROP TABLE received;
