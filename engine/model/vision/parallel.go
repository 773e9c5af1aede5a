package vision

import (
	"runtime"
	"sync"
)

// parallelFor splits [0, n) into one contiguous range per core and runs fn
// on each in its own goroutine. The image path runs a few hundred large
// matmuls per tile, so a goroutine per range per call costs nothing
// measurable.
func parallelFor(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
