package storage

import (
	"path/filepath"
	"testing"
)

func TestDataDirFor(t *testing.T) {
	tests := []struct {
		name string
		goos string
		env  map[string]string
		home string
		want string
		fail bool
	}{
		{name: "override wins everywhere", goos: "windows", env: map[string]string{"HEARTH_DATA_DIR": "/x/y/", "AppData": `C:\AD`}, home: "/h", want: "/x/y"},
		{name: "linux xdg", goos: "linux", env: map[string]string{"XDG_DATA_HOME": "/xdg"}, home: "/home/u", want: filepath.Join("/xdg", "hearth")},
		{name: "linux relative xdg ignored", goos: "linux", env: map[string]string{"XDG_DATA_HOME": "rel"}, home: "/home/u", want: filepath.Join("/home/u", ".local", "share", "hearth")},
		{name: "linux default", goos: "linux", home: "/home/u", want: filepath.Join("/home/u", ".local", "share", "hearth")},
		{name: "freebsd follows xdg", goos: "freebsd", home: "/home/u", want: filepath.Join("/home/u", ".local", "share", "hearth")},
		{name: "linux no home", goos: "linux", fail: true},
		{name: "macos", goos: "darwin", env: map[string]string{"XDG_DATA_HOME": "/xdg"}, home: "/Users/u", want: filepath.Join("/Users/u", "Library", "Application Support", "Hearth")},
		{name: "macos no home", goos: "darwin", fail: true},
		{name: "windows", goos: "windows", env: map[string]string{"AppData": `C:\Users\u\AppData\Roaming`}, want: filepath.Join(`C:\Users\u\AppData\Roaming`, "Hearth")},
		{name: "windows no appdata", goos: "windows", home: "/h", fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dataDirFor(tt.goos, func(k string) string { return tt.env[k] }, tt.home)
			if tt.fail {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDataDirOverrideAndOpenDefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv(DataDirEnv, dir)
	got, err := DataDir()
	if err != nil || got != dir {
		t.Fatalf("DataDir() = %q, %v; want %q", got, err, dir)
	}
	db, err := OpenDefault()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if want := filepath.Join(dir, DatabaseFile); db.Path() != want {
		t.Fatalf("OpenDefault path %q, want %q", db.Path(), want)
	}
}
