package app

import "testing"

// TestStalledDownloadShowsLastProgress: when the server stops sending
// mid-way, the last progress event carries every byte received, not the
// count from the start of the burst that the throttle held back.
func TestStalledDownloadShowsLastProgress(t *testing.T) {
	data, _ := payload(1_500_000)
	var log rangeLog
	srv := slowServer(data, &log) // sends half, then stalls
	defer srv.Close()
	a, rec := openApp(t, t.TempDir(), Config{})
	d, err := a.StartDownload(srv.URL+"/m.bin", "")
	if err != nil {
		t.Fatal(err)
	}
	half := int64(len(data) / 2)
	rec.waitFor(t, "a progress event at the stall point", func() bool {
		for _, e := range rec.named(EventDownload) {
			if v := e.(Download); v.ID == d.ID && v.ReceivedBytes == half {
				return true
			}
		}
		return false
	})
	if err := a.CancelDownload(d.ID); err != nil {
		t.Fatal(err)
	}
}
