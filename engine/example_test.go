package engine_test

import (
	"context"
	"fmt"
	"path/filepath"

	"hearth/engine"
	"hearth/engine/sample"
)

// ExampleSession_Generate prefills llama.cpp's golden prompt for the tiny
// Llama 4 model and greedily generates its first four tokens.
func ExampleSession_Generate() {
	path := filepath.Join("..", "..", "shared", "fixtures", "models", "tiny-llama4-scout-f32.gguf")
	m, err := engine.Load(path, engine.LoadOptions{})
	if err != nil {
		fmt.Println("fixtures absent")
		return
	}
	defer m.Close()
	s, err := m.NewSession(engine.SessionOptions{ContextLen: 128})
	if err != nil {
		fmt.Println(err)
		return
	}
	prompt := []int32{679, 684, 387, 259, 685, 283, 51, 299, 75, 220}
	if err := s.Prefill(prompt); err != nil {
		fmt.Println(err)
		return
	}
	var out []int32
	for id, err := range s.Generate(context.Background(), sample.Greedy{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		out = append(out, id)
		if len(out) == 4 {
			break
		}
	}
	fmt.Println(len(out), s.Pos())
	// Output: 4 14
}
