-- Migration 3: a conversation's folder or document context. The source's
-- files (storage/sources.go) record the version of each file last read into
-- the conversation; excluded_json holds what the user left out (relative paths
-- of files, or of folders ending in "/"; "!" before one puts it back in).

CREATE TABLE conversation_sources (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    source_id       INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    excluded_json   TEXT    NOT NULL DEFAULT '[]',
    updated_at      INTEGER NOT NULL
);
CREATE INDEX conversation_sources_source ON conversation_sources(source_id);
