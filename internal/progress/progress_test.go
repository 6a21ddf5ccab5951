package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestBarLines(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "train", 0, 10, false)
	for i := 1; i <= 10; i++ {
		b.Update(i, "loss 0.5")
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || len(lines) > 11 {
		t.Fatalf("%d lines: %q", len(lines), out)
	}
	last := lines[len(lines)-1]
	for _, want := range []string{"train", "10/10", "it/s", "ETA", "loss 0.5", "[========================]"} {
		if !strings.Contains(last, want) {
			t.Errorf("last line %q lacks %q", last, want)
		}
	}
}

func TestBarTerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "x", 5, 10, true)
	b.Update(10, "")
	if out := buf.String(); !strings.HasPrefix(out, "\r") || !strings.HasSuffix(out, "\n") || !strings.Contains(out, "10/10") {
		t.Errorf("terminal output %q", out)
	}
}
