package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ruleport/ruleport/reference/logs"
)

// progress wraps a log source and, when w is a terminal, keeps one status
// line on it: events read, rate, elapsed time. On a pipe or a file it stays
// silent, so scripted runs and CI logs get only the results and errors.
type progress struct {
	src     logs.Source
	w       io.Writer
	on      bool
	start   time.Time
	last    time.Time
	n       int
	printed bool
}

// progressEvery is how often the status line is redrawn.
const progressEvery = 250 * time.Millisecond

func newProgress(w io.Writer, src logs.Source) *progress {
	now := time.Now()
	return &progress{src: src, w: w, on: isTerminal(w), start: now, last: now}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Next passes the source's records on, counting them.
func (p *progress) Next() (logs.Record, error) {
	rec, err := p.src.Next()
	if err == nil {
		p.n++
		// Reading the clock on every record would cost more than the
		// count; every 1024th is often enough for a 250 ms redraw.
		if p.on && p.n%1024 == 0 {
			if now := time.Now(); now.Sub(p.last) >= progressEvery {
				p.last = now
				p.draw(now)
			}
		}
	}
	return rec, err
}

func (p *progress) draw(now time.Time) {
	elapsed := now.Sub(p.start)
	rate := float64(p.n) / max(elapsed.Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\rruleport: %d events read, %.0f events/s, %s elapsed\x1b[K", p.n, rate, elapsed.Round(100*time.Millisecond))
	p.printed = true
}

// done leaves a final status line, only where a status line was shown.
func (p *progress) done() {
	if p.printed {
		p.draw(time.Now())
		fmt.Fprintln(p.w)
	}
}
