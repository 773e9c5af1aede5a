package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunStreamsAnswer chats once with the tiny Scout model and expects
// some text on stdout and the speed line on stderr.
func TestRunStreamsAnswer(t *testing.T) {
	dir := sharedFixtures(t)
	for _, model := range []string{"tiny-llama4-scout-f32.gguf", "tiny-llama3-f32.gguf"} {
		t.Run(model, func(t *testing.T) {
			t.Setenv("HEARTH_DATA_DIR", t.TempDir())
			var stdout, stderr bytes.Buffer
			code := runRun([]string{
				"--model", filepath.Join(dir, "models", model),
				"--prompt", "hello", "--system", "Be brief.", "-n", "12", "--seed", "3", "--ctx", "256",
			}, &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if strings.TrimSpace(stdout.String()) == "" {
				t.Errorf("no answer on stdout (stderr %q)", stderr.String())
			}
			if !strings.Contains(stderr.String(), "tok/s") {
				t.Errorf("no speed line on stderr: %q", stderr.String())
			}
			t.Logf("answer %q; %s", stdout.String(), stderr.String())
		})
	}
}

func TestRunNeedsModel(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runRun([]string{"--prompt", "hi"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}

// TestRunInteractiveKeepsConversation sends two turns on stdin: the second
// prefill must only add the new turn (the cache holds the first), so its
// token count is well below the whole conversation's.
func TestRunInteractiveKeepsConversation(t *testing.T) {
	dir := sharedFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	var stdout, stderr bytes.Buffer
	code := runChat([]string{
		"--model", filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"), "-n", "6", "--temp", "0", "--ctx", "512",
	}, strings.NewReader("hello there\nand again\n"), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var prefills, contexts []int
	for _, line := range strings.Split(stderr.String(), "\n") {
		var p, ctx, max int
		var x float64
		var n int
		if i := strings.Index(line, "[prefill "); i >= 0 {
			if _, err := fmt.Sscanf(line[i:], "[prefill %d tokens in %fs (%f tok/s), decode %d tokens in %fs (%f tok/s), context %d/%d]", &p, &x, &x, &n, &x, &x, &ctx, &max); err != nil {
				t.Fatalf("speed line %q: %v", line, err)
			}
			prefills = append(prefills, p)
			contexts = append(contexts, ctx)
		}
	}
	if len(prefills) != 2 {
		t.Fatalf("%d turns answered, want 2 (stderr %q)", len(prefills), stderr.String())
	}
	if prefills[1] >= contexts[1]-6 || prefills[1] <= 0 {
		t.Errorf("second turn prefilled %d tokens of a %d-token conversation: the first turn was not kept", prefills[1], contexts[1])
	}
	t.Logf("prefills %v, contexts %v", prefills, contexts)
}
