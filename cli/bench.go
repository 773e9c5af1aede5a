package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"hearth/engine"
	"hearth/engine/kv"
	"hearth/engine/simd"
	"hearth/engine/synth"
)

// benchOptions are the flags of `hearth bench`.
type benchOptions struct {
	model, synthetic string
	prompt, gen      int
	threads, reps    int
	bandwidthMiB     int
	json, standard   bool
	markdown         string
	backend          backendFlags
}

// runBench implements `hearth bench`: prompt-processing and generation
// speed of a model, the weight bytes each generated token reads and the
// share of the machine's memory bandwidth that reaches.
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o benchOptions
	fs.StringVar(&o.model, "model", "", "GGUF `file` to benchmark")
	fs.StringVar(&o.synthetic, "synthetic", "", "benchmark the synthetic model `NAME` (written once into the cache): "+fmt.Sprint(synth.Names()))
	fs.IntVar(&o.prompt, "p", 512, "prompt tokens processed in one batch")
	fs.IntVar(&o.gen, "n", 128, "tokens generated one at a time")
	fs.IntVar(&o.threads, "t", 0, "worker threads (0: one per CPU)")
	fs.IntVar(&o.reps, "r", 3, "repetitions; the median counts")
	fs.IntVar(&o.bandwidthMiB, "bandwidth-mib", 1024, "buffer of the memory bandwidth probe, in MiB (well above the last-level cache)")
	fs.BoolVar(&o.json, "json", false, "print one JSON object")
	fs.BoolVar(&o.standard, "standard", false, "benchmark every synthetic model, each in its own process, and print a Markdown table beside llama.cpp's figures")
	fs.StringVar(&o.markdown, "markdown", "", "with --standard, also write the table to `file`")
	o.backend.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hearth bench (--model FILE | --synthetic NAME | --standard) [-p 512] [-n 128] [-t THREADS] [-r REPS] [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	sources := 0
	for _, set := range []bool{o.model != "", o.synthetic != "", o.standard} {
		if set {
			sources++
		}
	}
	if sources != 1 || fs.NArg() != 0 || o.prompt < 1 || o.gen < 1 || o.reps < 1 || o.bandwidthMiB < 1 {
		fmt.Fprintln(stderr, "hearth bench: need exactly one of --model, --synthetic and --standard, and -p, -n, -r, --bandwidth-mib ≥ 1")
		fs.Usage()
		return 2
	}
	if o.threads <= 0 {
		o.threads = runtime.NumCPU()
	}
	if o.standard {
		return benchStandard(o, stdout, stderr)
	}
	res, err := bench(o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "hearth bench:", err)
		return 1
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "hearth bench:", err)
			return 1
		}
		return 0
	}
	res.writeText(stdout)
	return 0
}

// benchDir is where synthetic models are cached: HEARTH_BENCH_DIR, else
// the user cache directory.
func benchDir() (string, error) {
	if d := os.Getenv("HEARTH_BENCH_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for synthetic models (set HEARTH_BENCH_DIR): %w", err)
	}
	return filepath.Join(d, "hearth", "synthetic"), nil
}

// modelPath returns the file and display name of the model o names,
// writing a synthetic model first if it is not cached yet.
func modelPath(o benchOptions, log io.Writer) (path, name string, err error) {
	if o.synthetic == "" {
		return o.model, filepath.Base(o.model), nil
	}
	dir, err := benchDir()
	if err != nil {
		return "", "", err
	}
	last := -1
	path, err = synth.Ensure(dir, o.synthetic, func(msg string, done float64) {
		if pct := int(done * 10); pct != last {
			last = pct
			fmt.Fprintf(log, "writing %s: %s %d%%\n", o.synthetic, msg, pct*10)
		}
	})
	return path, o.synthetic, err
}

