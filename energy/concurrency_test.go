package energy_test

import (
	"math"
	"sync"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// parallel runs f(g) on n goroutines and waits for all of them.
func parallel(n int, f func(g int)) {
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(g)
		}()
	}
	wg.Wait()
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func sharedModel() *energy.Net {
	return energy.NewMLP(tensor.NewRNG(7), 2, []int{64, 64}, func() nn.Layer { return nn.SiLU() })
}

// dEdy is what a sampler or an inference server computes on a shared
// model: the gradient of the energies with respect to the input.
func dEdy(m energy.Model, y0 *tensor.Tensor) []float32 {
	y := y0.Clone().SetRequiresGrad(true)
	e := m.Energy(nil, y).Sum()
	g := tensor.Grad(e, y)[0]
	e.Release()
	return g.Data()
}

// Eight goroutines differentiating one shared model with respect to their
// own inputs get the bits of the same calls made one after another, and
// leave the parameters as they were.
func TestConcurrentInputGradients(t *testing.T) {
	m := sharedModel()
	const workers, calls = 8, 40
	inputs := make([]*tensor.Tensor, workers)
	want := make([][]float32, workers)
	for i := range inputs {
		inputs[i] = tensor.Randn(tensor.NewRNG(uint64(100+i)), 32, 2)
		want[i] = dEdy(m, inputs[i])
	}
	wrong := make([]int, workers)
	parallel(workers, func(g int) {
		for range calls {
			if !sameBits(dEdy(m, inputs[g]), want[g]) {
				wrong[g]++
			}
		}
	})
	for g, n := range wrong {
		if n > 0 {
			t.Errorf("goroutine %d: %d of %d gradients differ from the sequential ones", g, n, calls)
		}
	}
	for _, p := range m.Params() {
		if !p.Tensor.RequiresGrad() || p.Tensor.Grad() != nil {
			t.Errorf("parameter %s changed: RequiresGrad %v, Grad %v", p.Name, p.Tensor.RequiresGrad(), p.Tensor.Grad())
		}
	}
}

// Langevin chains run on one model from eight goroutines at once give the
// samples of the same chains run alone, and the model trains afterwards:
// a sampler never touches the parameters' flags.
func TestConcurrentLangevinLeavesModelTrainable(t *testing.T) {
	m := sharedModel()
	lang := energy.Langevin{Steps: 10, StepSize: 0.01, Noise: 0.1, Lo: -3, Hi: 3}
	const workers = 8
	run := func(g int) []float32 {
		rng := tensor.NewRNG(uint64(200 + g))
		return lang.Run(m, nil, tensor.Uniform(rng, -3, 3, 64, 2), rng).Data()
	}
	want := make([][]float32, workers)
	for g := range want {
		want[g] = run(g)
	}
	got := make([][]float32, workers)
	parallel(workers, func(g int) { got[g] = run(g) })
	for g := range got {
		if !sameBits(got[g], want[g]) {
			t.Errorf("chain set %d differs from the same chains run alone", g)
		}
	}
	for _, p := range m.Params() {
		if !p.Tensor.RequiresGrad() {
			t.Fatalf("parameter %s no longer requires a gradient after the samplers ran", p.Name)
		}
	}
	// One training step changes every parameter.
	before := make([][]float32, 0)
	for _, p := range m.Params() {
		before = append(before, p.Tensor.Clone().Data())
	}
	opt, err := optim.NewSGD(nn.Tensors(m), optim.SGDConfig{LR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	loss := m.Energy(nil, tensor.Randn(tensor.NewRNG(1), 64, 2)).Mean()
	opt.ZeroGrad()
	loss.Backward()
	opt.Step()
	for i, p := range m.Params() {
		if sameBits(p.Tensor.Data(), before[i]) {
			t.Errorf("parameter %s did not change in a training step after sampling", p.Name)
		}
	}
}
