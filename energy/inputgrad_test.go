package energy

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// A per-sample model's gradients and energies taken a few samples at a
// time are those of the whole batch within float32 rounding (Linear,
// Conv2d+SiLU, a conditional energy): not bit for bit, as the products
// pick their kernels, whose sums run in different orders, by the number
// of rows.
func TestInputGradParts(t *testing.T) {
	rng := tensor.NewRNG(3)
	silu := func() nn.Layer { return nn.SiLU() }
	down := nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1}
	conv := &Net{Layer: nn.NewSequential(&nn.Unflatten{Shape: []int{1, 8, 8}},
		nn.NewConv2d(rng, 1, 8, down), nn.SiLU(), nn.NewConv2d(rng, 8, 16, down), nn.SiLU(),
		nn.Flatten(), nn.NewLinear(rng, 16*2*2, 1, true))}
	for _, c := range []struct {
		name string
		m    Model
		x    *tensor.Tensor
		dim  int
	}{
		{"mlp", NewMLP(rng, 2, []int{32, 32}, silu), nil, 2},
		{"conv", conv, nil, 64},
		{"conditional", NewMLP(rng, 5, []int{16}, silu), tensor.Randn(rng, 13, 3), 2},
	} {
		y := tensor.Randn(rng, 13, c.dim)
		wantG, wantE := gradY(c.m, c.x, y, nil)
		for _, parts := range []int{1, 3, 4, 13} {
			ig := newInputGrad(c.m)
			if !ig.split {
				t.Fatalf("%s: not split", c.name)
			}
			ig.parts = parts
			g, e := ig.at(c.x, y)
			if d := maxDiff(g.Values(), wantG.Values()); d > 1e-5 {
				t.Errorf("%s, %d parts: gradients differ from the whole batch's by %g of the largest", c.name, parts, d)
			}
			if d := maxDiff(e.Values(), wantE.Values()); d > 1e-5 {
				t.Errorf("%s, %d parts: energies differ from the whole batch's by %g of the largest", c.name, parts, d)
			}
			// With a task beside them, on 1 to 3 threads: the same bits,
			// and the task run once.
			for threads := 1; threads <= 3; threads++ {
				kernel.SetThreads(threads)
				ran := 0
				gs, es := ig.beside(c.x, y, func() { ran++ })
				if ran != 1 || !slices.Equal(gs.Values(), g.Values()) || !slices.Equal(es.Values(), e.Values()) {
					t.Errorf("%s, %d parts, %d threads: beside ran its task %d times, results equal at's: %v, %v",
						c.name, parts, threads, ran, slices.Equal(gs.Values(), g.Values()), slices.Equal(es.Values(), e.Values()))
				}
			}
			kernel.SetThreads(0)
		}
	}
}

// maxDiff returns the largest difference of a and b relative to b's
// largest magnitude.
func maxDiff(a, b []float32) float64 {
	var d, m float64
	for i := range b {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
		m = max(m, math.Abs(float64(b[i])))
	}
	return d / m
}

// Only models that say each energy is per sample are split: a Func, a
// network with a BatchNorm in training or a Dropout that drops are not.
func TestInputGradSplits(t *testing.T) {
	rng := tensor.NewRNG(4)
	lin := func() nn.Layer { return nn.NewLinear(rng, 2, 2, true) }
	bn := nn.NewBatchNorm1d(2)
	evalBN := nn.NewBatchNorm1d(2)
	evalBN.SetTraining(false)
	for _, c := range []struct {
		name string
		m    Model
		want bool
	}{
		{"func", Func(func(_, y *tensor.Tensor) *tensor.Tensor { return y.Sum(1) }), false},
		{"mlp", NewMLP(rng, 2, []int{4}, func() nn.Layer { return nn.ReLU() }), true},
		{"batchnorm training", &Net{Layer: nn.NewSequential(lin(), bn, lin())}, false},
		{"batchnorm eval", &Net{Layer: nn.NewSequential(lin(), evalBN, lin())}, true},
		{"dropout", &Net{Layer: nn.NewSequential(lin(), nn.NewDropout(rng, 0.5), lin())}, false},
		{"custom func", &Net{Layer: nn.NewSequential(lin(), &nn.Func{Name: "mine", F: func(x *tensor.Tensor) *tensor.Tensor { return x }})}, false},
		{"at noise", AtNoise{Model: NewMLP(rng, 3, []int{4}, func() nn.Layer { return nn.ReLU() }), Sigma: 0.1}, true},
	} {
		if got := newInputGrad(c.m).split; got != c.want {
			t.Errorf("%s: split %v, want %v", c.name, got, c.want)
		}
	}
}

// Parts keep a pass's bytes within the cache, as many for each thread
// and no more than the samples.
func TestParts(t *testing.T) {
	for _, c := range []struct{ n, perSample, cache, threads, want int }{
		{64, 4000, cacheBytes, 1, 1},     // 4 kB a sample: all fit
		{64, 75264, cacheBytes, 1, 5},    // 75 kB a sample: 13 fit, five parts (one of 12, four of 13)
		{64, 75264, cacheBytes, 2, 6},    // two threads: six parts (two of 10, four of 11)
		{64, 4000, cacheBytes, 2, 1},     // all fit: one thread
		{256, 3076, cacheBytes, 2, 1},    // 3 kB a sample: all fit
		{512, 3076, cacheBytes, 1, 2},    // 340 fit: two parts of 256
		{100, 75264, cacheBytes, 16, 16}, // 13 fit: 8 parts, 16 for the threads (of 6 and 7)
		{10, 4 << 20, cacheBytes, 1, 10}, // over the cache alone
		{3, 4 << 20, cacheBytes, 2, 3},   // no more parts than samples
	} {
		if got := parts(c.n, c.perSample, c.cache, c.threads); got != c.want {
			t.Errorf("parts(%d, %d, %d, %d) = %d, want %d", c.n, c.perSample, c.cache, c.threads, got, c.want)
		}
	}
}

