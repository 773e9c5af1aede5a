package tokenizer

import (
	"fmt"

	"hearth/engine/gguf"
)

// FromGGUF builds the tokenizer described by a GGUF file's tokenizer.ggml.*
// metadata.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	cfg, err := ConfigFromGGUF(f)
	if err != nil {
		return nil, err
	}
	t, err := New(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	return t, nil
}

// ConfigFromGGUF reads the tokenizer.ggml.* metadata of f into a Config.
func ConfigFromGGUF(f *gguf.File) (Config, error) {
	var cfg Config
	var ok bool
	if cfg.Model, ok = f.String("tokenizer.ggml.model"); !ok {
		return cfg, fmt.Errorf("tokenizer: %s: no tokenizer.ggml.model", f.Path)
	}
	if cfg.Tokens, ok = f.Strings("tokenizer.ggml.tokens"); !ok {
		return cfg, fmt.Errorf("tokenizer: %s: no tokenizer.ggml.tokens string array", f.Path)
	}
	cfg.Pre, _ = f.String("tokenizer.ggml.pre")
	cfg.Merges, _ = f.Strings("tokenizer.ggml.merges")
	if types, ok := f.Ints("tokenizer.ggml.token_type"); ok {
		cfg.Types = make([]int32, len(types))
		for i, v := range types {
			cfg.Types[i] = int32(v)
		}
	}
	if scores, ok := f.Floats("tokenizer.ggml.scores"); ok {
		cfg.Scores = make([]float32, len(scores))
		for i, v := range scores {
			cfg.Scores[i] = float32(v)
		}
	}
	// llama.cpp's defaults for a vocabulary that names no special tokens.
	cfg.BOS, cfg.EOS, cfg.EOT, cfg.EOM, cfg.PAD, cfg.UNK = 11, 11, NoToken, NoToken, NoToken, NoToken
	if cfg.Model == "llama" {
		cfg.BOS, cfg.EOS, cfg.UNK = 1, 2, 0
	}
	for _, k := range []struct {
		key string
		dst *int32
	}{
		{"tokenizer.ggml.bos_token_id", &cfg.BOS},
		{"tokenizer.ggml.eos_token_id", &cfg.EOS},
		{"tokenizer.ggml.eot_token_id", &cfg.EOT},
		{"tokenizer.ggml.eom_token_id", &cfg.EOM},
		{"tokenizer.ggml.padding_token_id", &cfg.PAD},
		{"tokenizer.ggml.unknown_token_id", &cfg.UNK},
	} {
		// An id outside the vocabulary is ignored, keeping the default, as
		// llama.cpp does.
		if v, ok := f.Uint(k.key); ok && v < uint64(len(cfg.Tokens)) {
			*k.dst = int32(v)
		}
	}
	if v, ok := f.Bool("tokenizer.ggml.add_bos_token"); ok {
		cfg.AddBOS = &v
	}
	if v, ok := f.Bool("tokenizer.ggml.add_eos_token"); ok {
		cfg.AddEOS = &v
	}
	if v, ok := f.Bool("tokenizer.ggml.add_space_prefix"); ok {
		cfg.AddSpacePrefix = &v
	}
	return cfg, nil
}
