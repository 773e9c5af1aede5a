package kvcache_test

import (
	"context"
	"fmt"
	"log"

	"hearth/app/kvcache"
	"hearth/engine"
	"hearth/storage"
)

// Example restores what the cache holds of a prompt, computes the rest and
// saves the new whole pages for next time.
func Example() {
	ctx := context.Background()
	db, err := storage.OpenDefault()
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	cache := kvcache.New(db, log.Printf)
	const path = "model.gguf"
	m, err := engine.Load(path, engine.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	digest, err := cache.ModelDigest(ctx, path, "kv=f16")
	if err != nil {
		log.Fatal(err)
	}
	s, err := m.NewSession(engine.SessionOptions{})
	if err != nil {
		log.Fatal(err)
	}
	prompt := []int32{200000, 1, 2, 3} // token ids from the tokenizer
	r, err := cache.Prefill(ctx, s, digest, kvcache.Input{Tokens: prompt})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("restored %d of %d tokens from cache\n", r.Restored, len(prompt))
	if _, err := cache.Save(ctx, s, digest, nil); err != nil {
		log.Print(err)
	}
}
