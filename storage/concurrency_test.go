package storage

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentWriters has several goroutines append messages and put KV
// pages at once: writers must queue on the lock, never fail with
// SQLITE_BUSY, and every write must land.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	const writers, each = 4, 15
	convs := make([]Conversation, writers)
	for w := range convs {
		convs[w] = mustConversation(t, db, fmt.Sprint("w", w))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			parent := int64(0)
			for k := range each {
				m, err := db.AppendMessage(ctx, NewMessage{ConversationID: convs[w].ID, ParentID: parent, Role: RoleUser, Content: fmt.Sprint("message ", k)})
				if err != nil {
					errs <- err
					return
				}
				parent = m.ID
			}
		}()
		go func() {
			defer wg.Done()
			_, pages := testChain("m", 10+w, each, 16, 4096)
			for _, p := range pages {
				if err := db.PutKVPage(ctx, p); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, c := range convs {
		c, err := db.GetConversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		path, err := db.BranchPath(ctx, c.ActiveLeafID)
		if err != nil || len(path) != each {
			t.Fatalf("conversation %d: branch of %d messages, %v; want %d", c.ID, len(path), err, each)
		}
	}
	if u, err := db.KVUsage(ctx); err != nil || u.Pages != writers*each {
		t.Fatalf("KV usage %+v, %v; want %d pages", u, err, writers*each)
	}
}
