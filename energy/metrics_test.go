package energy

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// TestClassCoverage: confident samples fill the histogram of their most
// probable class; unsure ones count as low quality.
func TestClassCoverage(t *testing.T) {
	probs := tensor.New([]float32{
		0.95, 0.05, 0, // class 0
		0.09, 0.91, 0, // class 1
		0.05, 0.92, 0.03, // class 1
		0.4, 0.3, 0.3, // unsure
	}, 4, 3)
	st := ClassCoverage(probs, 0.9)
	want := (1.0/3)*math.Log(1.0/3*3) + (2.0/3)*math.Log(2.0/3*3)
	if st.Modes != 3 || st.Covered != 2 || st.HighQuality != 0.75 || math.Abs(st.ReverseKL-want) > 1e-12 {
		t.Errorf("got %+v, want 2/3 covered, 75%% high quality, KL %v", st, want)
	}
}
