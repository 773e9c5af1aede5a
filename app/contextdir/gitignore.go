package contextdir

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// ignoreRule is one pattern line of a .gitignore file, compiled.
type ignoreRule struct {
	base    string // folder of the .gitignore, relative to the root ("" at the root)
	source  string // the file it came from, for messages: "sub/.gitignore"
	text    string // the pattern as written
	negate  bool   // "!pattern": put back what an earlier rule left out
	dirOnly bool   // "pattern/": folders only
	re      *regexp.Regexp
}

// ignoreRules is the rules in force, in the order git weighs them: the
// last rule that matches decides.
type ignoreRules []ignoreRule

// parseIgnore compiles the lines of a .gitignore-format file found in the
// folder base (relative to the root; "" for the root itself).
func parseIgnore(data []byte, base, source string) ignoreRules {
	var rules ignoreRules
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if r, ok := parseIgnoreLine(sc.Text(), base, source); ok {
			rules = append(rules, r)
		}
	}
	return rules
}

func parseIgnoreLine(line, base, source string) (ignoreRule, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = trimUnescapedSpaces(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return ignoreRule{}, false
	}
	r := ignoreRule{base: base, source: source, text: line}
	switch {
	case strings.HasPrefix(line, "!"):
		r.negate, line = true, line[1:]
	case strings.HasPrefix(line, `\!`), strings.HasPrefix(line, `\#`):
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly, line = true, strings.TrimSuffix(line, "/")
	}
	if line == "" {
		return ignoreRule{}, false
	}
	// A slash at the start or in the middle ties the pattern to the
	// .gitignore's folder; without one it matches at any depth.
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	expr := globToRegexp(line)
	if anchored {
		expr = "^" + expr + "$"
	} else {
		expr = "^(?:.*/)?" + expr + "$"
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return ignoreRule{}, false // a malformed class: git ignores the line too
	}
	r.re = re
	return r, true
}

// trimUnescapedSpaces drops trailing spaces unless the last is escaped
// with a backslash.
func trimUnescapedSpaces(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	if strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-2] + " "
	}
	return s
}

// globToRegexp translates a gitignore glob (already stripped of its
// leading "/" and trailing "/") into a regular expression for a
// slash-separated path.
func globToRegexp(g string) string {
	var b strings.Builder
	for i := 0; i < len(g); {
		switch {
		case strings.HasPrefix(g[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 3
		case g[i:] == "**" && (i == 0 || g[i-1] == '/'):
			b.WriteString(".*")
			i += 2
		case g[i] == '*':
			b.WriteString("[^/]*")
			i++
		case g[i] == '?':
			b.WriteString("[^/]")
			i++
		case g[i] == '[':
			end := strings.IndexByte(g[i+1:], ']')
			if end < 0 {
				b.WriteString(`\[`)
				i++
				continue
			}
			class := g[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") || strings.HasPrefix(class, "^") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 2
		case g[i] == '\\' && i+1 < len(g):
			b.WriteString(regexp.QuoteMeta(g[i+1 : i+2]))
			i += 2
		default:
			b.WriteString(regexp.QuoteMeta(g[i : i+1]))
			i++
		}
	}
	return b.String()
}

// match returns the rule that decides rel (a path relative to the root),
// and whether rel is ignored; nil when no rule speaks about it.
func (rs ignoreRules) match(rel string, isDir bool) (*ignoreRule, bool) {
	var decided *ignoreRule
	for i := range rs {
		r := &rs[i]
		if r.dirOnly && !isDir {
			continue
		}
		sub := rel
		if r.base != "" {
			var ok bool
			if sub, ok = strings.CutPrefix(rel, r.base+"/"); !ok {
				continue
			}
		}
		if r.re.MatchString(sub) {
			decided = r
		}
	}
	if decided == nil {
		return nil, false
	}
	return decided, !decided.negate
}

// reason says why rel is ignored, for the skipped list.
func (r *ignoreRule) reason() string {
	return fmt.Sprintf("ignored (pattern %q in %s)", r.text, r.source)
}
