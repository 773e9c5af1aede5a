package tokenizer_test

import (
	"fmt"

	"hearth/engine/tokenizer"
)

// A vocabulary with the two letters, their merge, and a control token.
func Example() {
	tok, err := tokenizer.New(tokenizer.Config{
		Model:  "gpt2",
		Pre:    "llama4",
		Tokens: []string{"a", "b", "ab", "Ġ", "<|eot|>"},
		Types:  []int32{1, 1, 1, 1, 3},
		Merges: []string{"a b"},
		BOS:    tokenizer.NoToken, EOS: 4, EOT: tokenizer.NoToken, EOM: tokenizer.NoToken, PAD: tokenizer.NoToken, UNK: tokenizer.NoToken,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ids := tok.Encode("ab ab<|eot|>", false, true)
	fmt.Println(ids)
	fmt.Printf("%q %q\n", tok.Decode(ids, false, false), tok.Decode(ids, false, true))
	fmt.Println(tok.IsEOG(4))
	// Output:
	// [2 3 2 4]
	// "ab ab" "ab ab<|eot|>"
	// true
}
