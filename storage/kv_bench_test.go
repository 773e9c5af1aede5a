package storage

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkLongestKVPrefix measures restore throughput: reading, verifying
// and returning a chain of pages. MB/s counts page data and token ids.
func BenchmarkLongestKVPrefix(b *testing.B) {
	for _, size := range []struct{ pages, pageBytes int }{{16, 1 << 20}, {4, 8 << 20}} {
		b.Run(fmt.Sprintf("%dx%dMiB", size.pages, size.pageBytes>>20), func(b *testing.B) {
			ctx := context.Background()
			db := openTestDB(b, Options{})
			hashes, pages := testChain("bench-model", 1, size.pages, 256, size.pageBytes)
			putAll(b, db, pages)
			var total int64
			for _, p := range pages {
				total += p.size()
			}
			b.SetBytes(total)
			b.ResetTimer()
			for b.Loop() {
				got, err := db.LongestKVPrefix(ctx, "bench-model", hashes)
				if err != nil || len(got) != size.pages {
					b.Fatalf("%d pages, %v", len(got), err)
				}
			}
		})
	}
}

// BenchmarkPutKVPage measures snapshot save throughput one page per
// operation, each its own durable transaction.
func BenchmarkPutKVPage(b *testing.B) {
	for _, pageBytes := range []int{64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dKiB", pageBytes>>10), func(b *testing.B) {
			ctx := context.Background()
			db := openTestDB(b, Options{})
			_, pages := testChain("bench-model", 2, 64, 256, pageBytes)
			b.SetBytes(pages[0].size())
			i := 0
			for b.Loop() {
				p := pages[i%len(pages)]
				if err := db.PutKVPage(ctx, p); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkPutKVPages measures snapshot save throughput in batches of 16
// pages, each batch one durable transaction.
func BenchmarkPutKVPages(b *testing.B) {
	for _, pageBytes := range []int{64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("16x%dKiB", pageBytes>>10), func(b *testing.B) {
			ctx := context.Background()
			db := openTestDB(b, Options{})
			_, pages := testChain("bench-model", 2, 16, 256, pageBytes)
			var total int64
			for _, p := range pages {
				total += p.size()
			}
			b.SetBytes(total)
			for b.Loop() {
				if err := db.PutKVPages(ctx, pages); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
