// Package storage keeps Hearth's data in one SQLite file: conversations and
// their message trees, attachments, dropped sources, KV-cache snapshot
// pages and settings. It knows nothing of inference; it stores what it is
// handed and gives it back intact or not at all.
//
// # Opening
//
// Open migrates the file to the current schema. DataDir follows the OS
// convention (XDG on Linux, Application Support on macOS, %AppData% on
// Windows; HEARTH_DATA_DIR overrides) and OpenDefault opens hearth.db
// there. Every connection runs in WAL mode with foreign keys on, a 10 s
// busy timeout, synchronous=FULL (a message whose save returned survives a
// crash or power loss) and BEGIN IMMEDIATE transactions (concurrent writers
// queue instead of failing on lock upgrade). Build with -tags sqlite_fts5.
//
// # Schema
//
// Ids are SQLite integer keys, times unix milliseconds.
//
//   - conversations: title, model, system prompt, generation settings (a
//     JSON column, so new sampling fields need no migration), pinned,
//     active_leaf_id (the branch the UI shows), created/updated times and
//     deleted_at for the trash. DeleteConversation only sets deleted_at;
//     RestoreConversation undoes it; PurgeConversation and PurgeDeleted
//     remove rows, cascading to messages and attachments.
//   - messages: a tree through parent_id. Editing a message or
//     regenerating a reply appends a sibling, so every branch remains;
//     BranchPath, Siblings and LatestLeaf navigate it. Each row carries role,
//     content, token count and generation stats.
//   - messages_fts: an FTS5 index over message content (external content,
//     kept in step by triggers; unicode61 with diacritics folded). Search
//     quotes every word of the user's text, so FTS5 syntax is inert, and
//     marks matches in snippets with SnippetStart/SnippetEnd (STX/ETX).
//   - blobs: attachment bytes keyed by their hex sha256 (stored once however
//     often attached), with the app-made thumbnail alongside.
//     attachments link messages to blobs (images, files) or to sources
//     (folders, by reference). PurgeOrphanBlobs collects unreferenced blobs.
//   - sources and source_files: dropped folders and documents, and per file
//     its path, sha256, size, mtime and token span [start, end) in the
//     source's token stream for the model that tokenized it.
//   - kv_pages and kv_page_data: KV snapshot pages (below).
//   - settings: JSON values by key, read with typed defaults (GetSetting).
//   - models (version 2): the model files the user added, by unique path,
//     with what inspecting them found (architecture, parameters,
//     quantization mix, trained context, size) and their sha256 once
//     hashed, valid for the recorded modification time. The files
//     themselves are never stored or deleted.
//   - downloads (version 2): each model download's URL, final path,
//     expected and computed sha256, bytes received and state, so that a
//     paused download resumes after a restart.
//
// # KV snapshot pages
//
// The engine serializes its KV cache in pages. A page is keyed by (model
// digest, hash of the whole token prefix through the page), so any two
// sequences that share a prefix share its pages, and a snapshot is just the
// chain of pages along a token sequence: nothing else refers to it.
// LongestKVPrefix walks a chain of prefix hashes and returns pages 0..k, the
// longest run held; CountKVPrefix forecasts that length from metadata
// alone, so a caller can decide between restoring and keeping what it
// holds before reading any page data. Metadata (kv_pages) and bytes (kv_page_data) live in
// separate tables so that refreshing last_used_at or summing sizes never
// rewrites or reads multi-MB rows.
//
// Storage computes a checksum on write over the key, index, encoding,
// token ids and data: CRC-32C and CRC-32 (IEEE) side by side, 64 bits that
// run at over 10 GB/s where SHA-256 would bound restores near 1.4 GB/s. A
// page failing it, or stored at another chain position, or with
// inconsistent token data, is deleted, reported through
// Options.OnCorruptPage and a *CorruptPageError, and treated as missing: it
// is never returned. Pages are evicted least recently used first whenever a
// write takes the total over the KV budget setting (4 GiB by default), and
// freed file pages go back to the OS (auto_vacuum=incremental). Reads
// refresh last_used_at at most once a minute per page, which is all the
// precision eviction needs and spares repeated restores a durable commit;
// among pages of the same minute the deepest go first, so a chain loses
// its tail before its head.
//
// PutKVPages stores many pages in one transaction (one commit, one budget
// check); LongestKVPrefix fetches the run in one query and stops reading at
// the first missing or bad page. Connections map the database file
// (PRAGMA mmap_size), so restores read page data without a read() per page.
//
// # Migrations
//
// migrations/NNNN_name.sql are embedded and applied in order, each in one
// transaction together with PRAGMA user_version = NNNN; the version is read
// inside that transaction, so concurrent first opens do not collide.
// testdata/schema_vN.sql is a frozen copy of the schema at version N and
// testdata/data_vN.sql data as version N wrote it; migrate_test.go builds a
// file at every version from those copies, opens it (migrating it) and
// checks that the data reads back. Adding migration N+1 means freezing
// schema_v(N+1).sql and data_v(N+1).sql too; the tests fail until then.
// Foreign keys cannot be switched off inside a transaction, so a future
// migration that rebuilds a referenced table must use PRAGMA
// defer_foreign_keys.
//
// # Export
//
// ExportMarkdown renders the active branch for reading. ExportJSON writes
// the whole tree with attachments as a versioned ConversationExport, which
// ImportJSON reads back as a new conversation with new ids.
package storage
