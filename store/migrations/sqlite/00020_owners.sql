-- +goose Up
-- owners lists the runs bound to a live process (Store.BindOwner): a
-- PostgreSQL session advisory lock or an flock beside the SQLite file
-- holds each. Only a listed owner whose lock is free is known dead, and
-- its rows are taken back at once; rows of any other owner wait out
-- their lease.
CREATE TABLE owners (
    owner    TEXT   PRIMARY KEY,
    bound_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE owners;
