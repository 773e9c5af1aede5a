package cli

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"hearth/engine"
	"hearth/engine/sample"
)

// runEval implements `hearth eval`, the conformance interface: it feeds
// token ids, writes the logits of every prompt position (row-major float32,
// [n_tokens, n_vocab]) and prints {"greedy": [...]}, the next N greedy
// tokens (not stopping at end-of-generation tokens).
func runEval(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf modelFlags
	mf.register(fs, "f32")
	tokens := fs.String("tokens", "", "comma-separated prompt token `ids` (required)")
	logitsOut := fs.String("logits-out", "", "`file` for the prompt logits, little-endian float32 [n_tokens, n_vocab]")
	generate := fs.Int("generate", 0, "greedy tokens to generate after the prompt")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hearth eval --model FILE.gguf --tokens 1,2,3 [--logits-out OUT.f32] [--generate N] [--override-kv K=T:V]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	ids, err := parseIDs(*tokens)
	if err != nil || mf.model == "" || fs.NArg() != 0 {
		if err != nil {
			fmt.Fprintln(stderr, "hearth eval:", err)
		}
		fmt.Fprintln(stderr, "hearth eval: need --model and --tokens")
		fs.Usage()
		return 2
	}
	if mf.ctx == 0 {
		mf.ctx = len(ids) + max(*generate, 1)
	}
	m, kt, err := mf.load()
	if err != nil {
		fmt.Fprintln(stderr, "hearth eval:", err)
		return 1
	}
	defer m.Close()
	s, err := m.NewSession(engine.SessionOptions{ContextLen: mf.ctx, KVType: kt})
	if err != nil {
		fmt.Fprintln(stderr, "hearth eval:", err)
		return 1
	}
	logits, err := s.PrefillLogits(ids, *logitsOut != "")
	if err != nil {
		fmt.Fprintln(stderr, "hearth eval:", err)
		return 1
	}
	if *logitsOut != "" {
		if err := writeF32(*logitsOut, logits); err != nil {
			fmt.Fprintln(stderr, "hearth eval:", err)
			return 1
		}
	}
	greedy := []int32{}
	var g sample.Greedy
	for len(greedy) < *generate {
		id := g.Sample(s.Logits())
		greedy = append(greedy, id)
		if len(greedy) == *generate {
			break
		}
		if _, err := s.Decode(id); err != nil {
			fmt.Fprintln(stderr, "hearth eval:", err)
			return 1
		}
	}
	if err := json.NewEncoder(stdout).Encode(map[string][]int32{"greedy": greedy}); err != nil {
		fmt.Fprintln(stderr, "hearth eval:", err)
		return 1
	}
	return 0
}

func parseIDs(s string) ([]int32, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no --tokens given")
	}
	var ids []int32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseInt(strings.TrimSpace(f), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("--tokens: %q is not a token id", f)
		}
		ids = append(ids, int32(v))
	}
	return ids, nil
}

func writeF32(path string, v []float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	var b [4]byte
	for _, x := range v {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
		w.Write(b[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
