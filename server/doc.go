// Package server is Hearth's OpenAI-compatible HTTP API (`hearth serve`,
// and the switch in the app's Settings) and the client for remote
// OpenAI-compatible engines (vLLM, llama.cpp's llama-server, Ollama).
// Both speak to chatgen, the same generation service the window uses: the
// API serves a chatgen.Generator, and Remote is one.
//
// The API listens on loopback unless told otherwise, and then only with
// an API key; it sends no CORS headers unless origins are allowed; it
// queues requests in a bounded queue (503 with Retry-After when full) and
// stops a generation as soon as its client goes away.
package server
