package dashboard

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestTail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "metrics.jsonl")
	appendText := func(s string) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}
	replace := func(s string) { // as an atomic write does: a new file renamed over the old
		tmp := filepath.Join(dir, ".tmp")
		if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	tl := tail{path: path}
	for _, tc := range []struct {
		what   string
		change func()
		lines  []string
		reset  bool
	}{
		{"no file yet", func() {}, nil, false},
		{"a line", func() { appendText("a\n") }, []string{"a"}, false},
		{"nothing new", func() {}, nil, false},
		{"a torn line", func() { appendText(`b`) }, nil, false},
		{"the torn line completed and one more", func() { appendText("\nc\n") }, []string{"b", "c"}, false},
		{"replaced, longer", func() { replace("x\ny\nz\nw\n") }, []string{"x", "y", "z", "w"}, true},
		{"truncated in place", func() { os.WriteFile(path, []byte("v\n"), 0o644) }, []string{"v"}, true},
		{"removed", func() { os.Remove(path) }, nil, true},
		{"still missing", func() {}, nil, false},
		{"back", func() { appendText("u\n") }, []string{"u"}, false},
	} {
		tc.change()
		lines, reset, err := tl.read()
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		got := make([]string, len(lines))
		for i, l := range lines {
			got[i] = string(l)
		}
		if !slices.Equal(got, tc.lines) || reset != tc.reset {
			t.Errorf("%s: lines %q, reset %v; want %q, %v", tc.what, got, reset, tc.lines, tc.reset)
		}
	}
}
