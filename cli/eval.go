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
	"slices"
	"strconv"
	"strings"

	"hearth/engine"
	"hearth/engine/model/vision"
	"hearth/engine/sample"
	"hearth/engine/tokenizer"
)

// runEval implements `hearth eval`, the conformance interface: it feeds
// token ids, writes the logits of every prompt position (row-major float32,
// [n_tokens, n_vocab]) and prints {"greedy": [...]}, the next N greedy
// tokens (not stopping at end-of-generation tokens). With --image it
// encodes images as llama.cpp does: alone, to write their embeddings;
// with --model and --tokens, every <|patch|> id in the tokens takes the
// next embedding row, and the logits file starts at the last image
// position (as llama.cpp's reference runs do).
func runEval(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf modelFlags
	mf.register(fs, "f32")
	tokens := fs.String("tokens", "", "comma-separated prompt token `ids` (required)")
	logitsOut := fs.String("logits-out", "", "`file` for the prompt logits, little-endian float32 [n_tokens, n_vocab]")
	generate := fs.Int("generate", 0, "greedy tokens to generate after the prompt")
	mmproj := fs.String("mmproj", "", "Llama 4 vision projector GGUF `file` (with --image)")
	var images stringList
	fs.Var(&images, "image", "image `file` to encode with --mmproj as llama.cpp does (repeatable; rows follow in order)")
	embdOut := fs.String("embeddings-out", "", "`file` for the image embeddings, little-endian float32 [n_image_tokens, n_embd]")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hearth eval --model FILE.gguf --tokens 1,2,3 [--logits-out OUT.f32] [--generate N] [--override-kv K=T:V] [--mmproj PROJ.gguf --image FILE ...]\n       hearth eval --mmproj PROJ.gguf --image FILE [--image FILE2] --embeddings-out OUT.f32")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if (len(images) > 0) != (*mmproj != "") || (*embdOut != "" && len(images) == 0) {
		fmt.Fprintln(stderr, "hearth eval: --image needs --mmproj (and --embeddings-out needs --image)")
		return 2
	}
	var proj *projected
	if len(images) > 0 {
		var err error
		if proj, err = projectImages(*mmproj, images); err != nil {
			fmt.Fprintln(stderr, "hearth eval:", err)
			return 1
		}
		if *embdOut != "" {
			if err := writeEmbeddings(*embdOut, proj.rows); err != nil {
				fmt.Fprintln(stderr, "hearth eval:", err)
				return 1
			}
		}
		if *tokens == "" && mf.model == "" {
			return printJSON(stdout, stderr, map[string]any{"images": proj.info})
		}
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
	var logits []float32
	if proj != nil {
		logits, err = prefillWithImages(m, s, ids, proj.rows, *logitsOut != "")
	} else {
		logits, err = s.PrefillLogits(ids, *logitsOut != "")
	}
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
	out := map[string]any{"greedy": greedy}
	if proj != nil {
		out["images"] = proj.info
	}
	return printJSON(stdout, stderr, out)
}

func printJSON(stdout, stderr io.Writer, v any) int {
	if err := json.NewEncoder(stdout).Encode(v); err != nil {
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

// tiling describes one encoded image in hearth eval's JSON.
type tiling struct {
	Image       string `json:"image"`
	Rows        int    `json:"rows"`
	Cols        int    `json:"cols"`
	Tiles       int    `json:"tiles"`
	ImageTokens int    `json:"image_tokens"`
	NEmbd       int    `json:"n_embd"`
}

// projected is images run through a projector: their embedding rows one
// image after the other, and each one's tiling.
type projected struct {
	rows [][]float32
	info []tiling
}

// projectImages encodes images with the projector at mmproj in llama.cpp's
// token order, which the reference outputs follow.
func projectImages(mmproj string, images []string) (*projected, error) {
	p, err := vision.Load(mmproj)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	out := &projected{}
	for _, path := range images {
		img, err := loadImage(p, path)
		if err != nil {
			return nil, err
		}
		rows, err := img.embeddings()
		if err != nil {
			return nil, err
		}
		out.rows = append(out.rows, rows...)
		g := img.grid
		out.info = append(out.info, tiling{Image: path, Rows: g.Rows, Cols: g.Cols, Tiles: g.Tiles(), ImageTokens: len(rows), NEmbd: p.EmbedDim()})
	}
	return out, nil
}

func writeEmbeddings(path string, rows [][]float32) error {
	var flat []float32
	for _, r := range rows {
		flat = append(flat, r...)
	}
	return writeF32(path, flat)
}

// prefillWithImages feeds ids to s with the embedding rows at the <|patch|>
// positions, in order, and returns the logits from the last image position
// on (all rows, or the last one's when all is false).
func prefillWithImages(m *engine.Model, s *engine.Session, ids []int32, rows [][]float32, all bool) ([]float32, error) {
	tok, err := tokenizer.FromGGUF(m.File())
	if err != nil {
		return nil, err
	}
	patch, ok := tok.LookupSpecial("<|patch|>")
	if !ok {
		return nil, fmt.Errorf("%s has no <|patch|> token for image embeddings", m.File().Path)
	}
	var positions []int
	for i, id := range ids {
		if id == patch {
			positions = append(positions, i)
		}
	}
	if len(positions) == 0 {
		return nil, fmt.Errorf("--tokens hold no <|patch|> id (%d) for the %d image embeddings", patch, len(rows))
	}
	embd, err := vision.Scatter(len(ids), positions, rows)
	if err != nil {
		return nil, err
	}
	last := positions[len(positions)-1]
	if err := s.PrefillEmbeddings(ids[:last+1], embd[:last+1]); err != nil {
		return nil, err
	}
	if last+1 == len(ids) {
		return s.Logits(), nil
	}
	logits := slices.Clone(s.Logits())
	rest, err := s.PrefillLogits(ids[last+1:], all)
	if err != nil {
		return nil, err
	}
	if !all {
		return rest, nil
	}
	return append(logits, rest...), nil
}
