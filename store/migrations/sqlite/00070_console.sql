-- +goose Up
-- The editors' console: accounts (the password as a bcrypt hash), their
-- sessions (the cookie's token only as a SHA-256 hash), the login
-- throttle, the audit log, sends scheduled and paused from the console,
-- and each issue's figures for the dashboard.
CREATE TABLE editors (
    id         INTEGER PRIMARY KEY,
    email      TEXT   NOT NULL,
    email_key  TEXT   NOT NULL UNIQUE,
    role       TEXT   NOT NULL,
    password   TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE editor_sessions (
    id         TEXT   PRIMARY KEY,
    editor_id  BIGINT NOT NULL REFERENCES editors (id) ON DELETE CASCADE,
    csrf       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX editor_sessions_editor ON editor_sessions (editor_id);

-- One row per account ("account:ann@example.org") and per address
-- ("address:192.0.2.1") with recent failed logins.
CREATE TABLE login_throttle (
    key          TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start BIGINT  NOT NULL,
    locked_until BIGINT  NOT NULL
);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     BIGINT NOT NULL,
    editor TEXT   NOT NULL,
    action TEXT   NOT NULL,
    target TEXT   NOT NULL DEFAULT '',
    detail TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

-- A week's send scheduled for a time (cancellable while scheduled), and
-- a week whose send an editor paused: every instance's send of it stops.
CREATE TABLE send_plans (
    week       TEXT   PRIMARY KEY,
    state      TEXT   NOT NULL,
    at         BIGINT NOT NULL,
    editor     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE send_holds (
    week   TEXT   PRIMARY KEY,
    editor TEXT   NOT NULL,
    at     BIGINT NOT NULL
);

-- The dashboard's figures of an issue, computed once its send is over
-- (and again while late bounces and complaints may arrive), so a page
-- never counts millions of ledger rows.
CREATE TABLE issue_stats (
    week        TEXT   PRIMARY KEY,
    total       BIGINT NOT NULL,
    sent        BIGINT NOT NULL,
    failed      BIGINT NOT NULL,
    retrying    BIGINT NOT NULL,
    pending     BIGINT NOT NULL,
    skipped     BIGINT NOT NULL,
    bounces     BIGINT NOT NULL,
    complaints  BIGINT NOT NULL,
    computed_at BIGINT NOT NULL
);

-- A week's failed deliveries, listed with the relay's reply on its page
-- and retried from there, without reading the rows that went out.
CREATE INDEX deliveries_failed ON deliveries (issue_id, member_id) WHERE state IN ('failed_temp', 'failed_perm');

-- Member search: prefixes of the address and of the name.
CREATE INDEX members_name_key ON members (lower(name));


-- +goose Down
DROP INDEX deliveries_failed;
DROP INDEX members_name_key;
DROP TABLE issue_stats;
DROP TABLE send_holds;
DROP TABLE send_plans;
DROP TABLE audit_log;
DROP TABLE login_throttle;
DROP TABLE editor_sessions;
DROP TABLE editors;
