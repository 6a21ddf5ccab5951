package tensor_test

import (
	"math"
	"sync"
	"testing"

	T "github.com/gibbsml/gibbs/tensor"
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

// sameBits reports whether a and b hold the same float32 bits.
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

// A goroutine that evaluates without differentiating (on detached
// operands, releasing what it records) does not change what another
// goroutine's gradients are: recording follows the operands, not a mode.
func TestGradBesideInference(t *testing.T) {
	x := T.New([]float32{1, -2, 3}).SetRequiresGrad(true)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			x.Detach().Square().Sum().Item()
			x.Square().Sum().DetachRelease()
		}
	}()
	wrong := 0
	for range 2000 {
		g := T.Grad(x.Square().Sum(), x)[0]
		if !sameBits(g.Data(), []float32{2, -4, 6}) {
			wrong++
		}
	}
	close(stop)
	wg.Wait()
	if wrong > 0 {
		t.Errorf("%d of 2000 gradients wrong beside inference", wrong)
	}
}

// mlp is a small two-layer network whose weights every goroutine shares.
type mlp struct{ w1, b1, w2 *T.Tensor }

func newMLP(seed uint64) *mlp {
	rng := T.NewRNG(seed)
	return &mlp{
		w1: T.Randn(rng, 2, 16).SetRequiresGrad(true),
		b1: T.Randn(rng, 16).SetRequiresGrad(true),
		w2: T.Randn(rng, 16, 1).SetRequiresGrad(true),
	}
}

func (m *mlp) energy(y *T.Tensor) *T.Tensor {
	return y.Matmul(m.w1).Add(m.b1).Tanh().Matmul(m.w2).Sum()
}

// Passes over graphs that share leaves (the weights) run at once, and
// each gives the bits of the same pass run alone: gradients with respect
// to the input (what a sampler takes), to the weights, and of second
// order.
func TestConcurrentPassesShareLeaves(t *testing.T) {
	m := newMLP(1)
	inputs := make([]*T.Tensor, 8)
	for i := range inputs {
		inputs[i] = T.Randn(T.NewRNG(uint64(10+i)), 32, 2)
	}
	grads := func(y0 *T.Tensor) [][]float32 {
		y := y0.Clone().SetRequiresGrad(true)
		e := m.energy(y)
		dy := T.GradGraph(e, y)[0]
		dw := T.Grad(e, m.w1, m.b1, m.w2)
		d2 := T.Grad(dy.Square().Sum(), m.w1)[0] // a gradient penalty's
		out := [][]float32{dy.Detach().Clone().Data(), d2.Data()}
		for _, g := range dw {
			out = append(out, g.Data())
		}
		return out
	}
	want := make([][][]float32, len(inputs))
	for i, y := range inputs {
		want[i] = grads(y)
	}
	const rounds = 25
	wrong := make([]int, len(inputs))
	parallel(len(inputs), func(g int) {
		for range rounds {
			for k, got := range grads(inputs[g]) {
				if !sameBits(got, want[g][k]) {
					wrong[g]++
				}
			}
		}
	})
	for g, n := range wrong {
		if n > 0 {
			t.Errorf("goroutine %d: %d of %d gradients differ from the sequential ones", g, n, rounds*5)
		}
	}
	for _, w := range []*T.Tensor{m.w1, m.b1, m.w2} {
		if !w.RequiresGrad() || w.Grad() != nil {
			t.Errorf("a pass changed a shared leaf: RequiresGrad %v, Grad %v", w.RequiresGrad(), w.Grad())
		}
	}
}

// Backward passes that share leaves add their gradients one at a time:
// the accumulated gradient is the sum of the passes' gradients.
func TestConcurrentBackwardAccumulates(t *testing.T) {
	m := newMLP(2)
	y := T.Randn(T.NewRNG(3), 32, 2)
	one := T.Grad(m.energy(y), m.w1)[0].Data()
	const n = 8
	parallel(n, func(int) {
		e := m.energy(y)
		e.Backward()
		e.Release()
	})
	got := m.w1.Grad().Data()
	for i, v := range one {
		if d := math.Abs(float64(got[i] - n*v)); d > 1e-4*math.Max(1, math.Abs(float64(n*v))) {
			t.Fatalf("w1.Grad[%d] = %v after %d passes, want %v", i, got[i], n, n*v)
		}
	}
}

// A pass walks only the operations on a path to what it differentiates:
// the gradient with respect to the input computes no weight gradient, and
// a pass with respect to one branch never runs the rules of another.
func TestPassWalksOnlyPathsToTargets(t *testing.T) {
	x := T.New([]float32{1, 2}).SetRequiresGrad(true)
	w := T.New([]float32{3, 4}).SetRequiresGrad(true)
	ran := map[string]int{}
	spy := func(name string, a *T.Tensor) *T.Tensor {
		return T.Custom(name, a.Detach().Clone(), []*T.Tensor{a}, func(b *T.Backprop) []*T.Tensor {
			ran[name]++
			return []*T.Tensor{b.Grad}
		})
	}
	y := spy("x-branch", x).Mul(spy("w-branch", w)).Sum()
	gx := T.Grad(y, x)[0]
	wantValues(t, "dy/dx", gx, []int{2}, []float32{3, 4})
	if ran["x-branch"] != 1 || ran["w-branch"] != 0 {
		t.Errorf("rules run for dy/dx: %v, want only the x branch", ran)
	}
	var needs []bool
	z := T.Custom("needs", x.Detach().Mul(w.Detach()), []*T.Tensor{x, w}, func(b *T.Backprop) []*T.Tensor {
		needs = []bool{b.Needs(0), b.Needs(1)}
		if b.In[0].RequiresGrad() || b.In[1].RequiresGrad() || b.Recorded() {
			t.Error("an unrecorded pass handed a rule operands that record")
		}
		return []*T.Tensor{b.Grad.Mul(b.In[1]), nil}
	})
	T.Grad(z.Sum(), x)
	if !needs[0] || needs[1] {
		t.Errorf("Needs = %v for a pass with respect to x, want [true false]", needs)
	}
}

// Products large enough to be split across the kernel's worker threads,
// started from several goroutines at once, give the bits they give alone.
func TestConcurrentLargeProducts(t *testing.T) {
	w := T.Randn(T.NewRNG(4), 256, 256).SetRequiresGrad(true)
	inputs := make([]*T.Tensor, 4)
	want := make([][]float32, len(inputs))
	grad := func(a *T.Tensor) []float32 { return T.Grad(a.Matmul(w).Tanh().Sum(), w)[0].Data() }
	for i := range inputs {
		inputs[i] = T.Randn(T.NewRNG(uint64(20+i)), 128, 256)
		want[i] = grad(inputs[i])
	}
	parallel(len(inputs), func(g int) {
		for range 3 {
			if !sameBits(grad(inputs[g]), want[g]) {
				t.Errorf("goroutine %d: weight gradient differs from the sequential one", g)
			}
		}
	})
}
