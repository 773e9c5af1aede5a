package app

import (
	"encoding/json"
	"reflect"
	"runtime"
	"testing"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		dataDir string
	}{
		{name: "zero config", cfg: Config{}, dataDir: ""},
		{name: "with data dir", cfg: Config{DataDir: "/tmp/hearth-data"}, dataDir: "/tmp/hearth-data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(tt.cfg).Status()
			want := Status{
				Version:     Version,
				Build:       "headless",
				Platform:    runtime.GOOS + "/" + runtime.GOARCH,
				ModelLoaded: false,
				DataDir:     tt.dataDir,
				// Never opened: the database features show as off.
				Off: []FeatureOff{{Feature: "Chat history, search and settings", Reason: errNotOpen.Error()}},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Status() = %+v, want %+v", got, want)
			}
		})
	}
}

// TestStatusJSON pins the field names that frontend/src/api.ts reads.
func TestStatusJSON(t *testing.T) {
	b, err := json.Marshal(New(Config{DataDir: "/d"}).Status())
	if err != nil {
		t.Fatalf("marshal Status: %v", err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatalf("unmarshal Status: %v", err)
	}
	for _, key := range []string{"version", "build", "platform", "modelLoaded", "loadedModelId", "modelName", "dataDir", "off", "remoteHost", "backend", "backendNotice"} {
		if _, ok := fields[key]; !ok {
			t.Errorf("Status JSON %s lacks %q", b, key)
		}
	}
	if len(fields) != 11 {
		t.Errorf("Status JSON has %d fields, want 11: %s", len(fields), b)
	}
}
