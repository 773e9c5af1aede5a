package app

import (
	"reflect"
	"slices"
	"testing"
)

func TestContextExclusionRules(t *testing.T) {
	steps := []struct {
		paths   []string
		exclude bool
		want    []string
		out     []string // paths left out afterwards
		in      []string // paths still in
	}{
		{[]string{"engine/"}, true, []string{"engine/"}, []string{"engine/a.go", "engine/gguf/b.go"}, []string{"README.md"}},
		// A file ticked back inside an unticked folder.
		{[]string{"engine/gguf/b.go"}, false, []string{"!engine/gguf/b.go", "engine/"}, []string{"engine/a.go"}, []string{"engine/gguf/b.go"}},
		// Unticking a subfolder that holds it drops the finer rule.
		{[]string{"engine/gguf/"}, true, []string{"engine/"}, []string{"engine/gguf/b.go"}, []string{"README.md"}},
		// Ticking the folder back clears everything below it.
		{[]string{"engine/"}, false, []string{}, nil, []string{"engine/a.go", "engine/gguf/b.go"}},
		// Ticking what is already in adds nothing.
		{[]string{"README.md"}, false, []string{}, nil, []string{"README.md"}},
		{[]string{"README.md", "docs/"}, true, []string{"README.md", "docs/"}, []string{"README.md", "docs/x.md"}, []string{"engine/a.go"}},
	}
	var rules []string
	for i, s := range steps {
		rules = setExcluded(rules, s.paths, s.exclude)
		want := append([]string{}, s.want...)
		slices.Sort(want) // setExcluded sorts its rules
		if !reflect.DeepEqual(rules, want) {
			t.Fatalf("step %d: rules %q, want %q", i, rules, want)
		}
		for _, p := range s.out {
			if !isExcluded(p, rules) {
				t.Errorf("step %d: %s is in, want it left out (rules %q)", i, p, rules)
			}
		}
		for _, p := range s.in {
			if isExcluded(p, rules) {
				t.Errorf("step %d: %s is left out, want it in (rules %q)", i, p, rules)
			}
		}
	}
}
