package vision_test

import (
	"fmt"
	"os"

	"hearth/engine"
	"hearth/engine/chat"
	"hearth/engine/model/vision"
	"hearth/engine/tokenizer"
)

// Example shows a prompt with an image: preprocess and encode the image,
// lay out its placeholder tokens with package chat, and prefill the text
// model with the image embeddings at the image positions.
func Example() {
	p, err := vision.Load("mmproj.gguf")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	m, err := engine.Load("model.gguf", engine.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	tok, err := tokenizer.FromGGUF(m.File())
	if err != nil {
		fmt.Println(err)
		return
	}

	data, err := os.ReadFile("photo.jpg")
	if err != nil {
		fmt.Println(err)
		return
	}
	img, err := p.Preprocess(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := p.Encode(img)
	if err != nil {
		fmt.Println(err)
		return
	}

	msgs := []chat.Message{{Role: "user", Content: "What is in this picture?", Images: 1}}
	prompt, err := chat.Encode(chat.Llama4{}, tok, msgs, true, []chat.ImageGrid{chat.ImageGrid(p.Grid(img))}, chat.LayoutLlamaCpp)
	if err != nil {
		fmt.Println(err)
		return
	}
	embd, err := vision.Scatter(len(prompt.IDs), prompt.ImagePositions, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := m.NewSession(engine.SessionOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.PrefillEmbeddings(prompt.IDs, embd); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("image", img.HashHex(), "fills", len(rows), "of", len(prompt.IDs), "positions")
}
