package app

import (
	"strings"
	"testing"
)

func TestAddModelListsMetadataAndHash(t *testing.T) {
	a, rec := openApp(t, t.TempDir(), Config{})
	path := fixtureModel(t, tinyScout)
	want := fixtureSHA256(t, tinyScout)
	mi, err := a.AddModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if mi.Architecture != "llama4" || mi.Name != "tiny-llama4-scout" || mi.ContextLength != 16384 ||
		mi.SizeBytes != 1602560 || mi.Quantization != "F32" || mi.Params <= 0 || mi.ActiveParams <= 0 || mi.ActiveParams >= mi.Params {
		t.Fatalf("AddModel = %+v", mi)
	}
	rec.waitFor(t, "the hash", func() bool {
		for _, e := range rec.named(EventModelHash) {
			if e.(ModelHashEvent).SHA256 != "" {
				return true
			}
		}
		return false
	})
	list, err := a.ListModels()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SHA256 != want || list[0].HashProgress != 1 || list[0].ID != mi.ID {
		t.Fatalf("ListModels = %+v, want sha256 %s", list, want)
	}
	// Adding the same file again keeps one entry and its digest.
	again, err := a.AddModel(path)
	if err != nil || again.ID != mi.ID || again.SHA256 != want {
		t.Fatalf("second AddModel = %+v, %v", again, err)
	}
	if err := a.RemoveModel(mi.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := a.ListModels(); len(list) != 0 {
		t.Fatalf("after RemoveModel: %+v", list)
	}
}

func TestAddModelRejectsNonModel(t *testing.T) {
	a, _ := openApp(t, t.TempDir(), Config{})
	if _, err := a.AddModel(fixtureSHA256Path(t)); err == nil || !strings.Contains(err.Error(), "not a model") {
		t.Fatalf("AddModel(index.json) = %v, want a not-a-model error", err)
	}
}

func fixtureSHA256Path(t *testing.T) string {
	t.Helper()
	return strings.TrimSuffix(fixtureModel(t, tinyScout), tinyScout) + "index.json"
}

func TestLoadRefusesWithNumbers(t *testing.T) {
	a, rec := openApp(t, t.TempDir(), Config{MemoryBudget: 1 << 20})
	mi, err := a.AddModel(fixtureModel(t, tinyScout))
	if err != nil {
		t.Fatal(err)
	}
	est, err := a.MemoryEstimate(mi.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if est.Fits || est.AvailableBytes != 1<<20 || est.ContextLen != 8192 || est.WeightBytes <= 0 ||
		est.TotalBytes != est.WeightBytes+est.KVBytes+est.ScratchBytes {
		t.Fatalf("estimate = %+v", est)
	}
	err = a.LoadModel(mi.ID)
	if err == nil {
		t.Fatal("LoadModel fitted a model into 1 MiB")
	}
	for _, want := range []string{"does not fit", "8192 tokens", "1.0 MiB is available", gib(est.TotalBytes), gib(est.WeightBytes)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q lacks %q", err, want)
		}
	}
	if f := failedLoads(rec); len(f) != 1 || f[0].Error != err.Error() {
		t.Errorf("model:load failed events = %+v", f)
	}
	if a.Status().ModelLoaded {
		t.Error("a refused model is loaded")
	}
}

func TestLoadUnload(t *testing.T) {
	a, rec := openApp(t, t.TempDir(), Config{})
	mi := loadTiny(t, a, rec)
	st := a.Status()
	if !st.ModelLoaded || st.LoadedModelID != mi.ID || st.ModelName != "tiny-llama4-scout" {
		t.Fatalf("Status after load = %+v", st)
	}
	var stages []string
	last := -1.0
	for _, e := range rec.named(EventModelLoad) {
		ev := e.(ModelLoadEvent)
		if ev.Fraction < last {
			t.Errorf("load progress went back from %v to %v", last, ev.Fraction)
		}
		last = ev.Fraction
		if len(stages) == 0 || stages[len(stages)-1] != ev.Stage {
			stages = append(stages, ev.Stage)
		}
	}
	if strings.Join(stages, ",") != "mapping,checking,warming,ready" || last != 1 {
		t.Errorf("load stages = %v, last fraction %v", stages, last)
	}
	if err := a.RemoveModel(mi.ID); err == nil {
		t.Error("RemoveModel removed the loaded model")
	}
	if err := a.UnloadModel(); err != nil {
		t.Fatal(err)
	}
	if a.Status().ModelLoaded {
		t.Fatal("still loaded after UnloadModel")
	}
	if n := len(rec.named(EventModelStatus)); n != 2 {
		t.Errorf("%d model:status events, want 2 (load, unload)", n)
	}
}
