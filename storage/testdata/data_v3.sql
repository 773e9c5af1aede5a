-- Data as Hearth schema version 3 stored it. Frozen: migrate_test.go opens
-- a database holding exactly this and checks that every row survives the
-- migrations to the current version. Times are unix ms.

INSERT INTO conversations (id, title, model, system_prompt, settings_json, pinned, active_leaf_id, created_at, updated_at, deleted_at)
VALUES (1, 'Frozen conversation', 'llama-4-scout-q4', 'Be brief.', '{"temperature":0.7,"top_k":40}', 1, NULL, 1767300000000, 1767300005000, NULL),
       (2, 'Trashed conversation', '', '', '{}', 0, NULL, 1767300001000, 1767300001000, 1767300009000);

INSERT INTO messages (id, conversation_id, parent_id, role, content, token_count, model, prompt_tokens, completion_tokens, cached_tokens, prefill_ms, decode_ms, stop_reason, created_at, updated_at)
VALUES (1, 1, NULL, 'user', 'Hello frozen world', 4, '', 0, 0, 0, 0, 0, '', 1767300002000, 1767300002000),
       (2, 1, 1, 'assistant', 'First answer about glaciers', 5, 'llama-4-scout-q4', 20, 5, 12, 30, 100, 'eos', 1767300003000, 1767300003000),
       (3, 1, 1, 'assistant', 'Second answer about icebergs', 5, 'llama-4-scout-q4', 20, 5, 12, 31, 101, 'eos', 1767300004000, 1767300004000),
       (4, 2, NULL, 'user', 'Forgotten glaciers', 2, '', 0, 0, 0, 0, 0, '', 1767300001000, 1767300001000);

UPDATE conversations SET active_leaf_id = 3 WHERE id = 1;

INSERT INTO blobs (sha256, mime, size, data, thumbnail, thumb_mime, created_at)
VALUES ('2d4566582844690f8634a8b2534ea5221560038c6c0650c99140759bad603ae2', 'image/png', 7, CAST('PNGDATA' AS BLOB), CAST('THUMB' AS BLOB), 'image/jpeg', 1767300002000);

INSERT INTO sources (id, kind, path, name, model_digest, total_tokens, created_at, updated_at)
VALUES (1, 'folder', '/home/u/notes', 'notes', 'sha256:frozenmodel', 300, 1767300000000, 1767300000000);

INSERT INTO source_files (id, source_id, rel_path, sha256, size, mtime_ms, token_start, token_end)
VALUES (1, 1, 'a.md', 'aa', 10, 1767000000000, 0, 100),
       (2, 1, 'b/c.txt', 'bb', 20, 1767000000001, 100, 300);

INSERT INTO attachments (id, message_id, position, kind, name, blob_sha256, source_id)
VALUES (1, 1, 0, 'image', 'photo.png', '2d4566582844690f8634a8b2534ea5221560038c6c0650c99140759bad603ae2', NULL),
       (2, 1, 1, 'folder', 'notes', NULL, 1);

INSERT INTO kv_pages (id, model_digest, prefix_hash, page_index, encoding, token_count, size_bytes, checksum, created_at, last_used_at)
VALUES (1, 'sha256:frozenmodel', X'D0E5238BE02ACFCBB5D15453F4B8FE764EE5A5B2BC80087EA5AF5AF8908C2390', 0, 'f16', 3, 20,
        X'9336512F340D3BBD', 1767300005000, 1767300005000);
INSERT INTO kv_page_data (page_id, tokens, data)
VALUES (1, X'010000000200000003000000', X'DEADBEEF00112233');

INSERT INTO settings (key, value, updated_at)
VALUES ('ui.theme', '"dark"', 1767300000000),
       ('kv.budget_bytes', '1073741824', 1767300000000);

-- Added at version 2.
INSERT INTO models (id, path, name, architecture, params, active_params, quantization, context_length, size_bytes, mtime_ms, sha256, added_at)
VALUES (1, '/home/u/models/scout.gguf', 'Llama 4 Scout', 'llama4', 108000000000, 17000000000, 'Q4_K_M mix: Q4_K 86%, Q6_K 14%', 10485760, 65000000000, 1767000000000, 'abc123', 1767300000000);

INSERT INTO downloads (id, url, path, expected_sha256, sha256, received_bytes, total_bytes, state, error, created_at, updated_at)
VALUES ('d1', 'https://example.com/m.gguf', '/home/u/models/m.gguf', '', '', 500, 1000, 'paused', '', 1767300000000, 1767300001000);

-- Added at version 3.
INSERT INTO conversation_sources (conversation_id, source_id, excluded_json, updated_at)
VALUES (1, 1, '["b/"]', 1767300006000);
