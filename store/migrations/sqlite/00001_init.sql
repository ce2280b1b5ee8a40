-- +goose Up
CREATE TABLE members (
    id          INTEGER PRIMARY KEY,
    email       TEXT    NOT NULL,
    email_key   TEXT    NOT NULL UNIQUE, -- lower(email): re-import matches ignoring case
    name        TEXT    NOT NULL DEFAULT '',
    tier        TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,
    deliver_pdf TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX members_status ON members (status, id);

CREATE TABLE suppressions (
    email_key  TEXT   PRIMARY KEY,
    email      TEXT   NOT NULL,
    reason     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

-- deliveries is the ledger: one row per (issue, member). Times are Unix
-- milliseconds; next_attempt is the retry time (failed_temp) or the lease
-- end (sending).
CREATE TABLE deliveries (
    issue_id     TEXT    NOT NULL,
    member_id    INTEGER NOT NULL REFERENCES members (id),
    state        TEXT    NOT NULL,
    message_id   TEXT    NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    first_try    BIGINT  NOT NULL DEFAULT 0,
    next_attempt BIGINT  NOT NULL DEFAULT 0,
    reply        TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (issue_id, member_id)
);
CREATE INDEX deliveries_due ON deliveries (issue_id, state, next_attempt);
CREATE INDEX deliveries_pending ON deliveries (issue_id, state, member_id);

CREATE TABLE issues (
    week     TEXT   PRIMARY KEY,
    built_at BIGINT NOT NULL,
    pdf_path TEXT   NOT NULL DEFAULT ''
);

CREATE TABLE runs (
    week        TEXT   PRIMARY KEY,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE runs;
DROP TABLE issues;
DROP TABLE deliveries;
DROP TABLE suppressions;
DROP TABLE members;
