// Package tokenizer turns text into token ids and back for the byte-level BPE
// vocabularies of Llama 4 and Llama 3 GGUF files, matching llama.cpp: the
// `llama4`, `llama-bpe` and `gpt-2` pre-tokenizers, special-token parsing,
// BOS/EOS rules, detokenization options and the end-of-generation set. The
// SentencePiece vocabulary of Llama 1/2 files is supported too.
package tokenizer

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Attr is a token's attribute, with llama.cpp's llama_token_attr bit values.
type Attr uint16

// Token attributes. A token has exactly one of them; AttrUndefined is zero.
const (
	AttrUndefined   Attr = 0
	AttrUnknown     Attr = 1 << 0
	AttrUnused      Attr = 1 << 1
	AttrNormal      Attr = 1 << 2
	AttrControl     Attr = 1 << 3
	AttrUserDefined Attr = 1 << 4
	AttrByte        Attr = 1 << 5
)

// attrOfType maps a tokenizer.ggml.token_type value to its attribute.
func attrOfType(t int32) Attr {
	switch t {
	case 1:
		return AttrNormal
	case 2:
		return AttrUnknown
	case 3:
		return AttrControl
	case 4:
		return AttrUserDefined
	case 5:
		return AttrUnused
	case 6:
		return AttrByte
	}
	return AttrUndefined
}

// ErrUnsupported is wrapped by the errors for vocabulary kinds and
// pre-tokenizers this package does not implement.
var ErrUnsupported = errors.New("unsupported")

// NoToken marks an absent special token id.
const NoToken int32 = -1

// Config describes a vocabulary the way GGUF metadata does. FromGGUF fills it
// from a file; tests and tools may build one directly.
type Config struct {
	Model  string    // tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SentencePiece)
	Pre    string    // tokenizer.ggml.pre: "llama4", "llama-bpe", "gpt-2", ... (BPE only)
	Tokens []string  // tokenizer.ggml.tokens
	Types  []int32   // tokenizer.ggml.token_type; nil means every token is normal
	Merges []string  // tokenizer.ggml.merges, "A B", highest priority first (BPE)
	Scores []float32 // tokenizer.ggml.scores (SentencePiece); nil means all 0

	// Special token ids; NoToken when absent.
	BOS, EOS, EOT, EOM, PAD, UNK int32

	// AddBOS and AddEOS override the vocabulary's defaults when non-nil
	// (tokenizer.ggml.add_bos_token, add_eos_token).
	AddBOS, AddEOS *bool
	// AddSpacePrefix overrides SentencePiece's default of prefixing the
	// text with a space (tokenizer.ggml.add_space_prefix).
	AddSpacePrefix *bool
}

// Tokenizer encodes and decodes text for one vocabulary. It is safe for
// concurrent use.
type Tokenizer struct {
	texts    []string
	attrs    []Attr
	pieces   [][]byte // each token's piece with specials rendered
	textToID map[string]int32
	eog      []bool

	bpe          *bpeModel // byte-level BPE vocabularies
	spm          *spmModel // SentencePiece vocabularies
	split        splitter
	ignoreMerges bool
	cleanSpaces  bool
	addBOS       bool
	addEOS       bool

	bos, eos, eot, eom, pad, unk int32

	specials specialMatcher

	cacheMu sync.Mutex
	cache   map[string][]int32
	scratch sync.Pool // *encodeScratch, reused across Encode calls
}

// preTokenizer is what a tokenizer.ggml.pre value selects.
type preTokenizer struct {
	split        splitter
	ignoreMerges bool
	cleanSpaces  bool
	addBOS       bool
}

// preTokenizers lists the supported tokenizer.ggml.pre values, with the
// settings llama.cpp gives each.
var preTokenizers = map[string]preTokenizer{
	"llama4":    {split: splitLlama4},
	"gpt-4o":    {split: splitLlama4},
	"llama-bpe": {split: splitLlama3, ignoreMerges: true, cleanSpaces: true, addBOS: true},
	"llama3":    {split: splitLlama3, ignoreMerges: true, cleanSpaces: true, addBOS: true},
	"llama-v3":  {split: splitLlama3, ignoreMerges: true, cleanSpaces: true, addBOS: true},
	"gpt-2":     {split: splitGPT2, cleanSpaces: true},
}

