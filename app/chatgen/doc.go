// Package chatgen is the chat and generation service that the desktop
// window (package app) and the local OpenAI-compatible API (package
// server) share: it turns a conversation into a prompt, brings the model's
// one session to hold it (keeping what the session holds, restoring the
// longest prefix the KV snapshot cache holds, computing the rest in chunks
// that a cancel can interrupt), samples the answer with stop tokens, stop
// strings and a token limit, and saves the new KV pages.
//
// Generator is what both callers drive; Model is the local implementation
// on the engine, and server.Remote the one that forwards to a remote
// OpenAI-compatible engine. chatgen has no HTTP and no UI; the math stays
// in engine/.
package chatgen
