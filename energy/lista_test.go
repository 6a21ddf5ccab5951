package energy_test

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// listaProblem is a sparse coding problem with a random dictionary of dz
// atoms in 16-D, lambda = 0.1 and 3-sparse training and test signals.
func listaProblem(dz, nTrain, nTest int) (s *energy.SparseCoding, train, test *tensor.Tensor) {
	rng := tensor.NewRNG(21)
	s = energy.NewSparseCoding(rng, 16, dz, 0.1)
	train, _ = energy.SparseSignals(rng, s.Dict, nTrain, 3, 0.05)
	test, _ = energy.SparseSignals(rng, s.Dict, nTest, 3, 0.05)
	return s, train, test
}

func TestLISTAStartsAsISTA(t *testing.T) {
	s, _, test := listaProblem(32, 1, 100)
	for _, depth := range []int{1, 2, 5} {
		l := checkedLISTA(t, s, depth)
		if e := energy.CodeError(l.Forward(test), s.ISTA(test, depth)); e > 1e-10 {
			t.Errorf("depth %d: untrained LISTA differs from ISTA: relative error %v", depth, e)
		}
	}
}

// checkedLISTA returns energy.NewLISTA(s, depth) after checking its
// parameter names and shapes.
func checkedLISTA(t *testing.T, s *energy.SparseCoding, depth int) *energy.LISTA {
	t.Helper()
	l := energy.NewLISTA(s, depth)
	dy, dz := s.Dict.Size(0), s.Dict.Size(1)
	want := map[string][]int{"We": {dz, dy}, "S": {dz, dz}, "theta": {dz}}
	for _, p := range l.Params() {
		if !slices.Equal(p.Tensor.Shape(), want[p.Name]) || !p.Tensor.RequiresGrad() {
			t.Errorf("parameter %q: shape %v, requires grad %v; want shape %v", p.Name, p.Tensor.Shape(), p.Tensor.RequiresGrad(), want[p.Name])
		}
		delete(want, p.Name)
	}
	if len(want) > 0 {
		t.Errorf("missing parameters %v", want)
	}
	return l
}

func TestLISTABeatsISTA(t *testing.T) {
	s, train, test := listaProblem(32, 1000, 300)
	c, err := energy.LISTASweep{
		MaxDepth: 3, FISTAIters: 10, TargetIters: 500,
		Fit: energy.FitConfig{Steps: 300, BatchSize: 64, LR: 3e-3, Seed: 1},
	}.Run(s, train, test)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Points {
		t.Logf("T=%d: ISTA %.4f  FISTA %.4f  LISTA %.4f (= FISTA after %d iterations)", p.Depth, p.ISTA, p.FISTA, p.LISTA, p.FISTAEquiv)
		if !(p.LISTA < 0.5*p.ISTA) {
			t.Errorf("depth %d: LISTA code error %v, want below half of ISTA's %v", p.Depth, p.LISTA, p.ISTA)
		}
		if p.FISTAEquiv <= p.Depth {
			t.Errorf("depth %d: LISTA only as good as %d FISTA iterations", p.Depth, p.FISTAEquiv)
		}
	}
	if c.Match != 0 && c.Points[c.Match-1].LISTA > c.FISTAError {
		t.Errorf("match at depth %d, whose error %v is above FISTA's %v", c.Match, c.Points[c.Match-1].LISTA, c.FISTAError)
	}
}

func TestTrainLISTA(t *testing.T) {
	s, train, _ := listaProblem(32, 500, 1)
	target := s.FISTA(train, 300)
	l := energy.NewLISTA(s, 2)
	cfg := energy.FitConfig{Steps: 200, BatchSize: 50, LR: 3e-3, Seed: 2}
	losses, err := energy.TrainLISTA(l, train, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	first, last := avg(losses[:20]), avg(losses[len(losses)-20:])
	if !(last < 0.5*first) {
		t.Errorf("loss %v -> %v, want at least halved", first, last)
	}
	// The same seed gives the same run.
	l2 := energy.NewLISTA(s, 2)
	if _, err := energy.TrainLISTA(l2, train, target, cfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.S.Data(), l2.S.Data()) {
		t.Error("two runs with the same seed differ")
	}
	nn.ZeroGrad(l)

	for _, tc := range []struct {
		name   string
		target *tensor.Tensor
		cfg    energy.FitConfig
	}{
		{"rows", target.Narrow(0, 0, 10), cfg},
		{"steps", target, energy.FitConfig{BatchSize: 10, LR: 1e-3}},
		{"batch", target, energy.FitConfig{Steps: 1, LR: 1e-3}},
		{"learning rate", target, energy.FitConfig{Steps: 1, BatchSize: 10, LR: math.NaN()}},
	} {
		if _, err := energy.TrainLISTA(l, train, tc.target, tc.cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func avg(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// TestLISTASweepReport prints the comparison of Gregor & LeCun (2010) for
// a 4x overcomplete dictionary, as in their experiments; it takes under a
// minute.
func TestLISTASweepReport(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to run the LISTA vs ISTA/FISTA sweep (under a minute)")
	}
	s, train, test := listaProblem(64, 5000, 1000)
	sweep := energy.LISTASweep{
		MaxDepth: 5, FISTAIters: 20, TargetIters: 2000,
		Fit: energy.FitConfig{Steps: 2000, BatchSize: 100, LR: 3e-3, Seed: 1},
	}
	c, err := sweep.Run(s, train, test)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("dy=16 dz=64 lambda=0.1: relative code error on %d test signals (z* = FISTA after %d iterations)\n", test.Size(0), sweep.TargetIters)
	fmt.Println("T  ISTA(T)  FISTA(T)  LISTA(T)  FISTA iterations matching LISTA(T)")
	for _, p := range c.Points {
		fmt.Printf("%d  %.4f   %.4f    %.4f    %d\n", p.Depth, p.ISTA, p.FISTA, p.LISTA, p.FISTAEquiv)
	}
	fmt.Printf("FISTA after %d iterations: %.4f; smallest LISTA depth matching it: %d\n", c.FISTAIters, c.FISTAError, c.Match)
	if c.Match == 0 {
		t.Errorf("no LISTA depth up to %d matches %d FISTA iterations", sweep.MaxDepth, sweep.FISTAIters)
	}
}
