package contextdir

import "testing"

func TestIgnorePatterns(t *testing.T) {
	cases := []struct {
		pattern string
		base    string // the .gitignore's folder
		path    string
		dir     bool
		ignored bool
	}{
		{"*.log", "", "debug.log", false, true},
		{"*.log", "", "deep/in/tree/debug.log", false, true},
		{"*.log", "", "debug.log.txt", false, false},
		{"build/", "", "build", true, true},
		{"build/", "", "build", false, false}, // a file named build is not a folder
		{"build/", "", "src/build", true, true},
		{"/build", "", "build", true, true},
		{"/build", "", "src/build", true, false}, // anchored to the .gitignore's folder
		{"doc/frotz", "", "doc/frotz", false, true},
		{"doc/frotz", "", "a/doc/frotz", false, false}, // a middle slash anchors too
		{"**/foo", "", "foo", false, true},
		{"**/foo", "", "a/b/foo", false, true},
		{"abc/**", "", "abc/x/y", false, true},
		{"abc/**", "", "abc", true, false},
		{"a/**/b", "", "a/b", false, true},
		{"a/**/b", "", "a/x/y/b", false, true},
		{"a/**/b", "", "a/xb", false, false},
		{"?.txt", "", "a.txt", false, true},
		{"?.txt", "", "ab.txt", false, false},
		{"[a-c].md", "", "b.md", false, true},
		{"[a-c].md", "", "d.md", false, false},
		{"[!a-c].md", "", "d.md", false, true},
		{"[!a-c].md", "", "a.md", false, false},
		{`\#notes`, "", "#notes", false, true},
		{`\!important`, "", "!important", false, true},
		{"trailing.txt   ", "", "trailing.txt", false, true},
		{`space\ `, "", "space ", false, true},
		{"*.tmp", "sub", "sub/x.tmp", false, true},
		{"*.tmp", "sub", "x.tmp", false, false}, // outside the .gitignore's folder
		{"/only", "sub", "sub/only", false, true},
		{"/only", "sub", "sub/deeper/only", false, false},
		{"*", "", "a/b.txt", false, true},
	}
	for _, c := range cases {
		rules := parseIgnore([]byte(c.pattern+"\n"), c.base, ".gitignore")
		if len(rules) != 1 {
			t.Fatalf("%q: %d rules", c.pattern, len(rules))
		}
		if _, got := rules.match(c.path, c.dir); got != c.ignored {
			t.Errorf("pattern %q (in %q) on %q (dir %v): ignored = %v, want %v", c.pattern, c.base, c.path, c.dir, got, c.ignored)
		}
	}
}

func TestIgnoreCommentsBlanksAndNegation(t *testing.T) {
	rules := parseIgnore([]byte("# a comment\n\n*.log\n!keep.log\r\nkeep.log.bak\n"), "", ".gitignore")
	if len(rules) != 3 {
		t.Fatalf("%d rules, want 3 (comment and blank line dropped)", len(rules))
	}
	for path, want := range map[string]bool{"x.log": true, "keep.log": false, "sub/keep.log": false, "keep.log.bak": true, "# a comment": false} {
		if _, got := rules.match(path, false); got != want {
			t.Errorf("%s: ignored = %v, want %v", path, got, want)
		}
	}
	// The last matching rule decides, so a negation before the pattern is overridden.
	rules = parseIgnore([]byte("!keep.log\n*.log\n"), "", ".gitignore")
	if _, got := rules.match("keep.log", false); !got {
		t.Error("a later *.log must win over an earlier !keep.log")
	}
	r, _ := rules.match("a.log", false)
	if r == nil || r.reason() != `ignored (pattern "*.log" in .gitignore)` {
		t.Errorf("reason = %v", r)
	}
}
