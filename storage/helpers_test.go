package storage

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testClock is a clock that moves forward a fixed step per reading, so
// every timestamp is distinct and orderings are deterministic.
type testClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func newTestClock(step time.Duration) *testClock {
	return &testClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), step: step}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// openTestDB opens a fresh database file in a temporary directory with a
// test clock, closing it when the test ends.
func openTestDB(t testing.TB, opts Options) *DB {
	t.Helper()
	if opts.Now == nil {
		opts.Now = newTestClock(time.Millisecond).Now
	}
	db, err := OpenWith(context.Background(), filepath.Join(t.TempDir(), "hearth.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

// mustConversation creates a conversation or fails the test.
func mustConversation(t testing.TB, db *DB, title string) Conversation {
	t.Helper()
	c, err := db.CreateConversation(context.Background(), NewConversation{Title: title})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mustAppend appends a message or fails the test.
func mustAppend(t testing.TB, db *DB, convID, parentID int64, role, content string) Message {
	t.Helper()
	m, err := db.AppendMessage(context.Background(), NewMessage{
		ConversationID: convID, ParentID: parentID, Role: role, Content: content,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// messageIDs lists the ids of ms in order.
func messageIDs(ms []Message) []int64 {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}
