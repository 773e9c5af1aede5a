package simd

import (
	"sync"
	"time"
)

// DefaultBandwidthBytes is the buffer MeasureBandwidth reads when given no
// size: 1 GiB, far above any last-level cache, so the figure is DRAM's.
const DefaultBandwidthBytes = 1 << 30

// bandwidthPasses is how many timed passes MeasureBandwidth makes; the
// fastest counts, since interference from other processes only ever slows
// a pass down.
const bandwidthPasses = 6

// MeasureBandwidth returns the memory read bandwidth in GB/s (1e9 bytes/s)
// that threads goroutines reach together, each streaming once through its
// own contiguous slice of a buffer of about bytes bytes (DefaultBandwidthBytes
// when bytes ≤ 0). It measures what a memory-bound matrix-vector product
// can hope for: plain sequential loads of the widest vectors this CPU runs
// (64 bytes with AVX-512, 32 with AVX2, else 16), eight streams of loads in
// flight per thread, no writes and no non-temporal hints.
//
// Every page is touched before timing and one untimed pass warms the
// TLBs; the best of several timed passes counts. Below about eight times
// the last-level cache the figure includes cache hits and overstates DRAM.
// The buffer is garbage once the call returns.
func MeasureBandwidth(bytes int, threads int) float64 {
	if bytes <= 0 {
		bytes = DefaultBandwidthBytes
	}
	threads = max(threads, 1)
	per := max(bytes/threads/4096*4096, 4096)
	buf := make([]byte, per*threads)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = byte(i >> 12) // fault every page in before timing
	}
	mask := availableMask()
	pass := func() time.Duration {
		var wg sync.WaitGroup
		start := time.Now()
		for t := range threads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				streamRead(buf[t*per:(t+1)*per], mask)
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	pass()
	best := time.Duration(1<<63 - 1)
	for range bandwidthPasses {
		best = min(best, pass())
	}
	return float64(len(buf)) / best.Seconds() / 1e9
}
