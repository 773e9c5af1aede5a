// Package contextdir turns a folder or a document into context for a
// conversation: it walks the folder (honouring .gitignore, skipping
// dependency and build folders, binary files and files too large, and
// never following a symbolic link out of the folder), lays the files out
// as one text, and watches the folder for changes.
//
// The layout is what makes a long context cheap to keep current: files go
// oldest first (by modification time), each after a header line
// "=== path ===". An edited file becomes the newest and moves to the end,
// so every file before its old place stays byte for byte at the front of
// the text, and a KV cache of that prefix stays valid; only the text from
// the first changed file onward has to be computed again. A folder where
// one file is being worked on costs, after the first read, about that
// file.
//
// The package holds no UI, no SQL and no inference: it hands text and
// hashes to the app.
package contextdir