// bench measures one model as o describes.
func bench(o benchOptions, log io.Writer) (benchResult, error) {
	path, name, err := modelPath(o, log)
	if err != nil {
		return benchResult{}, err
	}
	bk, policy, err := o.backend.options()
	if err != nil {
		return benchResult{}, err
	}
	start := time.Now()
	m, err := engine.Load(path, engine.LoadOptions{Threads: o.threads, ContextLen: o.prompt + o.gen, KVType: kv.F16, Backend: bk, Placement: policy})
	if err != nil {
		return benchResult{}, err
	}
	defer m.Close()
	loadTime := time.Since(start)
	perToken, err := weightBytesPerToken(m)
	if err != nil {
		return benchResult{}, err
	}
	s, err := m.NewSession(engine.SessionOptions{ContextLen: o.prompt + o.gen, Batch: o.prompt})
	if err != nil {
		return benchResult{}, err
	}
	rng := rand.New(rand.NewPCG(5, 7))
	tokens := make([]int32, o.prompt+o.gen)
	for i := range tokens {
		tokens[i] = int32(rng.IntN(m.VocabSize()))
	}
	// One untimed pass, as llama-bench's warm-up, pages the mapped weights
	// in: a first touch costs page faults (or disk reads), not compute.
	if _, err := benchOnce(s, tokens[:o.prompt], tokens[o.prompt:o.prompt+min(o.gen, 4)], o.threads); err != nil {
		return benchResult{}, err
	}
	// The warm-up has touched every page and buffer the repetitions use;
	// the peak resident set is taken before the bandwidth probes add theirs.
	rss := peakRSS()
	var pp, tg, ppCPU, tgCPU []float64
	bw := 0.0
	for rep := 0; rep < o.reps; rep++ {
		r, err := benchOnce(s, tokens[:o.prompt], tokens[o.prompt:], o.threads)
		if err != nil {
			return benchResult{}, err
		}
		// A probe after every repetition sees the machine as that
		// repetition did; on a shared machine the best one is the
		// bandwidth it can give.
		bw = max(bw, simd.MeasureBandwidth(o.bandwidthMiB<<20, o.threads))
		pp, tg = append(pp, r.pp), append(tg, r.tg)
		ppCPU, tgCPU = append(ppCPU, r.ppCPU), append(tgCPU, r.tgCPU)
		fmt.Fprintf(log, "%s: repetition %d: pp%d %.2f tok/s, tg%d %.2f tok/s (per CPU-second per thread: %.2f, %.2f)\n",
			name, rep+1, o.prompt, r.pp, o.gen, r.tg, r.ppCPU, r.tgCPU)
	}
	res := benchResult{
		Backend:             newBackendReport(m.Backend()),
		Model:               name,
		Path:                path,
		Kernel:              simd.Kernel(),
		Threads:             o.threads,
		PromptTokens:        o.prompt,
		GenTokens:           o.gen,
		Reps:                o.reps,
		PP:                  summarize(pp),
		TG:                  summarize(tg),
		PPCPUTokensPerS:     summarize(ppCPU).Median,
		TGCPUTokensPerS:     summarize(tgCPU).Median,
		LoadSeconds:         loadTime.Seconds(),
		PeakRSSBytes:        rss,
		WeightBytesPerToken: perToken,
		MemoryBandwidthGBs:  bw,
	}
	res.PPTokensPerS, res.TGTokensPerS = res.PP.Median, res.TG.Median
	res.AchievedGBs = float64(perToken) * res.TGTokensPerS / 1e9
	res.BandwidthFraction = res.AchievedGBs / bw
	if ref, ok := llamaCppReference(name); ok {
		res.LlamaCpp = &ref
	}
	return res, nil
}

// rates are one repetition's results in tokens per second: of wall time,
// and of CPU time per thread (what the threads would reach with their
// cores to themselves; on a busy machine the two differ).
type rates struct {
	pp, tg, ppCPU, tgCPU float64
}

// benchOnce processes prompt as one batch on an empty session, then, as
// llama-bench does, generates len(gen) tokens one at a time from an empty
// session again.
func benchOnce(s *engine.Session, prompt, gen []int32, threads int) (rates, error) {
	var r rates
	if err := s.Truncate(0); err != nil {
		return r, err
	}
	start, cpu := time.Now(), cpuTime()
	if err := s.Prefill(prompt); err != nil {
		return r, err
	}
	r.pp = float64(len(prompt)) / time.Since(start).Seconds()
	r.ppCPU = float64(len(prompt)*threads) / (cpuTime() - cpu).Seconds()
	if err := s.Truncate(0); err != nil {
		return r, err
	}
	start, cpu = time.Now(), cpuTime()
	for _, t := range gen {
		if _, err := s.Decode(t); err != nil {
			return r, err
		}
	}
	r.tg = float64(len(gen)) / time.Since(start).Seconds()
	r.tgCPU = float64(len(gen)*threads) / (cpuTime() - cpu).Seconds()
	return r, nil
}

// spread is the median and range of repeated measurements.
type spread struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

func summarize(v []float64) spread {
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{Median: med, Min: s[0], Max: s[len(s)-1]}
}
