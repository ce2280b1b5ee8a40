-- +goose Up
-- send_budget is the sending allowance every run and every instance
-- shares (delivery.Budget): one row per token bucket ("rate", "hourly",
-- "domain:gmail.com") or per day's window ("day:2026-03-06", the warm-up
-- cap). milli is a bucket's tokens left, or a window's tokens used, in
-- thousandths; at_ms is when a bucket was last brought up to date, or a
-- window's start (Unix milliseconds).
CREATE TABLE send_budget (
    name  TEXT   PRIMARY KEY,
    milli BIGINT NOT NULL,
    at_ms BIGINT NOT NULL
);

-- +goose Down
DROP TABLE send_budget;
