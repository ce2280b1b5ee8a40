-- +goose Up
-- Built issues kept in the database, for stores shared by several
-- instances: every file of a week's issue (the PDF, the web version, the
-- email parts, the photos, the manifest) under a generation. A rebuild
-- writes a new generation and moves issue_current to it in the same
-- transaction, so readers see the old issue or the new one, never a mix.
CREATE TABLE issue_files (
    week       TEXT    NOT NULL,
    generation BIGINT  NOT NULL,
    name       TEXT    NOT NULL,
    data       BYTEA   NOT NULL,
    size       BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (week, generation, name)
);
-- PDFs and photos are compressed already: store them out of line as they
-- are, without TOAST trying to compress them again.
ALTER TABLE issue_files ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE issue_current (
    week         TEXT   PRIMARY KEY,
    generation   BIGINT NOT NULL,
    published_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE issue_current;
DROP TABLE issue_files;
