package storage

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash test re-executes this test binary as a writer child, selected
// by these environment variables. The child does one step per command line
// on its stdin and acknowledges each on stdout; the parent SIGKILLs it at a
// chosen step, so where the kill lands depends on the plan, never on how
// fast the machine is.
const (
	crashChildDBEnv    = "HEARTH_STORAGE_CRASH_DB"
	crashChildRoundEnv = "HEARTH_STORAGE_CRASH_ROUND"
)

const (
	crashModel      = "sha256:crash-test-model"
	crashPages      = 40
	crashBatch      = 4 // pages per PutKVPages call
	crashPageTokens = 256
	crashPageBytes  = 96 << 10
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
// so saves write varying numbers of pages.
func crashMessage(round, k int) string {
	return fmt.Sprintf("round %d message %d %s", round, k, strings.Repeat("lorem ipsum ", (k*37)%400))
}

// runCrashChild executes the commands read from stdin, one per line:
//
//	open       open (and migrate) the database, find or create the conversation
//	msg        append the next message          → "msg ID K"
//	pages      save the next batch of KV pages  → "pages N" (N pages saved so far)
//	hold T CMD run CMD but stop inside its T-th write transaction, after its
//	           writes and before COMMIT, print "held" and wait to be killed
//
// It prints "start CMD" when it begins a command and the acknowledgement
// only after the save has returned. It exits when stdin closes, so an
// orphaned child does not outlive the test.
func runCrashChild(path string, round int) error {
	ctx := context.Background()
	_, chain := testChain(crashModel, round, crashPages, crashPageTokens, crashPageBytes)
	var (
		db             *DB
		conv           Conversation
		parent         int64
		k, saved       int
		holdAt, txSeen int
	)
	beforeCommit = func() {
		txSeen++
		if holdAt > 0 && txSeen == holdAt {
			fmt.Println("held")
			io.Copy(io.Discard, os.Stdin) // returns when the parent goes away
			os.Exit(3)
		}
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		holdAt, txSeen = 0, 0
		if len(f) == 3 && f[0] == "hold" {
			holdAt, _ = strconv.Atoi(f[1])
			f = f[2:]
		}
		if len(f) != 1 {
			return fmt.Errorf("bad command %q", in.Text())
		}
		fmt.Println("start", f[0])
		var err error
		switch f[0] {
		case "open":
			if db, err = Open(path); err != nil {
				return err
			}
			convs, err := db.ListConversations(ctx)
			if err != nil {
				return err
			}
			if len(convs) > 0 {
				conv = convs[0]
			} else if conv, err = db.CreateConversation(ctx, NewConversation{Title: "crash"}); err != nil {
				return err
			}
			parent = conv.ActiveLeafID
			fmt.Println("open")
		case "msg":
			m, err := db.AppendMessage(ctx, NewMessage{ConversationID: conv.ID, ParentID: parent, Role: RoleUser, Content: crashMessage(round, k)})
			if err != nil {
				return err
			}
			fmt.Println("msg", m.ID, k)
			parent = m.ID
			k++
		case "pages":
			end := min(saved+crashBatch, len(chain))
			if err := db.PutKVPages(ctx, chain[saved:end]); err != nil {
				return err
			}
			saved = end
			fmt.Println("pages", saved)
		default:
			return fmt.Errorf("unknown command %q", f[0])
		}
	}
	return in.Err()
}

// crashPhase is where in a writer's life a round kills it.
type crashPhase int

const (
	phaseMigrate  crashPhase = iota // opening a new file: the schema migrations
	phaseMessages                   // message saves
	phasePages                      // KV page batch saves
	crashPhases
)

func (p crashPhase) String() string {
	return [...]string{"open/migrate", "message saves", "KV page batches"}[p]
}

// crashPlan is one round: commands run to completion, then the last one,
// during which the child is killed. With held, the kill lands inside the
// last command's holdTx-th write transaction; otherwise it lands after the
// child has started the last command and before it reads another.
type crashPlan struct {
	phase  crashPhase
	file   string
	steps  []string
	last   string
	held   bool
	holdTx int
}

// crashResult is what the child acknowledged in one round.
type crashResult struct {
	msgs  map[int64]int // message id → k
	pages int           // KV pages of the round's chain saved
	opens int
}

// runCrashPlan starts a writer child, drives it through the plan, kills it
// at the plan's point and returns what it acknowledged.
func runCrashPlan(t *testing.T, round int, plan crashPlan) crashResult {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildDBEnv+"="+plan.file, crashChildRoundEnv+"="+strconv.Itoa(round))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
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
	res := crashResult{msgs: map[int64]int{}}
	record := func(line string) {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "msg":
			id, _ := strconv.ParseInt(f[1], 10, 64)
			k, _ := strconv.Atoi(f[2])
			res.msgs[id] = k
		case len(f) == 2 && f[0] == "pages":
			n, _ := strconv.Atoi(f[1])
			res.pages = max(res.pages, n)
		case len(f) == 1 && f[0] == "open":
			res.opens++
		}
	}
	// waitFor reads acknowledgements until one equal to want.
	waitFor := func(want string) {
		for line := range lines {
			record(line)
			if line == want {
				return
			}
		}
		cmd.Wait()
		t.Fatalf("round %d (%s): child exited while waiting for %q: %s", round, plan.phase, want, stderr.String())
	}
	send := func(line string) {
		if _, err := io.WriteString(stdin, line+"\n"); err != nil {
			t.Fatalf("round %d: write to child: %v", round, err)
		}
	}
	for _, step := range plan.steps {
		send(step)
		waitFor("start " + step)
		ack := step
		if step != "open" {
			ack = "" // msg and pages acks carry numbers; wait for the next start instead
		}
		if ack != "" {
			waitFor(ack)
		}
	}
	if plan.held {
		send(fmt.Sprintf("hold %d %s", plan.holdTx, plan.last))
		waitFor("held")
	} else {
		send(plan.last)
		waitFor("start " + plan.last)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for line := range lines {
		record(line)
	}
	cmd.Wait()
	if strings.Contains(stderr.String(), "crash child:") {
		t.Fatalf("round %d: child failed: %s", round, stderr.String())
	}
	return res
}

