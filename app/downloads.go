package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"hearth/storage"
)

// Download states.
const (
	dlRunning   = "running"
	dlPaused    = "paused"
	dlVerifying = "verifying"
	dlDone      = "done"
	dlFailed    = "failed"
	dlCancelled = "cancelled"
)

// partSuffix marks data still being downloaded: a file only gets its real
// name once it is complete and verified.
const partSuffix = ".part"

// downloadRetries is how many times a dropped connection is resumed before
// the download is marked failed (it can still be resumed by hand).
const downloadRetries = 3

// Download is a model download as the UI shows it.
type Download struct {
	ID            string `json:"id"`
	URL           string `json:"url"`
	Path          string `json:"path"` // the final file
	ReceivedBytes int64  `json:"receivedBytes"`
	TotalBytes    int64  `json:"totalBytes"` // 0 when the server does not say
	State         string `json:"state"`      // running, paused, verifying, done, failed, cancelled
	Error         string `json:"error"`
	SHA256        string `json:"sha256"` // the expected digest, then the computed one
}

// downloads runs model downloads, one goroutine each, and keeps their
// state in storage so that a paused download resumes after a restart.
type downloads struct {
	a      *App
	client *http.Client

	mu    sync.Mutex
	items map[string]*dlItem
	order []string
}

// dlItem is one download; rec is guarded by downloads.mu.
type dlItem struct {
	rec    storage.DownloadRecord
	cancel context.CancelFunc
	done   chan struct{}
	// stopAs is the state a cancelled worker leaves (paused or cancelled).
	stopAs   string
	throttle throttle
}

func newDownloads(a *App) *downloads {
	return &downloads{a: a, client: &http.Client{}, items: map[string]*dlItem{}}
}

// StartDownload downloads a model from an http(s) URL into the data
// directory's models folder, verifying it against sha256 when one is
// given (hex; "" computes and shows the digest without checking it). The
// file is added to the model list when it is complete.
func (a *App) StartDownload(rawURL, sha string) (Download, error) {
	if _, err := a.store(); err != nil {
		return Download{}, err
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Download{}, fmt.Errorf("%q is not an http or https address", rawURL)
	}
	name := path.Base(u.Path)
	if name == "/" || name == "." || name == "" || strings.ContainsAny(name, `\:`) {
		return Download{}, fmt.Errorf("The address %s does not name a file", u)
	}
	sha = strings.ToLower(strings.TrimSpace(sha))
	if sha != "" {
		if b, err := hex.DecodeString(sha); err != nil || len(b) != sha256.Size {
			return Download{}, errors.New("The sha256 must be 64 hexadecimal digits")
		}
	}
	dir := filepath.Join(a.cfg.DataDir, "models")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Download{}, fmt.Errorf("Cannot create %s: %w", dir, err)
	}
	dest := filepath.Join(dir, name)
	if _, err := os.Stat(dest); err == nil {
		return Download{}, fmt.Errorf("%s already exists: add it in Models instead", dest)
	}
	return a.downloads.start(u.String(), dest, sha)
}

// PauseDownload stops a running download, keeping what was received.
func (a *App) PauseDownload(id string) error { return a.downloads.stop(id, dlPaused) }

// ResumeDownload continues a paused or failed download where it stopped.
func (a *App) ResumeDownload(id string) error { return a.downloads.resume(id) }

// CancelDownload stops a download and deletes what was received.
func (a *App) CancelDownload(id string) error { return a.downloads.stop(id, dlCancelled) }

// ListDownloads returns every download of this and earlier sessions.
func (a *App) ListDownloads() []Download { return a.downloads.list() }

func newDownloadID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (d *downloads) start(u, dest, sha string) (Download, error) {
	d.mu.Lock()
	for _, it := range d.items {
		if it.rec.Path == dest && (it.rec.State == dlRunning || it.rec.State == dlPaused || it.rec.State == dlVerifying) {
			d.mu.Unlock()
			return Download{}, fmt.Errorf("%s is already being downloaded", filepath.Base(dest))
		}
	}
	// A partial file no live download claims is left from a failed or
	// cancelled one, perhaps of another URL: never append to it.
	if err := os.Remove(dest + partSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
		d.mu.Unlock()
		return Download{}, fmt.Errorf("Cannot remove the old partial download %s: %w", dest+partSuffix, err)
	}
	it := &dlItem{rec: storage.DownloadRecord{ID: newDownloadID(), URL: u, Path: dest, ExpectedSHA256: sha, State: dlRunning}}
	it.throttle.every = progressEventEvery
	d.items[it.rec.ID] = it
	d.order = append(d.order, it.rec.ID)
	d.mu.Unlock()
	d.run(it)
	return d.view(it), nil
}

