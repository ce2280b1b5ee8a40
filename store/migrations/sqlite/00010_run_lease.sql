-- +goose Up
-- A week's run is held by one process at a time: owner names it and
-- lease_until says until when. A run left unfinished (a crash, a stop) is
-- taken over by the next wake-up only once its lease has run out, so two
-- instances never run the same week side by side.
ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE runs DROP COLUMN lease_until;
ALTER TABLE runs DROP COLUMN owner;