// planCrash picks round's phase and kill mode from the round number, so
// every phase is killed both inside a transaction and between statements on
// every run, and the progress point within the phase from rng.
func planCrash(rng *rand.Rand, round int, dir, mainFile string) crashPlan {
	p := crashPlan{phase: crashPhase(round % int(crashPhases)), held: (round/int(crashPhases))%2 == 0, holdTx: 1, file: mainFile}
	switch p.phase {
	case phaseMigrate:
		p.file = filepath.Join(dir, fmt.Sprintf("migrate-%d.db", round))
		p.last = "open"
		p.holdTx = 1 + rng.IntN(SchemaVersion())
	case phaseMessages:
		// At least one message is acknowledged before the kill.
		p.steps = append([]string{"open"}, repeat("msg", 1+rng.IntN(30))...)
		p.last = "msg"
	case phasePages:
		p.steps = append([]string{"open"}, repeat("msg", 1+rng.IntN(3))...)
		p.steps = append(p.steps, repeat("pages", 1+rng.IntN(crashPages/crashBatch-1))...)
		p.last = "pages"
	}
	return p
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// userVersion reads PRAGMA user_version without migrating.
func userVersion(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int
	if err := raw.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCrashDurability SIGKILLs a writer at chosen progress points, in
// every phase, inside and between transactions, many times over one
// database file, and checks after each crash that the file is intact, that
// every message whose save returned is there with its content and no other
// appeared, and that KV lookups return only pages identical to what was
// written.
func TestCrashDurability(t *testing.T) {
	rounds := 24
	if testing.Short() {
		rounds = 2 * int(crashPhases)
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("HEARTH_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("seed %d (rerun with HEARTH_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	dir := t.TempDir()
	mainFile := filepath.Join(dir, "crash.db")
	ctx := context.Background()
	acked := map[int64]string{}
	type tally struct{ kills, held, msgs, pages, migrations int }
	var tallies [crashPhases]tally
	for round := range rounds {
		plan := planCrash(rng, round, dir, mainFile)
		res := runCrashPlan(t, round, plan)
		tl := &tallies[plan.phase]
		tl.kills++
		if plan.held {
			tl.held++
		}
		tl.msgs += len(res.msgs)
		tl.pages += res.pages
		for id, k := range res.msgs {
			acked[id] = crashMessage(round, k)
		}

		if plan.phase == phaseMigrate {
			v := userVersion(t, plan.file)
			if plan.held && v != plan.holdTx-1 {
				t.Fatalf("round %d: killed inside migration %d, file is at version %d", round, plan.holdTx, v)
			}
			tl.migrations += v
		}
		var reported []*CorruptPageError
		db, err := OpenWith(ctx, plan.file, Options{OnCorruptPage: func(e *CorruptPageError) { reported = append(reported, e) }})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if plan.phase == phaseMigrate {
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if v := userVersion(t, plan.file); v != SchemaVersion() {
				t.Fatalf("round %d: reopen migrated to version %d, want %d", round, v, SchemaVersion())
			}
			continue
		}

		stored := map[int64]string{}
		if convs, err := db.ListConversations(ctx); err != nil {
			t.Fatal(err)
		} else if len(convs) > 0 {
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
		// The only message allowed beyond the acknowledged ones is the one
		// being saved when the kill landed, and only if it was not held
		// before its commit.
		inFlight := crashMessage(round, len(res.msgs))
		for id, content := range stored {
			if _, ok := acked[id]; ok {
				continue
			}
			if plan.phase != phaseMessages || plan.held || content != inFlight {
				t.Fatalf("round %d (%s, held %v): message %d appeared that was never acknowledged", round, plan.phase, plan.held, id)
			}
			acked[id] = content
		}

		hashes, want := testChain(crashModel, round, crashPages, crashPageTokens, crashPageBytes)
		got, err := db.LongestKVPrefix(ctx, crashModel, hashes)
		if err != nil || len(reported) > 0 {
			t.Fatalf("round %d: KV lookup after kill: %v (reported %v)", round, err, reported)
		}
		most := res.pages
		if plan.phase == phasePages && !plan.held {
			most += crashBatch
		}
		if len(got) < res.pages || len(got) > most {
			t.Fatalf("round %d (%s, held %v): %d KV pages acknowledged, %d found", round, plan.phase, plan.held, res.pages, len(got))
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
	held := 0
	for p, tl := range tallies {
		t.Logf("%-16s %2d kills (%d inside a transaction), %3d messages and %2d KV pages acknowledged, %d migrations committed",
			crashPhase(p), tl.kills, tl.held, tl.msgs, tl.pages, tl.migrations)
		if tl.kills == 0 || tl.held == 0 || tl.held == tl.kills {
			t.Errorf("%s: %d kills, %d inside a transaction: want both kinds", crashPhase(p), tl.kills, tl.held)
		}
		held += tl.held
	}
	t.Logf("mid-transaction  %2d kills", held)
	if tallies[phaseMessages].msgs == 0 || tallies[phasePages].pages == 0 {
		t.Errorf("nothing acknowledged: %d messages, %d pages", tallies[phaseMessages].msgs, tallies[phasePages].pages)
	}
}
