package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// payload is the file the test servers serve.
func payload(n int) ([]byte, string) {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

// rangeLog records the Range header of every request.
type rangeLog struct {
	mu     sync.Mutex
	ranges []string
}

func (l *rangeLog) add(r *http.Request) {
	l.mu.Lock()
	l.ranges = append(l.ranges, r.Header.Get("Range"))
	l.mu.Unlock()
}

func (l *rangeLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ranges...)
}

// serveRanges serves data with Range support (http.ServeContent).
func serveRanges(data []byte, log *rangeLog) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		http.ServeContent(w, r, "m.bin", time.Time{}, bytes.NewReader(data))
	}
}

// cutOff sends the first n bytes of a full response, then drops the
// connection.
func cutOff(w http.ResponseWriter, data []byte, n int) {
	w.Header().Set("Content-Length", itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data[:n])
	w.(http.Flusher).Flush()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitState waits until the download reaches state.
func waitState(t *testing.T, a *App, rec *recorder, id, state string) Download {
	t.Helper()
	var got Download
	rec.waitFor(t, "download state "+state, func() bool {
		for _, d := range a.ListDownloads() {
			if d.ID == id {
				got = d
			}
		}
		return got.State == state
	})
	return got
}

func checkComplete(t *testing.T, d Download, data []byte) {
	t.Helper()
	got, err := os.ReadFile(d.Path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("final file: %d bytes, %v; want %d bytes equal to the served ones", len(got), err, len(data))
	}
	if _, err := os.Stat(d.Path + partSuffix); !os.IsNotExist(err) {
		t.Fatalf("partial file left behind: %v", err)
	}
}

func TestDownloadCompletesAndVerifies(t *testing.T) {
	model, err := os.ReadFile(fixtureModel(t, tinyScout))
	if err != nil {
		t.Fatal(err)
	}
	want := fixtureSHA256(t, tinyScout)
	var log rangeLog
	srv := httptest.NewServer(serveRanges(model, &log))
	defer srv.Close()
	a, rec := openApp(t, t.TempDir(), Config{})
	d, err := a.StartDownload(srv.URL+"/repo/resolve/main/tiny.gguf?download=true", strings.ToUpper(want))
	if err != nil {
		t.Fatal(err)
	}
	if d.State != dlRunning || d.Path != filepath.Join(a.cfg.DataDir, "models", "tiny.gguf") {
		t.Fatalf("StartDownload = %+v", d)
	}
	done := waitState(t, a, rec, d.ID, dlDone)
	checkComplete(t, done, model)
	if done.SHA256 != want || done.ReceivedBytes != int64(len(model)) || done.TotalBytes != int64(len(model)) {
		t.Fatalf("done = %+v", done)
	}
	// A downloaded model joins the model list.
	rec.waitFor(t, "the model list", func() bool {
		list, _ := a.ListModels()
		return len(list) == 1 && list[0].Path == done.Path && list[0].SHA256 == want
	})
	if _, err := a.StartDownload(srv.URL+"/tiny.gguf", ""); err == nil {
		t.Error("a second download over an existing file was started")
	}
}

func TestDownloadWrongSHA256(t *testing.T) {
	data, _ := payload(300_000)
	var log rangeLog
	srv := httptest.NewServer(serveRanges(data, &log))
	defer srv.Close()
	a, rec := openApp(t, t.TempDir(), Config{})
	d, err := a.StartDownload(srv.URL+"/m.bin", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	failed := waitState(t, a, rec, d.ID, dlFailed)
	if !strings.Contains(failed.Error, "sha256") {
		t.Errorf("error = %q", failed.Error)
	}
	for _, p := range []string{d.Path, d.Path + partSuffix} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists after a failed verification (%v)", p, err)
		}
	}
	if list, _ := a.ListModels(); len(list) != 0 {
		t.Errorf("a failed download was added: %+v", list)
	}
	for _, bad := range [][2]string{{"ftp://h/m.gguf", ""}, {srv.URL + "/", ""}, {srv.URL + "/x.gguf", "abc"}} {
		if _, err := a.StartDownload(bad[0], bad[1]); err == nil {
			t.Errorf("StartDownload(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestDownloadResumesAfterInterruption(t *testing.T) {
	data, sum := payload(2_000_000)
	var log rangeLog
	var calls atomic.Int32
	ranged := serveRanges(data, &log)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			log.add(r)
			cutOff(w, data, 700_000)
			return
		}
		ranged(w, r)
	}))
	defer srv.Close()
	a, rec := openApp(t, t.TempDir(), Config{})
	d, err := a.StartDownload(srv.URL+"/m.bin", sum)
	if err != nil {
		t.Fatal(err)
	}
	done := waitState(t, a, rec, d.ID, dlDone)
	checkComplete(t, done, data)
	ranges := log.get()
	if len(ranges) != 2 || ranges[0] != "" || ranges[1] != "bytes=700000-" {
		t.Fatalf("requests' Range headers = %q, want a resume at 700000", ranges)
	}
}

