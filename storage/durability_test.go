package storage

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The crash test re-executes this test binary as a writer child, selected
// by these environment variables, and SIGKILLs it mid-write.
const (
	crashChildDBEnv    = "HEARTH_STORAGE_CRASH_DB"
	crashChildRoundEnv = "HEARTH_STORAGE_CRASH_ROUND"
)

const (
	crashModel      = "sha256:crash-test-model"
	crashPages      = 40
	crashPageTokens = 256
	crashPageBytes  = 96 << 10
	// crashChildLife bounds an orphaned child if the parent dies first.
	crashChildLife = 20 * time.Second
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildDBEnv); path != "" {
		round, _ := strconv.Atoi(os.Getenv(crashChildRoundEnv))
		if err := runCrashChild(path, round); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashMessage is the content of the k-th message of a round; lengths vary
// so saves take varying time.
func crashMessage(round, k int) string {
	return fmt.Sprintf("round %d message %d %s", round, k, strings.Repeat("lorem ipsum ", (k*37)%400))
}

// runCrashChild writes messages and KV pages from two goroutines until it
// is killed, printing "msg ID K" or "page I" on stdout only after the save
// has returned.
func runCrashChild(path string, round int) error {
	ctx, cancel := context.WithTimeout(context.Background(), crashChildLife)
	defer cancel()
	db, err := Open(path)
	if err != nil {
		return err
	}
	convs, err := db.ListConversations(ctx)
	if err != nil {
		return err
	}
	var conv Conversation
	if len(convs) > 0 {
		conv = convs[0]
	} else if conv, err = db.CreateConversation(ctx, NewConversation{Title: "crash"}); err != nil {
		return err
	}
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	errs := make(chan error, 2)
	go func() {
		parent := conv.ActiveLeafID
		for k := 0; ctx.Err() == nil; k++ {
			m, err := db.AppendMessage(ctx, NewMessage{ConversationID: conv.ID, ParentID: parent, Role: RoleUser, Content: crashMessage(round, k)})
			if err != nil {
				errs <- err
				return
			}
			say("msg %d %d", m.ID, k)
			parent = m.ID
		}
		errs <- nil
	}()
	go func() {
		_, pages := testChain(crashModel, round, crashPages, crashPageTokens, crashPageBytes)
		for _, p := range pages {
			if err := db.PutKVPage(ctx, p); err != nil {
				errs <- err
				return
			}
			say("page %d", p.Index)
		}
		errs <- nil
	}()
	for range 2 {
		if err := <-errs; err != nil && ctx.Err() == nil {
			return err
		}
	}
	return nil
}

// crashRound starts a writer child, kills it delay after starting it (which
// may be before it has opened the database), and returns the
// message ids (with their k) and the number of pages it reported saved.
func crashRound(t *testing.T, path string, round int, delay time.Duration) (map[int64]int, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildDBEnv+"="+path, crashChildRoundEnv+"="+strconv.Itoa(round))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		// Only whole lines count: a line cut by the kill was never complete.
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines <- strings.TrimSuffix(line, "\n")
		}
	}()
	msgs := map[int64]int{}
	pages := 0
	record := func(line string) {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "msg":
			id, _ := strconv.ParseInt(f[1], 10, 64)
			k, _ := strconv.Atoi(f[2])
			msgs[id] = k
		case len(f) == 2 && f[0] == "page":
			i, _ := strconv.Atoi(f[1])
			pages = max(pages, i+1)
		}
	}
	deadline := time.After(delay)
	for killed := false; !killed; {
		select {
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("round %d: child exited before the kill: %s", round, stderr.String())
			}
			record(line)
		case <-deadline:
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	for line := range lines {
		record(line)
	}
	cmd.Wait()
	if strings.Contains(stderr.String(), "crash child:") {
		t.Fatalf("round %d: child failed: %s", round, stderr.String())
	}
	return msgs, pages
}

// TestCrashDurability SIGKILLs a writer at random moments, many times over
// one database file, and checks after each crash that the file is intact,
// that every message whose save returned is there with its content, and
// that KV lookups return only pages identical to what was written.
func TestCrashDurability(t *testing.T) {
	rounds := 24
	if testing.Short() {
		rounds = 6
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	path := filepath.Join(t.TempDir(), "crash.db")
	ctx := context.Background()
	acked := map[int64]string{}
	totalMsgs, totalPages := 0, 0
	for round := range rounds {
		// Early kills land in Open, and in round 0 in the first migration.
		delay := time.Duration(rng.IntN(250)) * time.Millisecond
		msgs, pages := crashRound(t, path, round, delay)
		totalMsgs += len(msgs)
		totalPages += pages
		for id, k := range msgs {
			acked[id] = crashMessage(round, k)
		}

		var reported []*CorruptPageError
		db, err := OpenWith(ctx, path, Options{OnCorruptPage: func(e *CorruptPageError) { reported = append(reported, e) }})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		stored := map[int64]string{}
		if convs, err := db.ListConversations(ctx); err == nil && len(convs) > 0 {
			all, err := db.ListMessages(ctx, convs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range all {
				stored[m.ID] = m.Content
			}
		}
		for id, content := range acked {
			if stored[id] != content {
				t.Fatalf("round %d: acknowledged message %d lost or changed after the kill", round, id)
			}
		}
		hashes, want := testChain(crashModel, round, crashPages, crashPageTokens, crashPageBytes)
		got, err := db.LongestKVPrefix(ctx, crashModel, hashes)
		if err != nil || len(reported) > 0 {
			t.Fatalf("round %d: KV lookup after kill: %v (reported %v)", round, err, reported)
		}
		if len(got) < pages {
			t.Fatalf("round %d: %d KV pages acknowledged, %d found", round, pages, len(got))
		}
		for i, p := range got {
			if !reflect.DeepEqual(p, want[i]) {
				t.Fatalf("round %d: KV page %d differs from what was written", round, i)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if totalMsgs == 0 || totalPages == 0 {
		t.Fatalf("children acknowledged %d messages and %d pages: nothing was tested", totalMsgs, totalPages)
	}
	t.Logf("%d rounds: %d acknowledged messages and %d acknowledged KV pages checked", rounds, totalMsgs, totalPages)
}
