package traintest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/train"
)

// SameRuns fails t unless the run folders whole and resumed hold the same
// checkpoint and metrics, byte for byte, and neither file is missing or
// empty: what a run stopped and resumed must leave behind, against one
// that never stopped.
func SameRuns(t testing.TB, whole, resumed string) {
	t.Helper()
	for _, f := range []string{train.CheckpointFile, train.MetricsFile} {
		a, errA := os.ReadFile(filepath.Join(whole, f))
		b, errB := os.ReadFile(filepath.Join(resumed, f))
		switch {
		case errA != nil || errB != nil:
			t.Errorf("%s: %v, %v", f, errA, errB)
		case len(a) == 0:
			t.Errorf("%s is empty", f)
		case !bytes.Equal(a, b):
			t.Errorf("%s differs between the whole and the resumed run", f)
		}
	}
}
