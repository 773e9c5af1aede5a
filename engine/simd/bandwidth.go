package simd

import (
	"sync"
	"time"
)

// MeasureBandwidth returns the memory read bandwidth in GB/s (1e9 bytes/s)
// that threads goroutines reach streaming together over a buffer of about
// bytes bytes; the best of a few passes counts. Use a buffer well above
// the last-level cache (256 MiB or more) to measure DRAM.
func MeasureBandwidth(bytes int, threads int) float64 {
	threads = max(threads, 1)
	per := max(bytes/threads/64*64, 64)
	buf := make([]byte, per*threads)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = byte(i >> 12) // fault every page in before timing
	}
	var sink uint64
	var mu sync.Mutex
	best := time.Duration(1<<63 - 1)
	for pass := 0; pass < 4; pass++ {
		var wg sync.WaitGroup
		start := time.Now()
		for t := 0; t < threads; t++ {
			wg.Add(1)
			go func(p []byte) {
				defer wg.Done()
				s := streamRead(p)
				mu.Lock()
				sink ^= s
				mu.Unlock()
			}(buf[t*per : (t+1)*per])
		}
		wg.Wait()
		best = min(best, time.Since(start))
	}
	if sink == 1 { // keeps the reads observable; never true in practice
		best++
	}
	return float64(len(buf)) / best.Seconds() / 1e9
}
