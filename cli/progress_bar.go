package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressBar draws prefill progress on stderr: redrawn in place on a
// terminal, one line per tenth otherwise (a log file or a pipe).
type progressBar struct {
	w        io.Writer
	label    string
	terminal bool
	start    time.Time
	from     int // positions already held when it started (restored)
	lastTick int // tenths printed so far, off a terminal
	drawn    bool
}

func newProgressBar(w io.Writer, label string) *progressBar {
	terminal := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil {
			terminal = fi.Mode()&os.ModeCharDevice != 0
		}
	}
	return &progressBar{w: w, label: label, terminal: terminal, from: -1}
}

const progressBarWidth = 30

// update shows done of total positions.
func (b *progressBar) update(done, total int) {
	if b.from < 0 {
		b.from, b.start = done, time.Now()
	}
	if total <= 0 {
		return
	}
	line := b.line(done, total)
	if b.terminal {
		fmt.Fprintf(b.w, "\r%s\x1b[K", line)
		b.drawn = true
		return
	}
	if tick := done * 10 / total; tick > b.lastTick || done == b.from {
		b.lastTick = tick
		fmt.Fprintln(b.w, line)
	}
}

// finish ends the bar's line on a terminal.
func (b *progressBar) finish() {
	if b.terminal && b.drawn {
		fmt.Fprintln(b.w)
	}
}

func (b *progressBar) line(done, total int) string {
	filled := done * progressBarWidth / total
	bar := strings.Repeat("█", filled) + strings.Repeat("░", progressBarWidth-filled)
	s := fmt.Sprintf("[%s %s %s/%s tokens", b.label, bar, thousands(done), thousands(total))
	if b.from > 0 {
		s += fmt.Sprintf(", %s from cache", thousands(b.from))
	}
	if computed, el := done-b.from, time.Since(b.start); computed > 0 && el > 0 {
		perSec := float64(computed) / el.Seconds()
		left := time.Duration(float64(total-done) / perSec * float64(time.Second))
		s += fmt.Sprintf(", %.0f tok/s, %s left", perSec, left.Round(time.Second))
	}
	return s + "]"
}
