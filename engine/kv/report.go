package kv

import "fmt"

// Report is the cache memory by layer kind.
type Report struct {
	GlobalLayers       int
	ChunkedLayers      int
	GlobalSlots        int   // positions kept per global layer
	ChunkedSlots       int   // positions kept per chunked layer
	GlobalBytes        int64 // all global layers together
	ChunkedBytes       int64 // all chunked layers together
	BytesPerTokenLayer int64 // K+V of one position in one layer
}

// Total returns the cache's whole size in bytes.
func (r Report) Total() int64 { return r.GlobalBytes + r.ChunkedBytes }

// String formats the report for people.
func (r Report) String() string {
	return fmt.Sprintf("KV cache: %d global layers × %d positions = %.1f MiB; %d chunked layers × %d positions = %.1f MiB; total %.1f MiB",
		r.GlobalLayers, r.GlobalSlots, float64(r.GlobalBytes)/(1<<20),
		r.ChunkedLayers, r.ChunkedSlots, float64(r.ChunkedBytes)/(1<<20), float64(r.Total())/(1<<20))
}

// Estimate computes the report for cfg without allocating the cache.
func Estimate(cfg Config) Report {
	var r Report
	r.BytesPerTokenLayer = int64(2 * cfg.KVDim * cfg.Type.Bytes())
	for _, ch := range cfg.Chunked {
		slots := SlotsFor(ch, cfg.Context, cfg.Chunk)
		if ch {
			r.ChunkedLayers++
			r.ChunkedSlots = slots
			r.ChunkedBytes += int64(slots) * r.BytesPerTokenLayer
		} else {
			r.GlobalLayers++
			r.GlobalSlots = slots
			r.GlobalBytes += int64(slots) * r.BytesPerTokenLayer
		}
	}
	return r
}

// Memory returns the report for this cache.
func (c *Cache) Memory() Report { return Estimate(c.cfg) }
