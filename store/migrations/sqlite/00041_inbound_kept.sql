-- +goose Up
-- Inbound messages Folio did not act on (not understood, about nobody it
-- knows, malformed, too big): kept for the operator, one row per message
-- key, with the message's first bytes.
CREATE TABLE inbound_kept (
    id     INTEGER PRIMARY KEY,
    key    TEXT    NOT NULL UNIQUE,
    at     BIGINT  NOT NULL,
    source TEXT    NOT NULL,
    kind   TEXT    NOT NULL,
    reason TEXT    NOT NULL,
    size   BIGINT  NOT NULL,
    raw    BLOB    NOT NULL
);

-- +goose Down
DROP TABLE inbound_kept;