func TestDownloadWithoutRangeSupportRestarts(t *testing.T) {
	data, sum := payload(1_000_000)
	var log rangeLog
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		if calls.Add(1) == 1 {
			cutOff(w, data, 400_000)
			return
		}
		w.Header().Set("Content-Length", itoa(len(data))) // ignores Range: always the whole file
		w.Write(data)
	}))
	defer srv.Close()
	a, rec := openApp(t, t.TempDir(), Config{})
	d, err := a.StartDownload(srv.URL+"/m.bin", sum)
	if err != nil {
		t.Fatal(err)
	}
	done := waitState(t, a, rec, d.ID, dlDone)
	checkComplete(t, done, data)
	if r := log.get(); len(r) != 2 || r[1] != "bytes=400000-" {
		t.Fatalf("Range headers = %q", r)
	}
}

// slowServer serves data with Range support. A request from the start gets
// the first half and then stalls until the client goes away, so a test can
// pause or cancel mid-way whatever the machine's speed; a ranged request
// (a resume) gets the rest at once.
func slowServer(data []byte, log *rangeLog) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		start, stop := 0, len(data)/2
		if rg := r.Header.Get("Range"); rg != "" {
			s, _, _ := strings.Cut(strings.TrimPrefix(rg, "bytes="), "-")
			for _, c := range s {
				start = start*10 + int(c-'0')
			}
			stop = len(data)
			w.Header().Set("Content-Range", "bytes "+itoa(start)+"-"+itoa(len(data)-1)+"/"+itoa(len(data)))
			w.Header().Set("Content-Length", itoa(len(data)-start))
			w.WriteHeader(http.StatusPartialContent)
		} else {
			w.Header().Set("Content-Length", itoa(len(data)))
		}
		for i := start; i < stop; i += 16 << 10 {
			if _, err := w.Write(data[i:min(i+16<<10, stop)]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
		if stop < len(data) {
			<-r.Context().Done()
		}
	}))
}

func TestDownloadPauseResumeAcrossRestart(t *testing.T) {
	data, sum := payload(1_500_000)
	var log rangeLog
	srv := slowServer(data, &log)
	defer srv.Close()
	dir := t.TempDir()
	a, rec := openApp(t, dir, Config{})
	d, err := a.StartDownload(srv.URL+"/m.bin", sum)
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "some bytes", func() bool {
		l := a.ListDownloads()
		return l[0].ReceivedBytes > 100_000
	})
	if err := a.PauseDownload(d.ID); err != nil {
		t.Fatal(err)
	}
	paused := a.ListDownloads()[0]
	fi, err := os.Stat(d.Path + partSuffix)
	if paused.State != dlPaused || err != nil || fi.Size() != paused.ReceivedBytes || fi.Size() >= int64(len(data)) {
		t.Fatalf("paused = %+v, part %v %v", paused, fi, err)
	}
	if _, err := os.Stat(d.Path); !os.IsNotExist(err) {
		t.Fatalf("final file exists while paused: %v", err)
	}
	if err := a.PauseDownload(d.ID); err == nil {
		t.Error("pausing a paused download succeeded")
	}
	a.shutdown(t.Context())

	b, rec2 := openApp(t, dir, Config{})
	list := b.ListDownloads()
	if len(list) != 1 || list[0].State != dlPaused || list[0].ReceivedBytes != fi.Size() {
		t.Fatalf("downloads after restart = %+v", list)
	}
	if err := b.ResumeDownload(d.ID); err != nil {
		t.Fatal(err)
	}
	done := waitState(t, b, rec2, d.ID, dlDone)
	checkComplete(t, done, data)
	r := log.get()
	if len(r) != 2 || r[1] != "bytes="+itoa(int(fi.Size()))+"-" {
		t.Fatalf("Range headers = %q, want a resume at %d", r, fi.Size())
	}
}

func TestDownloadCancelDeletesPart(t *testing.T) {
	data, _ := payload(1_500_000)
	var log rangeLog
	srv := slowServer(data, &log)
	defer srv.Close()
	a, rec := openApp(t, t.TempDir(), Config{})
	d, err := a.StartDownload(srv.URL+"/m.bin", "")
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "some bytes", func() bool { return a.ListDownloads()[0].ReceivedBytes > 50_000 })
	if err := a.CancelDownload(d.ID); err != nil {
		t.Fatal(err)
	}
	if got := a.ListDownloads()[0]; got.State != dlCancelled {
		t.Fatalf("after cancel: %+v", got)
	}
	for _, p := range []string{d.Path, d.Path + partSuffix} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists after cancel (%v)", p, err)
		}
	}
	if err := a.ResumeDownload(d.ID); err == nil {
		t.Error("a cancelled download resumed")
	}
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 100-199/1000", 100, 1000, true},
		{"bytes 0-0/*", 0, 0, true},
		{"bytes */500", 0, 500, true},
		{"items 1-2/3", 0, 0, false},
		{"bytes x-1/2", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		s, n, ok := parseContentRange(tt.in)
		if s != tt.start || n != tt.total || ok != tt.ok {
			t.Errorf("parseContentRange(%q) = %d, %d, %v; want %d, %d, %v", tt.in, s, n, ok, tt.start, tt.total, tt.ok)
		}
	}
}
