-- +goose Up
-- owners lists the runs bound to a live process (Store.BindOwner): a
-- PostgreSQL session advisory lock or an flock beside the SQLite file
-- holds each. Only a listed owner whose lock is free is known dead, and
-- its rows are taken back at once; rows of any other owner wait out
-- their lease. issue_id names the issue a sending owner works on (empty
-- for a process's own owner, such as the scheduler's): a live one tells
-- other instances that the issue is being sent, so they join in.
CREATE TABLE owners (
    owner    TEXT   PRIMARY KEY,
    issue_id TEXT   NOT NULL DEFAULT '',
    bound_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE owners;