// New builds a tokenizer from a vocabulary description.
func New(cfg Config) (*Tokenizer, error) {
	var pre preTokenizer
	switch cfg.Model {
	case "gpt2":
		var ok bool
		if pre, ok = preTokenizers[cfg.Pre]; !ok {
			names := make([]string, 0, len(preTokenizers))
			for n := range preTokenizers {
				names = append(names, fmt.Sprintf("%q", n))
			}
			sort.Strings(names)
			return nil, fmt.Errorf("tokenizer: tokenizer.ggml.pre %q: %w pre-tokenizer (supported: %s)", cfg.Pre, ErrUnsupported, strings.Join(names, ", "))
		}
		if len(cfg.Merges) == 0 {
			return nil, errors.New("tokenizer: a BPE vocabulary needs tokenizer.ggml.merges")
		}
	case "llama":
		// SentencePiece: BOS by default, no pre-tokenizer, no clean-up.
		pre = preTokenizer{addBOS: true}
	default:
		return nil, fmt.Errorf("tokenizer: tokenizer.ggml.model %q: %w (supported: \"gpt2\" byte-level BPE, \"llama\" SentencePiece)", cfg.Model, ErrUnsupported)
	}
	n := len(cfg.Tokens)
	if n == 0 {
		return nil, errors.New("tokenizer: the vocabulary has no tokens")
	}
	if cfg.Types != nil && len(cfg.Types) != n {
		return nil, fmt.Errorf("tokenizer: %d token types for %d tokens", len(cfg.Types), n)
	}
	if cfg.Scores != nil && len(cfg.Scores) != n {
		return nil, fmt.Errorf("tokenizer: %d token scores for %d tokens", len(cfg.Scores), n)
	}

	t := &Tokenizer{
		texts:        cfg.Tokens,
		attrs:        make([]Attr, n),
		textToID:     make(map[string]int32, n),
		split:        pre.split,
		ignoreMerges: pre.ignoreMerges,
		cleanSpaces:  pre.cleanSpaces,
		addBOS:       pre.addBOS,
		cache:        make(map[string][]int32),
	}
	if cfg.AddBOS != nil {
		t.addBOS = *cfg.AddBOS
	}
	if cfg.AddEOS != nil {
		t.addEOS = *cfg.AddEOS
	}
	valid := func(id int32) int32 {
		if id < 0 || int(id) >= n {
			return NoToken
		}
		return id
	}
	t.bos, t.eos, t.eot, t.eom, t.pad, t.unk = valid(cfg.BOS), valid(cfg.EOS), valid(cfg.EOT), valid(cfg.EOM), valid(cfg.PAD), valid(cfg.UNK)
	for id, text := range cfg.Tokens {
		t.attrs[id] = AttrNormal
		if cfg.Types != nil {
			t.attrs[id] = attrOfType(cfg.Types[id])
		}
		t.textToID[text] = int32(id)
	}
	t.deriveEOG()
	t.specials = newSpecialMatcher(t.texts, t.attrs)
	if cfg.Model == "llama" {
		scores := cfg.Scores
		if scores == nil {
			scores = make([]float32, n)
		}
		prefix := true
		if cfg.AddSpacePrefix != nil {
			prefix = *cfg.AddSpacePrefix
		}
		t.spm = newSPMModel(t, scores, prefix)
	} else {
		t.bpe = newBPEModel(cfg.Tokens, cfg.Merges)
	}
	t.pieces = make([][]byte, n)
	for id := range t.pieces {
		t.pieces[id] = t.renderPiece(int32(id))
	}
	return t, nil
}

// BOS returns the beginning-of-text token id, or NoToken.
func (t *Tokenizer) BOS() int32 { return t.bos }

// EOS returns the end-of-sequence token id, or NoToken.
func (t *Tokenizer) EOS() int32 { return t.eos }

// PAD returns the padding token id, or NoToken.
func (t *Tokenizer) PAD() int32 { return t.pad }

// AddsBOS reports whether Encode with addSpecial prepends BOS.
func (t *Tokenizer) AddsBOS() bool { return t.addBOS && t.bos != NoToken }

// VocabSize returns the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.texts) }

// TokenText returns the vocabulary entry of id as stored (byte-level
// spelling for normal tokens), or "" for an id out of range.
func (t *Tokenizer) TokenText(id int32) string {
	if id < 0 || int(id) >= len(t.texts) {
		return ""
	}
	return t.texts[id]
}

// Attr returns the attribute of id (AttrUndefined for an id out of range).
func (t *Tokenizer) Attr(id int32) Attr {
	if id < 0 || int(id) >= len(t.attrs) {
		return AttrUndefined
	}
	return t.attrs[id]
}

// LookupSpecial returns the id of the special (control, user-defined or
// unknown) token whose text is exactly text, such as "<|eot|>".
func (t *Tokenizer) LookupSpecial(text string) (int32, bool) {
	id, ok := t.textToID[text]
	if !ok || t.attrs[id]&(AttrControl|AttrUserDefined|AttrUnknown) == 0 {
		return NoToken, false
	}
	return id, true
}

// IsEOG reports whether id ends generation, with llama.cpp's rule: tokens
// named like an end-of-turn/end-of-text marker plus the file's EOS, EOT and
// EOM ids.
func (t *Tokenizer) IsEOG(id int32) bool {
	return id >= 0 && int(id) < len(t.eog) && t.eog[id]
}
