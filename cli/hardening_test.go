package cli

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pngClaiming returns a PNG signature and IHDR chunk (8-bit RGB) claiming
// w×h pixels, with no pixel data: a decompression bomb's header.
func pngClaiming(w, h uint32) []byte {
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr[:]...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// TestRunRefusesHostileImages gives `hearth run --image` bombs, lying and
// truncated headers, wrong-type files, a directory and a file too large to
// read. Each is refused with one clear line before the model loads, with
// little memory allocated; a file whose header is fine but whose pixels are
// cut short is refused after the projector loads.
func TestRunRefusesHostileImages(t *testing.T) {
	dir := sharedFixtures(t)
	mmproj, images := visionFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	model := filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf")
	tmp := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := os.ReadFile(filepath.Join(images, "wide-500x300.png"))
	if err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(tmp, "huge.png")
	if f, err := os.Create(huge); err != nil {
		t.Fatal(err)
	} else {
		f.Write(pngClaiming(100, 100))
		f.Truncate(300 << 20) // sparse: 300 MiB on paper, nothing on disk
		f.Close()
	}
	cases := []struct {
		name, path, want string
		beforeLoad       bool
	}{
		{"30000×30000 png header", write("bomb.png", pngClaiming(30000, 30000)), "image too large: 30000×30000", true},
		{"7000×7000 png in 33 bytes", write("liar.png", pngClaiming(7000, 7000)), "33 bytes cannot hold 7000×7000", true},
		{"png cut after its header", write("cut.png", good[:len(good)/3]), "corrupt image", false},
		{"text named .png", write("notes.png", []byte("just some text")), "unsupported image format", true},
		{"gguf named .jpg", write("model.jpg", append([]byte("GGUF\x03\x00\x00\x00"), make([]byte, 56)...)), "unsupported image format", true},
		{"empty file", write("empty.png", nil), "empty file", true},
		{"directory", tmp, "not a regular file", true},
		{"300 MiB file", huge, "the limit is 268435456", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			code := runRun([]string{"--model", model, "--mmproj", mmproj, "--image", c.path, "--prompt", "hi", "-n", "1"}, &stdout, &stderr)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			msg := stderr.String()
			if code != 1 || !strings.Contains(msg, c.want) || !strings.Contains(msg, c.path) {
				t.Fatalf("exit %d, stderr %q; want exit 1 naming %s and %q", code, msg, c.path, c.want)
			}
			lines := strings.Split(strings.TrimSpace(msg), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, "hearth run: image ") {
				t.Errorf("last line %q is not the refusal", last)
			}
			if c.beforeLoad {
				if len(lines) != 1 {
					t.Errorf("refused after other work: %q", msg)
				}
				if alloc > 1<<20 {
					t.Errorf("allocated %d bytes refusing it, want under 1 MiB", alloc)
				}
			}
			t.Logf("%s: %s (%d bytes allocated)", c.name, lines[len(lines)-1], alloc)
		})
	}
}

// TestRunRefusesModelOverBudget: a model whose weights + KV cache +
// scratch exceed the memory budget is refused before it loads, with the
// numbers, as the app refuses it (app.TestLoadRefusesWithNumbers).
func TestRunRefusesModelOverBudget(t *testing.T) {
	dir := sharedFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	model := filepath.Join(dir, "models", "tiny-llama3-q8_0.gguf")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--memory-budget", "100KiB"}, []string{"needs", "for its weights and a 256-token context but only 0.1 MiB is available"}},
		{[]string{"--memory-budget", "1MiB", "--ctx", "4096"}, []string{"with a context of 4096 needs", "weights", "KV", "but only 1.0 MiB is available"}},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"--model", model, "--prompt", "hi", "-n", "1", "--no-cache"}, c.args...)
		if code := runRun(args, &stdout, &stderr); code != 1 {
			t.Fatalf("%v: exit %d, want 1: %s", c.args, code, stderr.String())
		}
		for _, w := range c.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%v: refusal %q lacks %q", c.args, stderr.String(), w)
			}
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: answered %q", c.args, stdout.String())
		}
		t.Logf("%v: %s", c.args, strings.TrimSpace(stderr.String()))
	}
	// The same model runs with room to spare.
	var stdout, stderr bytes.Buffer
	if code := runRun([]string{"--model", model, "--prompt", "hi", "-n", "1", "--no-cache", "--memory-budget", "1GiB", "--temp", "0"}, &stdout, &stderr); code != 0 {
		t.Fatalf("with 1 GiB: exit %d: %s", code, stderr.String())
	}
	var bad bytes.Buffer
	if code := runRun([]string{"--model", model, "--memory-budget", "lots"}, &bytes.Buffer{}, &bad); code != 2 || !strings.Contains(bad.String(), "not a size") {
		t.Errorf("--memory-budget lots: exit %d, %q", code, bad.String())
	}
}

// TestRunFailsWhenDataDirUnusable: with the cache on, an unusable data
// directory stops `hearth run` with a clear error and the way around it;
// --no-cache runs without it.
func TestRunFailsWhenDataDirUnusable(t *testing.T) {
	dir := sharedFixtures(t)
	model := filepath.Join(dir, "models", "tiny-llama3-q8_0.gguf")
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HEARTH_DATA_DIR", notDir)
	args := []string{"--model", model, "--prompt", "hi", "-n", "2", "--temp", "0"}
	var stdout, stderr bytes.Buffer
	if code := runRun(args, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr.String())
	}
	for _, w := range []string{"hearth run: snapshot cache:", notDir, "--no-cache"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr %q lacks %q", stderr.String(), w)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("answered without the cache: %q", stdout.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := runRun(append(args, "--no-cache"), &stdout, &stderr); code != 0 || stdout.Len() == 0 {
		t.Fatalf("--no-cache: exit %d, stdout %q, stderr %s", code, stdout.String(), stderr.String())
	}
}
