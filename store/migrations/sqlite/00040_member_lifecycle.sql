-- +goose Up
-- A member's own pause ends at paused_until (Unix ms); 0 is a pause
-- without an end (an import, the operator).
ALTER TABLE members ADD COLUMN paused_until BIGINT NOT NULL DEFAULT 0;

-- Why an address is suppressed: kind is unsubscribe, complaint, bounce or
-- manual; reason keeps what was said (a bounce's reply, a note) and
-- source where it came from. Rows written before this migration were all
-- the sender's hard bounces.
ALTER TABLE suppressions ADD COLUMN kind TEXT NOT NULL DEFAULT 'bounce';
ALTER TABLE suppressions ADD COLUMN source TEXT NOT NULL DEFAULT '';

-- Every change to a member: what (status, suppressed, consent, ...), the
-- values before and after, when, why and from where. Deleting a member
-- deletes their history; their suppression stays.
CREATE TABLE member_history (
    id         INTEGER PRIMARY KEY,
    member_id  BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    what       TEXT   NOT NULL,
    old_value  TEXT   NOT NULL DEFAULT '',
    new_value  TEXT   NOT NULL DEFAULT '',
    why        TEXT   NOT NULL DEFAULT '',
    source     TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX member_history_member ON member_history (member_id, id);

-- A member's opt-in after they had left: when, from where, the note.
CREATE TABLE member_consents (
    id        INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL,
    email     TEXT   NOT NULL,
    at        BIGINT NOT NULL,
    source    TEXT   NOT NULL,
    detail    TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX member_consents_member ON member_consents (member_id);

-- Soft bounces per member and issue; a streak of them over consecutive
-- issues makes the member bounced.
CREATE TABLE soft_bounces (
    member_id BIGINT NOT NULL,
    issue_id  TEXT   NOT NULL,
    at        BIGINT NOT NULL,
    detail    TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (member_id, issue_id)
);

-- once_keys makes a change happen at most once: an inbound message's key
-- (its Message-ID, a webhook's event id) is recorded in the transaction
-- that acts on it.
CREATE TABLE once_keys (
    key TEXT   PRIMARY KEY,
    at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE once_keys;
DROP TABLE soft_bounces;
DROP TABLE member_consents;
DROP TABLE member_history;
ALTER TABLE suppressions DROP COLUMN source;
ALTER TABLE suppressions DROP COLUMN kind;
ALTER TABLE members DROP COLUMN paused_until;
