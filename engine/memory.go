package engine

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"hearth/engine/gguf"
	"hearth/engine/kv"
	"hearth/engine/model"
)

// defaultBatch is the prefill batch (llama.cpp's default n_ubatch).
const defaultBatch = 512

// minContext is the smallest context Load will pick on its own.
const minContext = 256

// weightBytes is the size of all tensor data (what the mapping keeps
// resident once every weight has been touched).
func weightBytes(f *gguf.File) int64 {
	var n int64
	for _, t := range f.Tensors() {
		n += int64(len(t.Data))
	}
	return n
}

// scratchBytes estimates a session's scratch (model.State) for a batch of
// b tokens and a context of ctx positions on threads workers.
func scratchBytes(c *model.Config, b, ctx, threads int) int64 {
	ff := max(c.FF, c.FFExpert)
	perTok := 5*c.Embd + 2*c.QDim() + 2*c.KVDim() + 2*ff + max(c.Experts, 1) + c.HeadDim + 4
	return 4 * (int64(b*perTok) + int64(threads*ctx) + int64(c.Vocab))
}

// fitContext returns ctx if it fits the budget (0: the largest context up to
// the trained one that fits), or an error that gives the numbers.
func (m *Model) fitContext(ctx int, t kv.Type) (int, error) {
	c := &m.m.Config
	need := func(n int) int64 {
		return m.weights + kv.Estimate(m.kvConfig(n, t)).Total() + scratchBytes(c, min(defaultBatch, n), n, 16)
	}
	if ctx > 0 {
		if b := need(ctx); b > m.budget {
			return 0, fmt.Errorf("engine: %s with a context of %d needs %s (weights %s + KV %s + scratch) but only %s is available",
				m.file.Path, ctx, mib(b), mib(m.weights), mib(kv.Estimate(m.kvConfig(ctx, t)).Total()), mib(m.budget))
		}
		return ctx, nil
	}
	hi := c.ContextTrain
	if hi <= 0 {
		hi = 4096
	}
	if need(hi) <= m.budget {
		return hi, nil
	}
	lo := min(minContext, hi)
	if b := need(lo); b > m.budget {
		return 0, fmt.Errorf("engine: %s needs %s for its weights and a %d-token context but only %s is available",
			m.file.Path, mib(b), lo, mib(m.budget))
	}
	for lo < hi { // largest n with need(n) ≤ budget
		mid := lo + (hi-lo+1)/2
		if need(mid) <= m.budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo, nil
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// AvailableMemory reads MemAvailable from /proc/meminfo: the memory a new
// model and its sessions may take. Elsewhere (or if unreadable) it returns a
// budget so large that nothing is refused.
func AvailableMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 1 << 62
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			if kb, err := strconv.ParseInt(fields[1], 10, 64); err == nil {
				return kb << 10
			}
		}
	}
	return 1 << 62
}
