package cli

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hearth/storage"
)

// restoredRe matches the line `hearth run` prints after restoring.
var restoredRe = regexp.MustCompile(`restored ([0-9,]+) of ([0-9,]+) tokens from cache`)

// restored returns the counts of the restore line on stderr.
func restored(t *testing.T, stderr string) (got, of int) {
	t.Helper()
	m := restoredRe.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no restore line on stderr: %q", stderr)
	}
	atoi := func(s string) int {
		n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return atoi(m[1]), atoi(m[2])
}

// runOnce runs `hearth run` with args and returns stdout and stderr,
// failing on a non-zero exit.
func runOnce(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := runRun(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// damagePage flips a byte in the middle of one stored KV page's data, with
// SQL on the database file.
func damagePage(t *testing.T, dataDir string, index int) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir, storage.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int64
	var data []byte
	if err := db.QueryRow(`SELECT d.page_id, d.data FROM kv_page_data d JOIN kv_pages p ON p.id = d.page_id
		WHERE p.page_index = ?`, index).Scan(&id, &data); err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x01
	if _, err := db.Exec("UPDATE kv_page_data SET data = ? WHERE page_id = ?", data, id); err != nil {
		t.Fatal(err)
	}
}

// TestRunReusesSnapshots runs the same prompt three times in one data
// directory: the second run restores the whole pages the first saved; a
// damaged page is then reported and recomputed. With greedy sampling every
// run, and a run without the cache, gives the same answer.
func TestRunReusesSnapshots(t *testing.T) {
	dir := sharedFixtures(t)
	data := t.TempDir()
	t.Setenv("HEARTH_DATA_DIR", data)
	prompt := strings.Repeat("Llamas carry packs across the high plains of the Andes. ", 6)
	args := []string{"--model", filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"),
		"--prompt", prompt, "-n", "12", "--temp", "0", "--ctx", "512", "--cache-page", "16"}

	plain, _ := runOnce(t, append(args, "--no-cache")...)
	first, stderr := runOnce(t, args...)
	if got, of := restored(t, stderr); got != 0 || of < 64 {
		t.Fatalf("first run restored %d of %d tokens, want 0 of a long prompt", got, of)
	}
	second, stderr := runOnce(t, args...)
	got, of := restored(t, stderr)
	if got != of/16*16 || got == 0 {
		t.Errorf("second run restored %d of %d tokens, want %d", got, of, of/16*16)
	}
	damagePage(t, data, 2)
	third, stderr := runOnce(t, args...)
	if !strings.Contains(stderr, "damaged snapshot page") || !strings.Contains(stderr, "checksum mismatch") {
		t.Errorf("the damaged page was not reported: %q", stderr)
	}
	if got, _ := restored(t, stderr); got != 32 {
		t.Errorf("run over a damaged page 2 restored %d tokens, want the 32 before it", got)
	}
	fourth, stderr := runOnce(t, args...)
	if got, of := restored(t, stderr); got != of/16*16 {
		t.Errorf("run after the repair restored %d of %d tokens", got, of)
	}
	for i, answer := range []string{first, second, third, fourth} {
		if answer != plain || strings.TrimSpace(answer) == "" {
			t.Errorf("run %d answered %q, without the cache %q", i+1, answer, plain)
		}
	}
}

// TestRunSeparatesCacheKeys checks that a run with another chunk size
// (an override that changes the KV contents) does not reuse pages.
func TestRunSeparatesCacheKeys(t *testing.T) {
	dir := sharedFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	prompt := strings.Repeat("A llama hums. ", 12)
	args := []string{"--model", filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"),
		"--prompt", prompt, "-n", "4", "--temp", "0", "--ctx", "256", "--cache-page", "16"}
	runOnce(t, args...)
	_, stderr := runOnce(t, append(args, "--override-kv", "llama4.attention.chunk_size=int:16")...)
	if got, _ := restored(t, stderr); got != 0 {
		t.Errorf("a chunk-16 run restored %d tokens saved by a normal run", got)
	}
	_, stderr = runOnce(t, append(args, "--kv-type", "f32")...)
	if got, _ := restored(t, stderr); got != 0 {
		t.Errorf("an f32-cache run restored %d tokens saved with f16", got)
	}
}

func TestThousands(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {7936, "7,936"}, {1234567, "1,234,567"}, {-8000, "-8,000"}} {
		if got := thousands(c.n); got != c.want {
			t.Errorf("thousands(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// visionFixtures returns the tiny mmproj and the image folder, or skips.
func visionFixtures(t *testing.T) (mmproj, images string) {
	t.Helper()
	dir := filepath.Join(sharedFixtures(t), "vision")
	if _, err := os.Stat(filepath.Join(dir, "tiny-llama4-mmproj-f32.gguf")); err != nil {
		t.Skip("vision fixtures absent:", err)
	}
	return filepath.Join(dir, "tiny-llama4-mmproj-f32.gguf"), filepath.Join(dir, "images")
}

// TestRunWithImages answers a prompt with two images attached, then again
// from the snapshot cache (the same answer), and with another image, which
// must not reuse pages past the image's start.
func TestRunWithImages(t *testing.T) {
	dir := sharedFixtures(t)
	mmproj, images := visionFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	base := []string{"--model", filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"), "--mmproj", mmproj,
		"--prompt", "What colours do you see?", "-n", "8", "--temp", "0", "--ctx", "1024", "--cache-page", "16"}
	args := append(base, "--image", filepath.Join(images, "gradient-336x336.png"), "--image", filepath.Join(images, "tiny-60x40-rgba.png"))
	first, stderr := runOnce(t, args...)
	if strings.TrimSpace(first) == "" {
		t.Fatalf("no answer (stderr %q)", stderr)
	}
	if strings.Count(stderr, "[image ") != 2 {
		t.Errorf("stderr does not describe two images: %q", stderr)
	}
	_, of := restored(t, stderr)
	if of < 2*144 {
		t.Errorf("a prompt with two images has only %d tokens", of)
	}
	second, stderr := runOnce(t, args...)
	if got, of := restored(t, stderr); got != of/16*16 {
		t.Errorf("second run restored %d of %d tokens", got, of)
	}
	if second != first {
		t.Errorf("restored answer %q, computed %q", second, first)
	}
	_, stderr = runOnce(t, append(base, "--image", filepath.Join(images, "wide-500x300.png"), "--image", filepath.Join(images, "tiny-60x40-rgba.png"))...)
	if got, _ := restored(t, stderr); got >= 16 {
		t.Errorf("a run with another first image restored %d tokens", got)
	}
}

// TestRunRejectsBadImage expects a clear error and exit 1 for a file that
// is no image, and a usage error for --image without --mmproj.
func TestRunRejectsBadImage(t *testing.T) {
	dir := sharedFixtures(t)
	mmproj, _ := visionFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	bad := filepath.Join(t.TempDir(), "notes.png")
	if err := os.WriteFile(bad, []byte("this is not a PNG file"), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--model", model, "--mmproj", mmproj, "--image", bad, "--prompt", "hi"}, 1, "notes.png"},
		{[]string{"--model", model, "--mmproj", mmproj, "--image", filepath.Join(t.TempDir(), "missing.png"), "--prompt", "hi"}, 1, "missing.png"},
		{[]string{"--model", model, "--image", bad, "--prompt", "hi"}, 2, "--mmproj"},
	} {
		var stdout, stderr bytes.Buffer
		if code := runRun(c.args, &stdout, &stderr); code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
}