// run starts the worker of it, which must not be running.
func (d *downloads) run(it *dlItem) {
	ctx, cancel := context.WithCancel(context.Background())
	d.mu.Lock()
	it.cancel, it.done, it.stopAs = cancel, make(chan struct{}), ""
	it.rec.State, it.rec.Error = dlRunning, ""
	d.mu.Unlock()
	d.update(it, true)
	// Shutdown waits for workers, which may still be adding the model.
	d.a.bg.Add(1)
	go func() {
		defer d.a.bg.Done()
		defer close(it.done)
		defer cancel()
		d.work(ctx, it)
	}()
}

func (d *downloads) resume(id string) error {
	d.mu.Lock()
	it, ok := d.items[id]
	if !ok {
		d.mu.Unlock()
		return fmt.Errorf("No download %s", id)
	}
	state := it.rec.State
	d.mu.Unlock()
	if state != dlPaused && state != dlFailed {
		return fmt.Errorf("A %s download cannot be resumed", state)
	}
	d.run(it)
	return nil
}

// stop ends the worker of a download and leaves it paused or cancelled;
// cancelling deletes the partial file.
func (d *downloads) stop(id, as string) error {
	d.mu.Lock()
	it, ok := d.items[id]
	if !ok {
		d.mu.Unlock()
		return fmt.Errorf("No download %s", id)
	}
	running := it.rec.State == dlRunning || it.rec.State == dlVerifying
	if running {
		it.stopAs = as
		it.cancel()
	}
	state := it.rec.State
	d.mu.Unlock()
	if running {
		<-it.done
	} else if as == dlPaused || state == dlDone || state == dlCancelled {
		return fmt.Errorf("A %s download cannot be %s", state, as)
	}
	d.mu.Lock()
	it.rec.State = as
	d.mu.Unlock()
	if as == dlCancelled {
		if err := os.Remove(it.rec.Path + partSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			d.a.logf("hearth: %v", err)
		}
		d.mu.Lock()
		it.rec.ReceivedBytes = 0
		d.mu.Unlock()
	}
	d.update(it, true)
	return nil
}

// pauseAll pauses every running download (at shutdown).
func (d *downloads) pauseAll() {
	d.mu.Lock()
	var ids []string
	for id, it := range d.items {
		if it.rec.State == dlRunning || it.rec.State == dlVerifying {
			ids = append(ids, id)
		}
	}
	d.mu.Unlock()
	for _, id := range ids {
		if err := d.stop(id, dlPaused); err != nil {
			d.a.logf("hearth: %v", err)
		}
	}
}

// restore loads the saved downloads; those that were running when the app
// ended come back paused.
func (d *downloads) restore(ctx context.Context) error {
	recs, err := d.a.db.ListDownloads(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range recs {
		if r.State == dlRunning || r.State == dlVerifying {
			r.State = dlPaused
		}
		if fi, err := os.Stat(r.Path + partSuffix); err == nil {
			r.ReceivedBytes = fi.Size()
		}
		it := &dlItem{rec: r}
		it.throttle.every = progressEventEvery
		d.items[r.ID] = it
		d.order = append(d.order, r.ID)
	}
	return nil
}

func (d *downloads) list() []Download {
	d.mu.Lock()
	ids := append([]string(nil), d.order...)
	d.mu.Unlock()
	out := make([]Download, 0, len(ids))
	for _, id := range ids {
		d.mu.Lock()
		it := d.items[id]
		d.mu.Unlock()
		out = append(out, d.view(it))
	}
	return out
}

func (d *downloads) view(it *dlItem) Download {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := it.rec
	sum := r.SHA256
	if sum == "" {
		sum = r.ExpectedSHA256
	}
	return Download{ID: r.ID, URL: r.URL, Path: r.Path, ReceivedBytes: r.ReceivedBytes, TotalBytes: r.TotalBytes,
		State: r.State, Error: r.Error, SHA256: sum}
}

// update emits the download's progress (throttled unless final, with a
// trailing event so the last progress always shows) and, when final, saves
// its state.
func (d *downloads) update(it *dlItem, final bool) {
	if !it.throttle.ready(final) {
		it.throttle.trailing(func() { d.a.events.Emit(EventDownload, d.view(it)) })
		return
	}
	if final && d.a.db != nil {
		d.mu.Lock()
		rec := it.rec
		d.mu.Unlock()
		if err := d.a.db.PutDownload(context.Background(), rec); err != nil {
			d.a.logf("hearth: %v", err)
		}
	}
	d.a.events.Emit(EventDownload, d.view(it))
}

// work fetches the file, resuming after dropped connections, then
// verifies it and gives it its name.
func (d *downloads) work(ctx context.Context, it *dlItem) {
	for attempt := 0; ; attempt++ {
		err := d.fetch(ctx, it)
		if ctx.Err() != nil {
			return // stop() sets the state
		}
		if err == nil {
			break
		}
		var perm permanentError
		if errors.As(err, &perm) || attempt >= downloadRetries {
			d.fail(it, err)
			return
		}
		d.a.logf("hearth: download %s: %v; resuming", it.rec.URL, err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(attempt+1) * 200 * time.Millisecond):
		}
	}
	d.verify(ctx, it)
}

