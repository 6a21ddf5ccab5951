package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/gradcheck"
	"github.com/gibbsml/gibbs/tensor"
)

func TestLossesOnFixedEnergies(t *testing.T) {
	// Row 0: correct energy 1, most offending incorrect 0.5 (a violation).
	// Row 1: correct energy 1, most offending incorrect 2.
	energies := tensor.New([]float32{1, 3, 0.5, 2, 1, 4}, 2, 3)
	correct := []int{0, 1}
	rows := [][]float64{{1, 3, 0.5}, {2, 1, 4}}
	e, ebar := []float64{1, 1}, []float64{0.5, 2}
	avg := func(f func(i int) float64) float64 { return (f(0) + f(1)) / 2 }
	sp := func(v float64) float64 { return math.Log1p(math.Exp(v)) }
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	lse := func(i int, beta float64) float64 {
		var s float64
		for _, v := range rows[i] {
			s += math.Exp(-beta * v)
		}
		return math.Log(s)
	}
	cases := []struct {
		name string
		loss energy.Loss
		want float64
	}{
		{"energy", energy.EnergyLoss(), 1},
		{"perceptron", energy.Perceptron(), avg(func(i int) float64 { return e[i] - min(e[i], ebar[i]) })},
		{"hinge", energy.Hinge(1), avg(func(i int) float64 { return max(0, 1+e[i]-ebar[i]) })},
		{"log", energy.LogLoss(), avg(func(i int) float64 { return sp(e[i] - ebar[i]) })},
		{"lvq2", energy.LVQ2(1), avg(func(i int) float64 { return min(1, max(0, (e[i]-ebar[i])/ebar[i])) })},
		{"mce", energy.MCE(), avg(func(i int) float64 { return sig(e[i] - ebar[i]) })},
		{"square-square", energy.SquareSquare(1), avg(func(i int) float64 { return e[i]*e[i] + math.Pow(max(0, 1-ebar[i]), 2) })},
		{"square-exp", energy.SquareExp(2), avg(func(i int) float64 { return e[i]*e[i] + 2*math.Exp(-ebar[i]) })},
		{"nll", energy.NLL(2), avg(func(i int) float64 { return e[i] + lse(i, 2)/2 })},
		{"mee", energy.MEE(1), avg(func(i int) float64 { return 1 - math.Exp(-e[i])/math.Exp(lse(i, 1)) })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := float64(c.loss.Finite(energies, correct).Item())
			if math.Abs(got-c.want) > 1e-5 {
				t.Errorf("loss %v, want %v", got, c.want)
			}
			if c.loss.Margin() == "" {
				t.Error("no margin description")
			}
			// The loss is differentiable with respect to the energies
			// (checked away from the kinks of hinge and LVQ2).
			f := func(xs ...*tensor.Tensor) *tensor.Tensor { return c.loss.Finite(xs[0], correct) }
			smooth := tensor.New([]float32{1, 3, 0.4, 2, 1.2, 4.3}, 2, 3)
			if err := gradcheck.Check(f, []*tensor.Tensor{smooth}, gradcheck.Options{Eps: 1e-3}); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestMostOffending(t *testing.T) {
	energies := tensor.New([]float32{0.1, 3, 0.5, 2, 1, 4, 9, 8, 7}, 3, 3)
	got := energy.MostOffending(energies, []int{0, 1, 2}).Data()
	want := []float32{0.5, 2, 8}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: most offending %v, want %v", i, got[i], want[i])
		}
	}
}

func TestLossByName(t *testing.T) {
	for _, name := range energy.LossNames() {
		if _, err := energy.LossByName(name, energy.DefaultLossConfig()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := energy.LossByName("hinje", energy.DefaultLossConfig()); err == nil {
		t.Error("unknown loss accepted")
	}
	for _, tc := range []struct {
		name string
		c    energy.LossConfig
		ok   bool
	}{
		{"hinge", energy.LossConfig{Margin: float32(math.NaN())}, false},
		{"hinge", energy.LossConfig{Margin: -1}, false},
		{"hinge", energy.LossConfig{}, true}, // margin 0 is a margin of 0
		{"contrastive", energy.LossConfig{}, true},
		{"nll", energy.LossConfig{}, false}, // beta 0 has no temperature
	} {
		if _, err := energy.LossByName(tc.name, tc.c); (err == nil) != tc.ok {
			t.Errorf("%s %+v: error %v, want ok %v", tc.name, tc.c, err, tc.ok)
		}
	}
	if c := energy.LossConstants("hinge"); len(c) != 1 || c[0] != "margin" {
		t.Errorf("hinge uses %v, want [margin]", c)
	}
}

// TestZeroMeansZero checks that a zero constant is used as given, not
// replaced by the default: a hinge of margin 0 costs nothing once the
// positive's energy is below the negative's.
func TestZeroMeansZero(t *testing.T) {
	e, ebar := tensor.New([]float32{0}, 1), tensor.New([]float32{0.5}, 1)
	for _, tc := range []struct {
		name string
		c    energy.LossConfig
		want float32
	}{
		{"hinge", energy.LossConfig{Margin: 0}, 0},
		{"hinge", energy.LossConfig{Margin: 1}, 0.5},
		{"contrastive", energy.LossConfig{Alpha: 0}, -0.5},
		{"contrastive", energy.LossConfig{Alpha: 1}, -0.25},
	} {
		l, err := energy.LossByName(tc.name, tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Pair(e, ebar).Item(); math.Abs(float64(got-tc.want)) > 1e-6 {
			t.Errorf("%s %+v: loss %v, want %v", tc.name, tc.c, got, tc.want)
		}
	}
}

// TestPerceptronPairMatchesFinite checks that the perceptron's pair form
// is its finite form over the two answers, max(0, E - Ebar), and not the
// NLL's E - Ebar, which it once was.
func TestPerceptronPairMatchesFinite(t *testing.T) {
	e, ebar := tensor.New([]float32{0, 2}, 2), tensor.New([]float32{0.5, 1}, 2)
	p := energy.Perceptron()
	pair := p.Pair(e, ebar).Item()
	finite := p.Finite(tensor.Stack(1, e, ebar), []int{0, 0}).Item()
	if math.Abs(float64(pair-finite)) > 1e-6 || math.Abs(float64(pair)-0.5) > 1e-6 {
		t.Errorf("perceptron pair %v, finite %v; want both (0 + 1)/2 = 0.5", pair, finite)
	}
	if nll := energy.NLL(1).Pair(e, ebar).Item(); math.Abs(float64(nll)-0.25) > 1e-6 {
		t.Errorf("nll pair %v, want (-0.5 + 1)/2 = 0.25", nll)
	}
}
