package storage

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
)

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	type window struct {
		W, H int
		Max  bool
	}
	if got, err := GetSetting(ctx, db, "ui.window", window{W: 800, H: 600}); err != nil || got != (window{800, 600, false}) {
		t.Fatalf("default = %+v, %v", got, err)
	}
	if err := SetSetting(ctx, db, "ui.window", window{W: 1024, H: 768, Max: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := GetSetting(ctx, db, "ui.window", window{}); err != nil || got != (window{1024, 768, true}) {
		t.Fatalf("stored = %+v, %v", got, err)
	}
	if err := SetSetting(ctx, db, "ui.theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := SetSetting(ctx, db, "ui.theme", "light"); err != nil {
		t.Fatal(err)
	}
	if got, err := GetSetting(ctx, db, "ui.theme", ""); err != nil || got != "light" {
		t.Fatalf("theme = %q, %v", got, err)
	}
	// A value of the wrong type is an error, and the default comes back.
	if got, err := GetSetting(ctx, db, "ui.theme", 7); err == nil || got != 7 {
		t.Fatalf("string read as int = %d, %v", got, err)
	}
	all, err := db.AllSettings(ctx)
	want := map[string]json.RawMessage{"ui.theme": json.RawMessage(`"light"`), "ui.window": json.RawMessage(`{"W":1024,"H":768,"Max":true}`)}
	if err != nil || !reflect.DeepEqual(all, want) {
		t.Fatalf("AllSettings = %s, %v", all, err)
	}
	if err := db.DeleteSetting(ctx, "ui.theme"); err != nil {
		t.Fatal(err)
	}
	if got, _ := GetSetting(ctx, db, "ui.theme", "system"); got != "system" {
		t.Fatalf("after delete = %q", got)
	}

	if b, err := db.KVBudget(ctx); err != nil || b != DefaultKVBudget {
		t.Fatalf("default KV budget = %d, %v", b, err)
	}
	if err := db.SetKVBudget(ctx, -1); err == nil {
		t.Fatal("negative budget accepted")
	}
	if err := db.SetKVBudget(ctx, 123<<20); err != nil {
		t.Fatal(err)
	}
	if b, err := db.KVBudget(ctx); err != nil || b != 123<<20 {
		t.Fatalf("KV budget = %d, %v", b, err)
	}
}