// permanentError is a failure that retrying will not fix (a 404, a full
// disk).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func (d *downloads) fail(it *dlItem, err error) {
	d.mu.Lock()
	it.rec.State, it.rec.Error = dlFailed, err.Error()
	d.mu.Unlock()
	d.update(it, true)
}

// fetch appends to the partial file from where it ends, asking the server
// for the rest with a Range request; a server that sends the whole file
// instead makes it start again from zero.
func (d *downloads) fetch(ctx context.Context, it *dlItem) error {
	part := it.rec.Path + partSuffix
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return permanentError{fmt.Errorf("Cannot write %s: %w", part, err)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return permanentError{err}
	}
	offset := fi.Size()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, it.rec.URL, nil)
	if err != nil {
		return permanentError{err}
	}
	if offset > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var total int64
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		start, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != offset {
			// Not the rest we asked for: start over.
			if err := f.Truncate(0); err != nil {
				return permanentError{err}
			}
			return fmt.Errorf("the server sent bytes from %d, not %d", start, offset)
		}
		total = size
	case resp.StatusCode == http.StatusOK:
		// The server ignores Range: take the whole file from the start.
		if err := f.Truncate(0); err != nil {
			return permanentError{err}
		}
		offset = 0
		total = max(resp.ContentLength, 0)
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && offset > 0:
		_, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if ok && size == offset {
			return nil // already complete
		}
		if err := f.Truncate(0); err != nil {
			return permanentError{err}
		}
		return fmt.Errorf("the server cannot resume at %d bytes", offset)
	case resp.StatusCode >= 500:
		return fmt.Errorf("the server answered %s", resp.Status)
	default:
		return permanentError{fmt.Errorf("The server answered %s", resp.Status)}
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return permanentError{err}
	}
	d.mu.Lock()
	it.rec.ReceivedBytes, it.rec.TotalBytes = offset, total
	d.mu.Unlock()
	d.update(it, true)
	err = copyWithProgress(ctx, f, resp.Body, func(n int64) {
		d.mu.Lock()
		it.rec.ReceivedBytes = offset + n
		d.mu.Unlock()
		d.update(it, false)
	})
	if serr := f.Sync(); err == nil && serr != nil {
		return permanentError{serr}
	}
	d.update(it, true)
	if err != nil {
		return err
	}
	d.mu.Lock()
	got := it.rec.ReceivedBytes
	d.mu.Unlock()
	if total > 0 && got != total {
		return fmt.Errorf("the connection closed at %d of %d bytes: %w", got, total, io.ErrUnexpectedEOF)
	}
	return nil
}

// parseContentRange reads "bytes START-END/TOTAL" (or "bytes */TOTAL");
// total is 0 when the server writes "*".
func parseContentRange(h string) (start, total int64, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, size, found := strings.Cut(spec, "/")
	if !found {
		return 0, 0, false
	}
	if size != "*" {
		t, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total = t
	}
	if rng == "*" {
		return 0, total, true
	}
	first, _, found := strings.Cut(rng, "-")
	s, err := strconv.ParseInt(first, 10, 64)
	if !found || err != nil {
		return 0, 0, false
	}
	return s, total, true
}

// verify hashes the complete partial file; a digest that differs from the
// expected one deletes it, a good one renames it to its final name and
// adds it to the model list.
func (d *downloads) verify(ctx context.Context, it *dlItem) {
	d.mu.Lock()
	it.rec.State = dlVerifying
	part, dest, want := it.rec.Path+partSuffix, it.rec.Path, it.rec.ExpectedSHA256
	d.mu.Unlock()
	d.update(it, true)
	f, err := os.Open(part)
	if err != nil {
		d.fail(it, err)
		return
	}
	h := sha256.New()
	err = copyWithProgress(ctx, h, f, func(int64) {})
	f.Close()
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		d.fail(it, err)
		return
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if want != "" && sum != want {
		if err := os.Remove(part); err != nil {
			d.a.logf("hearth: %v", err)
		}
		d.mu.Lock()
		it.rec.ReceivedBytes = 0
		d.mu.Unlock()
		d.fail(it, fmt.Errorf("The download is damaged: its sha256 is %s, expected %s. It was deleted.", sum, want))
		return
	}
	if err := os.Rename(part, dest); err != nil {
		d.fail(it, err)
		return
	}
	// A model joins the list once all its files are here (the last part of
	// a split model to arrive adds it, under its first part's name). That
	// happens before "done" is announced, so the UI finds it in the list.
	parts := modelParts(dest)
	if _, err := partsSize(parts); err == nil && strings.HasSuffix(strings.ToLower(dest), ".gguf") {
		if _, err := d.a.AddModel(parts[0]); err != nil {
			d.a.logf("hearth: downloaded %s: %v", dest, err)
		}
	}
	d.mu.Lock()
	it.rec.State, it.rec.SHA256 = dlDone, sum
	d.mu.Unlock()
	d.update(it, true)
}
