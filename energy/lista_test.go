package energy_test

import (
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/energy"
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
