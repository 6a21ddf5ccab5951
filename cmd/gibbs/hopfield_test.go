package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHopfieldCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hop")
	status, out, errOut := runCLI("hopfield", "--counts", "2,64", "--betas", "0.1,1", "--queries", "20", "--out", dir)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if !strings.Contains(out, "beta 0.1") {
		t.Errorf("output lacks the table: %q", out)
	}
	for _, f := range []string{"capacity.json", "capacity.png", "energy.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--patterns", "cifar"}, `patterns "cifar"`},
		{[]string{"--betas", "1,x"}, "--betas: bad list"},
		{[]string{"--counts", "0"}, "pattern count 0"},
	} {
		status, _, errOut := runCLI(append([]string{"hopfield", "--out", dir}, tc.args...)...)
		if status != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: status %d, stderr %q, want 2 and %q", tc.args, status, errOut, tc.want)
		}
	}
}
