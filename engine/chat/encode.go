package chat

import (
	"fmt"

	"hearth/engine/tokenizer"
)

// Prompt is a conversation as the model reads it.
type Prompt struct {
	// IDs holds one token per position. Image positions hold the <|patch|>
	// id; the model must put image embeddings there, not that token's
	// embedding (a generated <|patch|> is an ordinary token).
	IDs []int32
	// ImagePositions lists the positions that take image embeddings, in the
	// order the images' embeddings come (image by image, tile by tile).
	ImagePositions []int
}

// Encode renders msgs in format f and tokenizes the result. Template text is
// tokenized with special tokens parsed; message content is not, so a
// "<|eot|>" typed by a user stays text. (llama.cpp parses the whole rendered
// prompt; the two agree on content that holds no special-token text.) Each
// image takes the placeholder of its grid in images, in order. The prompt
// starts with exactly one BOS.
func Encode(f Format, tok *tokenizer.Tokenizer, msgs []Message, addGenerationPrompt bool, images []ImageGrid, layout ImageLayout) (Prompt, error) {
	var p Prompt
	if bos := tok.BOS(); bos != tokenizer.NoToken {
		p.IDs = append(p.IDs, bos)
	}
	next := 0
	for _, s := range f.segments(msgs, addGenerationPrompt) {
		switch s.kind {
		case scaffold:
			p.IDs = append(p.IDs, tok.Encode(s.text, false, true)...)
		case content:
			p.IDs = append(p.IDs, tok.Encode(s.text, false, false)...)
		case image:
			if _, ok := f.(Llama4); !ok {
				return Prompt{}, errNoImages(f)
			}
			if next >= len(images) {
				return Prompt{}, fmt.Errorf("chat: the messages hold more images than the %d grids given", len(images))
			}
			ids, at, err := ImagePlaceholder(tok, images[next], layout)
			if err != nil {
				return Prompt{}, fmt.Errorf("chat: image %d: %w", next, err)
			}
			for _, i := range at {
				p.ImagePositions = append(p.ImagePositions, len(p.IDs)+i)
			}
			p.IDs = append(p.IDs, ids...)
			next++
		}
	}
	if next != len(images) {
		return Prompt{}, fmt.Errorf("chat: %d image grids given for %d images in the messages", len(images), next)
	}
	return p, nil
}
