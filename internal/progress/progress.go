// Package progress draws a one-line progress bar with rate and ETA.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Bar reports the progress of a job of Total steps. On a terminal it
// redraws one line; elsewhere (logs, pipes) it prints a line every Every
// of progress so the output stays short.
type Bar struct {
	Total int
	Label string
	out   io.Writer
	tty   bool
	start time.Time
	from  int // step the bar started at (a resumed run starts past 0)
	last  time.Time
	lastN int
}

// New returns a bar for total steps, starting at step from, writing to out.
// tty selects redrawing in place.
func New(out io.Writer, label string, from, total int, tty bool) *Bar {
	now := time.Now()
	return &Bar{Total: total, Label: label, out: out, tty: tty, start: now, from: from, last: now, lastN: from}
}

// Update shows that step n of Total is done, with a short status text.
func (b *Bar) Update(n int, status string) {
	now := time.Now()
	if b.tty && now.Sub(b.last) < 100*time.Millisecond && n < b.Total {
		return
	}
	if !b.tty && n < b.Total && (n-b.lastN)*10 < b.Total && now.Sub(b.last) < 10*time.Second {
		return
	}
	b.last, b.lastN = now, n
	line := b.line(n, now, status)
	if b.tty {
		fmt.Fprintf(b.out, "\r%s\x1b[K", line)
		if n >= b.Total {
			fmt.Fprintln(b.out)
		}
		return
	}
	fmt.Fprintln(b.out, line)
}

func (b *Bar) line(n int, now time.Time, status string) string {
	const width = 24
	frac := 0.0
	if b.Total > 0 {
		frac = min(float64(n)/float64(b.Total), 1)
	}
	filled := int(frac * width)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	elapsed := now.Sub(b.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(n-b.from) / elapsed
	}
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(b.Total-n)/rate) * time.Second).Round(time.Second).String()
	}
	s := fmt.Sprintf("%s [%s] %d/%d %.1f it/s ETA %s", b.Label, bar, n, b.Total, rate, eta)
	if status != "" {
		s += "  " + status
	}
	return s
}
