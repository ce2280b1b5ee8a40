-- +goose Up
-- owner names the run holding a `sending` row's lease: only that run may
-- record the row's outcome, so a run whose lease ran out cannot overwrite
-- the outcome of the run that took the row over.
ALTER TABLE deliveries ADD COLUMN owner TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE deliveries DROP COLUMN owner;
