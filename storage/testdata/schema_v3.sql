-- The Hearth schema at version 3 (migrations 0001 to 0003), frozen: the
-- migration tests build version-3 databases from this copy alone.

-- Migration 1: the initial Hearth schema. Frozen once released; later changes
-- go in new numbered files, never edits to this one.

CREATE TABLE conversations (
    id             INTEGER PRIMARY KEY,
    title          TEXT    NOT NULL DEFAULT '',
    model          TEXT    NOT NULL DEFAULT '',
    system_prompt  TEXT    NOT NULL DEFAULT '',
    settings_json  TEXT    NOT NULL DEFAULT '{}',
    pinned         INTEGER NOT NULL DEFAULT 0,
    active_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    deleted_at     INTEGER
);
CREATE INDEX conversations_list ON conversations(deleted_at, pinned DESC, updated_at DESC);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id         INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    role              TEXT    NOT NULL,
    content           TEXT    NOT NULL DEFAULT '',
    token_count       INTEGER NOT NULL DEFAULT 0,
    model             TEXT    NOT NULL DEFAULT '',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens     INTEGER NOT NULL DEFAULT 0,
    prefill_ms        INTEGER NOT NULL DEFAULT 0,
    decode_ms         INTEGER NOT NULL DEFAULT 0,
    stop_reason       TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_parent ON messages(parent_id, id);

CREATE VIRTUAL TABLE messages_fts USING fts5(
    content,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;

CREATE TABLE blobs (
    sha256     TEXT    PRIMARY KEY,
    mime       TEXT    NOT NULL DEFAULT '',
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    thumbnail  BLOB,
    thumb_mime TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('folder', 'document')),
    path         TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    model_digest TEXT    NOT NULL DEFAULT '',
    total_tokens INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX sources_path ON sources(kind, path);

CREATE TABLE source_files (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    rel_path    TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0,
    mtime_ms    INTEGER NOT NULL DEFAULT 0,
    token_start INTEGER NOT NULL DEFAULT 0,
    token_end   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source_id, rel_path)
);

CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL DEFAULT 0,
    kind        TEXT    NOT NULL CHECK (kind IN ('image', 'file', 'folder')),
    name        TEXT    NOT NULL DEFAULT '',
    blob_sha256 TEXT    REFERENCES blobs(sha256),
    source_id   INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    CHECK ((blob_sha256 IS NULL) <> (kind = 'image' OR kind = 'file'))
);
CREATE INDEX attachments_message ON attachments(message_id, position);
CREATE INDEX attachments_blob ON attachments(blob_sha256);
CREATE INDEX attachments_source ON attachments(source_id);

CREATE TABLE kv_pages (
    id           INTEGER PRIMARY KEY,
    model_digest TEXT    NOT NULL,
    prefix_hash  BLOB    NOT NULL,
    page_index   INTEGER NOT NULL,
    encoding     TEXT    NOT NULL,
    token_count  INTEGER NOT NULL,
    size_bytes   INTEGER NOT NULL,
    checksum     BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX kv_pages_key ON kv_pages(model_digest, prefix_hash);
CREATE INDEX kv_pages_lru ON kv_pages(last_used_at, id);

CREATE TABLE kv_page_data (
    page_id INTEGER PRIMARY KEY REFERENCES kv_pages(id) ON DELETE CASCADE,
    tokens  BLOB NOT NULL,
    data    BLOB NOT NULL
);

CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
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
