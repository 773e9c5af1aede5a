package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkContextQuestions measures what folder context costs with the
// tiny Scout model on synthetic folders of about 8k, 32k and 128k tokens
// (files of about 1k tokens, oldest first): the first question (the whole
// folder prefilled), the same question again (nothing changed), and a
// question after editing the newest file and after editing the oldest.
// Each question asks for one token, so its time is the prefill's. Run:
//
//	go test -tags sqlite_fts5 ./app -run XXX -bench ContextQuestions -benchtime 1x
func BenchmarkContextQuestions(b *testing.B) {
	for _, size := range []int{8 << 10, 32 << 10, 128 << 10} {
		b.Run(fmt.Sprintf("%dk", size>>10), func(b *testing.B) { benchContext(b, size) })
	}
}

func benchContext(b *testing.B, size int) {
	a, rec := openApp(b, b.TempDir(), Config{})
	s, err := a.GetSettings()
	if err != nil {
		b.Fatal(err)
	}
	s.ContextLength = size + size/4 + 1024
	if err := a.SaveSettings(s); err != nil {
		b.Fatal(err)
	}
	loadTiny(b, a, rec)
	var first, unchanged, newest, oldest time.Duration
	for i := 0; b.Loop(); i++ {
		// A new folder each round, so that the first question is cold.
		folder := filepath.Join(b.TempDir(), "repo")
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		files := 0
		for tokens := 0; tokens < size; files++ {
			// 22 lines of prose come to about 1k tokens with the tiny vocabulary.
			writeAged(b, filepath.Join(folder, fmt.Sprintf("f%04d.txt", files)), prose(fmt.Sprintf("r%d file %d", i, files), 22), base.Add(time.Duration(files)*time.Minute))
			tokens += 1024
		}
		conv, err := a.NewConversation()
		if err != nil {
			b.Fatal(err)
		}
		if err := a.UpdateConversationSettings(conv.ID, ConversationSettings{Temperature: 0, MaxTokens: 1}); err != nil {
			b.Fatal(err)
		}
		if _, err := a.AttachContext(conv.ID, folder); err != nil {
			b.Fatal(err)
		}
		ask := func() time.Duration {
			start := time.Now()
			res, err := a.SendMessage(conv.ID, "Which file mentions the hearth?")
			if err != nil {
				b.Fatal(err)
			}
			waitDone(b, rec, res.AssistantMessageID)
			return time.Since(start)
		}
		edit := func(n int) {
			p := filepath.Join(folder, fmt.Sprintf("f%04d.txt", n))
			if err := os.WriteFile(p, []byte(prose(fmt.Sprintf("r%d file %d edited", i, n), 22)), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		first += ask()
		unchanged += ask()
		edit(files - 1)
		newest += ask()
		edit(0)
		oldest += ask()
	}
	n := float64(b.N)
	b.ReportMetric(first.Seconds()/n, "first-s")
	b.ReportMetric(unchanged.Seconds()/n, "unchanged-s")
	b.ReportMetric(newest.Seconds()/n, "edit-newest-s")
	b.ReportMetric(oldest.Seconds()/n, "edit-oldest-s")
	b.ReportMetric(first.Seconds()/unchanged.Seconds(), "first/unchanged")
	b.ReportMetric(first.Seconds()/newest.Seconds(), "first/edit-newest")
}
