-- Migration 2: the desktop app's model list and its downloads.

CREATE TABLE models (
    id             INTEGER PRIMARY KEY,
    path           TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL DEFAULT '',
    architecture   TEXT    NOT NULL DEFAULT '',
    params         INTEGER NOT NULL DEFAULT 0,
    active_params  INTEGER NOT NULL DEFAULT 0,
    quantization   TEXT    NOT NULL DEFAULT '',
    context_length INTEGER NOT NULL DEFAULT 0,
    size_bytes     INTEGER NOT NULL DEFAULT 0,
    mtime_ms       INTEGER NOT NULL DEFAULT 0,
    sha256         TEXT    NOT NULL DEFAULT '',
    added_at       INTEGER NOT NULL
);

CREATE TABLE downloads (
    id              TEXT    PRIMARY KEY,
    url             TEXT    NOT NULL,
    path            TEXT    NOT NULL,
    expected_sha256 TEXT    NOT NULL DEFAULT '',
    sha256          TEXT    NOT NULL DEFAULT '',
    received_bytes  INTEGER NOT NULL DEFAULT 0,
    total_bytes     INTEGER NOT NULL DEFAULT 0,
    state           TEXT    NOT NULL,
    error           TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