// Parts split the batch evenly: the rows of part p are those from p*n/parts.
func TestInputGradEvenParts(t *testing.T) {
	rng := tensor.NewRNG(7)
	var sizes []int
	var mu sync.Mutex
	m := &Net{Layer: nn.NewSequential(nn.NewLinear(rng, 2, 1, true), &sampleWise{func(x *tensor.Tensor) {
		mu.Lock()
		sizes = append(sizes, x.Size(0))
		mu.Unlock()
	}})}
	ig := newInputGrad(m)
	ig.parts = 6
	g, e := ig.at(nil, tensor.Randn(rng, 64, 2))
	g.Recycle()
	e.Recycle()
	slices.Sort(sizes)
	if want := []int{10, 10, 11, 11, 11, 11}; !slices.Equal(sizes, want) {
		t.Errorf("part sizes %v, want %v", sizes, want)
	}
}

// Goroutines taking gradients in parts on one shared model get the bits
// of the same calls made one after another.
func TestInputGradPartsConcurrent(t *testing.T) {
	rng := tensor.NewRNG(5)
	m := NewMLP(rng, 2, []int{32, 32}, func() nn.Layer { return nn.SiLU() })
	const workers = 4
	ys := make([]*tensor.Tensor, workers)
	want := make([][]float32, workers)
	for w := range ys {
		ys[w] = tensor.Randn(rng, 11, 2)
		ig := newInputGrad(m)
		ig.parts = 4
		g, _ := ig.at(nil, ys[w])
		want[w] = g.Clone().Values()
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ig := newInputGrad(m)
			ig.parts = 4
			for range 20 {
				g, e := ig.at(nil, ys[w])
				if d := maxDiff(g.Values(), want[w]); d != 0 {
					t.Errorf("worker %d: gradients differ from the serial call's by %g", w, d)
				}
				g.Recycle()
				e.Recycle()
			}
		}()
	}
	wg.Wait()
}

// Samplers on an empty batch of a per-sample model return it empty.
func TestInputGradEmpty(t *testing.T) {
	rng := tensor.NewRNG(6)
	m := NewMLP(rng, 2, []int{8}, func() nn.Layer { return nn.SiLU() })
	for _, c := range []struct {
		name string
		run  func(y0 *tensor.Tensor) *tensor.Tensor
	}{
		{"langevin", func(y0 *tensor.Tensor) *tensor.Tensor {
			return Langevin{Steps: 2, StepSize: 0.01, Noise: 0.1}.Run(m, nil, y0, rng)
		}},
		{"mala", func(y0 *tensor.Tensor) *tensor.Tensor {
			return (&MALA{Steps: 2, StepSize: 0.01}).Run(m, nil, y0, rng)
		}},
		{"hmc", func(y0 *tensor.Tensor) *tensor.Tensor {
			return (&HMC{Iterations: 2, LeapfrogSteps: 2, StepSize: 0.01}).Sample(m, nil, y0, rng)
		}},
		{"descend", func(y0 *tensor.Tensor) *tensor.Tensor {
			y, _, err := Descend(m, nil, y0, Descent{Steps: 2, StepSize: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			return y
		}},
	} {
		if got := c.run(tensor.Zeros(0, 2)).Shape(); len(got) != 2 || got[0] != 0 || got[1] != 2 {
			t.Errorf("%s: shape %v, want [0 2]", c.name, got)
		}
	}
}

// sampleWise is a per-sample identity layer that shows its input to see.
type sampleWise struct{ see func(*tensor.Tensor) }

func (s *sampleWise) Params() []nn.Param { return nil }
func (s *sampleWise) PerSample() bool    { return true }
func (s *sampleWise) Forward(x *tensor.Tensor) *tensor.Tensor {
	s.see(x)
	return x
}

// A part is a view of the batch's rows: recycling it leaves the batch's
// buffer out of the pool.
func TestRowsView(t *testing.T) {
	y := tensor.Empty(8, 3)
	v := rows(y, 2, 4)
	if &v.Values()[0] != &y.Values()[6] {
		t.Fatal("rows copied the batch")
	}
	v.Recycle()
	for range 4 {
		if z := tensor.Empty(8, 3); &z.Values()[0] == &y.Values()[0] {
			t.Fatal("recycling a part gave the batch's buffer back to the pool")
		}
	}
}

// The first call measures a pass over a few samples and sets the parts
// of every call: one part for a small MLP's pass, one a sample for a
// batch whose samples each outgrow the cache.
func TestInputGradMeasured(t *testing.T) {
	rng := tensor.NewRNG(8)
	small := NewMLP(rng, 2, []int{8}, func() nn.Layer { return nn.SiLU() })
	wide := NewMLP(rng, 2, []int{1 << 17}, func() nn.Layer { return nn.SiLU() })
	for _, c := range []struct {
		name string
		m    Model
		want int
	}{{"small", small, 1}, {"wide", wide, 3}} {
		ig := newInputGrad(c.m)
		y := tensor.Randn(rng, 3, 2)
		wantG, _ := gradY(c.m, nil, y, nil)
		g, _ := ig.at(nil, y)
		if ig.parts != c.want {
			t.Errorf("%s: %d parts, want %d", c.name, ig.parts, c.want)
		}
		if d := maxDiff(g.Values(), wantG.Values()); d > 1e-5 {
			t.Errorf("%s: gradients differ from the whole batch's by %g of the largest", c.name, d)
		}
	}
}
