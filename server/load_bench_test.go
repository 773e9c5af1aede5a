package server

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
)

// BenchmarkLoad drives the API with the official client on loopback: 8
// concurrent streaming clients, 8 tokens each, on the tiny fixture. It
// reports requests per second and the p50/p99 time to first token, the
// figures the README quotes. A benchmark, not a test: nothing here passes
// or fails on speed.
func BenchmarkLoad(b *testing.B) {
	g := tinyModel(b)
	base, _ := serve(b, g, Options{Queue: 64})
	c := client(base)
	const clients = 8
	var mu sync.Mutex
	var ttft []time.Duration
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				start := time.Now()
				stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
					Model: "tiny", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("load test")},
					MaxTokens: openai.Int(8),
				})
				first := time.Duration(0)
				for stream.Next() {
					if first == 0 && len(stream.Current().Choices) > 0 && stream.Current().Choices[0].Delta.Content != "" {
						first = time.Since(start)
					}
				}
				if err := stream.Err(); err != nil {
					b.Error(err)
				}
				mu.Lock()
				ttft = append(ttft, first)
				mu.Unlock()
			}
		}()
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(ttft, func(i, j int) bool { return ttft[i] < ttft[j] })
	pick := func(q float64) float64 { return float64(ttft[int(q*float64(len(ttft)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pick(0.50), "p50-ttft-ms")
	b.ReportMetric(pick(0.99), "p99-ttft-ms")
}
