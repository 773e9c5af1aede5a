// Package cpu is Hearth's CPU backend: a persistent worker pool and the
// matrix and vector operations the models call, which split their work
// over the pool and run package simd's kernels (portable Go where no
// kernel applies). Weights are read in place from the mapped file; every
// operation works on caller-owned buffers so that a decoded token
// allocates nothing.
package cpu

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Task is one parallel operation. Run handles the items [lo, hi) on the
// worker numbered worker (0 ≤ worker < Pool.Threads()), which a task uses to
// pick its per-worker scratch.
type Task interface {
	Run(worker, lo, hi int)
}

// Pool is a fixed set of goroutines that split the items of a Task among
// themselves. It is created once per model; Parallel never starts a goroutine
// and never allocates. Concurrent callers are served one at a time.
type Pool struct {
	threads int
	mu      sync.Mutex
	wake    []chan struct{}
	wg      sync.WaitGroup
	quit    chan struct{}

	// the operation in flight (guarded by mu for writers; read by workers
	// between wake and wg.Done)
	task  Task
	n     int
	grain int
	next  atomic.Int64
}

// NewPool starts a pool of threads workers (the caller's goroutine is worker
// 0, so threads-1 goroutines are started). threads ≤ 0 means one per CPU.
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	p := &Pool{threads: threads, quit: make(chan struct{})}
	p.wake = make([]chan struct{}, threads)
	for w := 1; w < threads; w++ {
		p.wake[w] = make(chan struct{}, 1)
		go p.worker(w)
	}
	return p
}

// Threads returns the number of workers, including the calling goroutine.
func (p *Pool) Threads() int { return p.threads }

// Close stops the workers. The pool must not be used afterwards.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
}

func (p *Pool) worker(w int) {
	for {
		select {
		case <-p.quit:
			return
		case <-p.wake[w]:
			p.drain(w)
			p.wg.Done()
		}
	}
}

// drain takes chunks of grain items until none are left; dynamic chunks keep
// uneven work (causal attention rows) balanced across workers.
func (p *Pool) drain(w int) {
	for {
		lo := int(p.next.Add(int64(p.grain))) - p.grain
		if lo >= p.n {
			return
		}
		p.task.Run(w, lo, min(lo+p.grain, p.n))
	}
}

// Parallel runs t over the items [0, n) in chunks of grain items (grain ≤ 0
// picks one that gives each worker a few chunks) and returns when all are
// done.
func (p *Pool) Parallel(n, grain int, t Task) {
	if n <= 0 {
		return
	}
	if grain <= 0 {
		grain = max(1, n/(4*p.threads))
	}
	workers := min(p.threads, (n+grain-1)/grain)
	if workers <= 1 {
		t.Run(0, 0, n)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.task, p.n, p.grain = t, n, grain
	p.next.Store(0)
	p.wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		p.wake[w] <- struct{}{}
	}
	p.drain(0)
	p.wg.Wait()
	p.task = nil
}
