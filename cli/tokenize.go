package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"hearth/engine/gguf"
	"hearth/engine/tokenizer"
)

// runTokenize implements `hearth tokenize`: it prints the token ids and
// pieces of a text under a model's vocabulary.
func runTokenize(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tokenize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "GGUF `file` whose vocabulary to use (required)")
	noSpecial := fs.Bool("no-special", false, "spell special-token text such as <|eot|> as plain text")
	noBOS := fs.Bool("no-bos", false, "do not add the BOS (and EOS) tokens the vocabulary asks for")
	asJSON := fs.Bool("json", false, `print {"ids": [...], "pieces": [...]} instead of one "id<TAB>piece" line per token`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hearth tokenize --model FILE.gguf [--no-special] [--no-bos] [--json] TEXT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *model == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "hearth tokenize: need --model and exactly one TEXT argument (flags go before the text)")
		fs.Usage()
		return 2
	}

	f, err := gguf.Open(*model)
	if err != nil {
		fmt.Fprintf(stderr, "hearth tokenize: %v\n", err)
		return 1
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		fmt.Fprintf(stderr, "hearth tokenize: %v\n", err)
		return 1
	}

	ids := tok.Encode(fs.Arg(0), !*noBOS, !*noSpecial)
	pieces := make([][]byte, len(ids))
	for i, id := range ids {
		pieces[i] = tok.Piece(id, true)
	}
	if *asJSON {
		fmt.Fprintln(stdout, tokensJSON(ids, pieces))
		return 0
	}
	for i, id := range ids {
		fmt.Fprintf(stdout, "%d\t%s\n", id, strconv.Quote(string(pieces[i])))
	}
	return 0
}

// tokensJSON formats ids and pieces as {"ids": [...], "pieces": [...]}.
// A piece that is part of a UTF-8 character has its stray bytes written as
// U+FFFD, since JSON strings hold text, not bytes.
func tokensJSON(ids []int32, pieces [][]byte) string {
	var sb strings.Builder
	sb.WriteString(`{"ids": [`)
	for i, id := range ids {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.FormatInt(int64(id), 10))
	}
	sb.WriteString(`], "pieces": [`)
	for i, p := range pieces {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(jsonString(string(p)))
	}
	sb.WriteString("]}")
	return sb.String()
}

// jsonString quotes s as a JSON string without HTML escaping, so "<|eot|>"
// reads as itself.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return `""`
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
