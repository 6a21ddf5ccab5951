package tensor_test

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	T "github.com/gibbsml/gibbs/tensor"
)

// panicMsg returns the message f panics with, or "".
func panicMsg(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
		}
	}()
	f()
	return ""
}

func TestReleaseInvalidatesIntermediates(t *testing.T) {
	x := T.Randn(T.NewRNG(1), 16, 32).SetRequiresGrad(true)
	w := T.Randn(T.NewRNG(2), 32, 8).SetRequiresGrad(true)
	h := x.Matmul(w).SiLU()
	kept := h.Detach() // shares h's buffer, which must survive Release
	want := kept.Clone()
	view := h.Reshape(-1)
	loss := h.Square().Sum()
	loss.Backward()
	loss.Release()
	for name, f := range map[string]func(){
		"op":      func() { h.Add(h) },
		"Data":    func() { view.Data() },
		"Item":    func() { loss.Item() },
		"Reshape": func() { view.Reshape(8, -1) },
	} {
		if m := panicMsg(f); !strings.Contains(m, "tensor used after its graph was released") {
			t.Errorf("%s on a released tensor: panic %q", name, m)
		}
	}
	// New work draws on the returned buffers; the detached copy and the
	// leaves must not change.
	for i := 0; i < 4; i++ {
		T.Ones(16, 8).MulScalar(7).Release()
		x.Matmul(w).Exp().Sum().Release()
	}
	for i, v := range kept.Data() {
		if v != want.Data()[i] {
			t.Fatalf("detached value %d changed from %v to %v after Release", i, want.Data()[i], v)
		}
	}
	if x.Grad() == nil || w.Grad() == nil || len(x.Data()) != 16*32 {
		t.Fatal("Release touched a leaf or its gradient")
	}
}

func TestReleaseKeepsGradResults(t *testing.T) {
	rng := T.NewRNG(3)
	x := T.Randn(rng, 64, 4).SetRequiresGrad(true)
	w := T.Randn(rng, 4, 4)
	var first []float32
	for i := 0; i < 3; i++ {
		e := x.Matmul(w).Tanh().Sum()
		g := T.Grad(e, x)[0]
		e.Release()
		T.Randn(rng, 64, 4).Exp().Mul(T.Randn(rng, 64, 4)).Release() // reuse pools
		if i == 0 {
			first = g.Clone().Data()
			continue
		}
		for j, v := range g.Data() {
			if v != first[j] {
				t.Fatalf("step %d: gradient %d is %v, want %v", i, j, v, first[j])
			}
		}
	}
}

// Backward after ZeroGrad refills the gradient it made before, but never
// a gradient set from outside.
func TestBackwardRecyclesGradients(t *testing.T) {
	w := T.New([]float32{1, 2, 3}, 3).SetRequiresGrad(true)
	step := func(c float32) *T.Tensor {
		w.ZeroGrad()
		w.MulScalar(c).Square().Sum().Backward() // gradient 2 c^2 w
		return w.Grad()
	}
	first := step(1)
	second := step(2)
	if first != second {
		t.Error("Backward after ZeroGrad made a new gradient tensor")
	}
	wantValues(t, "recycled gradient", second, []int{3}, []float32{8, 16, 24})
	mine := T.New([]float32{7, 7, 7}, 3)
	w.SetGrad(mine)
	if got := step(1); got == mine || mine.At(0) != 7 {
		t.Errorf("Backward wrote into a gradient set with SetGrad: %v", mine)
	}
	wantValues(t, "gradient after SetGrad", w.Grad(), []int{3}, []float32{2, 4, 6})
}

// Adopt ties buffers made outside the graph to it: Release invalidates
// them with the graph, and a tensor outside any graph adopts nothing.
func TestAdopt(t *testing.T) {
	x := T.Randn(T.NewRNG(3), 8, 16).SetRequiresGrad(true)
	aux, free := T.Empty(8, 16), T.Empty(8, 16)
	y := x.Exp().Adopt(aux)
	if got := T.Randn(T.NewRNG(4), 4).Adopt(free); got == nil {
		t.Fatal("Adopt on a leaf returned nil")
	}
	loss := y.Sum()
	loss.Backward()
	loss.Release()
	if m := panicMsg(func() { aux.Values() }); !strings.Contains(m, "tensor used after its graph was released") {
		t.Errorf("adopted buffer after Release: panic %q", m)
	}
	if m := panicMsg(func() { free.Values() }); m != "" {
		t.Errorf("buffer adopted by a leaf: panic %q", m)
	}
}

// GraphValues counts each result of the graph and each adopted buffer
// once, views and leaves not at all.
func TestGraphValues(t *testing.T) {
	x := T.Randn(T.NewRNG(3), 8, 16).SetRequiresGrad(true)
	flat := x.Reshape(128)         // a view of a leaf: nothing
	e := x.Exp().Adopt(T.Empty(4)) // 128 + 4
	s := e.Mul(e)                  // 128, e reached twice
	total := s.Reshape(128).Add(flat).Sum()
	// Add: 128; Sum: 1; s's view: nothing.
	if got, want := total.GraphValues(), 128+4+128+128+1; got != want {
		t.Errorf("GraphValues = %d, want %d", got, want)
	}
	if got := x.GraphValues(); got != 0 {
		t.Errorf("GraphValues of a leaf = %d, want 0", got)
	}
	total.Release()
}

// A training step whose backward pass makes temporaries (a gradient for a
// target that needs none, a broadcast product reduced to its operand's
// shape) takes every buffer back from the pool once the pool is warm.
func TestStepReusesBuffers(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector's sync.Pool drops buffers at random; run without -race")
	}
	rng := T.NewRNG(5)
	x, target := T.Randn(rng, 256, 512), T.Randn(rng, 256, 512)
	scale := T.Randn(rng, 512).SetRequiresGrad(true)
	step := func() {
		scale.ZeroGrad()
		loss := x.Mul(scale).Sub(target).Square().Mean()
		loss.Backward()
		loss.Release()
	}
	step()
	// One buffer of the batch is 512 KiB. A temporary kept from the pool
	// would cost one per step; allow a few misses of the per-thread pools.
	if got := warmAlloc(step); got > 3<<19 {
		t.Errorf("8 warm steps allocated %d KiB", got>>10)
	}
}

// warmAlloc returns the bytes that 8 calls of step allocate, with the
// collector off (a collection would empty the pools).
func warmAlloc(step func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 8 {
		step()
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Gradients recycled by Backward stay separate when one gradient tensor
// of the pass reaches several leaves, and a second Backward without
// ZeroGrad adds into the gradient tensor already there. The tensors are
// large enough for pooled buffers, and each step scales the loss
// differently so that a stale buffer shows.
func TestBackwardStoresGradients(t *testing.T) {
	const n = 128
	av, bv, sum := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range av {
		av[i], bv[i] = float32(i), float32(2*n-i)
		sum[i] = 2 * (av[i] + bv[i])
	}
	a := T.New(av, n).SetRequiresGrad(true)
	b := T.New(bv, n).SetRequiresGrad(true)
	losses := []struct {
		name   string
		loss   func() *T.Tensor
		ga, gb []float32
	}{
		// Add hands the same gradient to both operands.
		{"shared", func() *T.Tensor { return a.Add(b).Square().Sum() }, sum, sum},
		{"separate", func() *T.Tensor { return a.Mul(b).Sum() }, bv, av},
	}
	scaled := func(v []float32, c float32) []float32 {
		out := make([]float32, len(v))
		for i, x := range v {
			out[i] = c * x
		}
		return out
	}
	// check reads the gradient with Values: Data would take its buffer
	// out of the pool's reach and end the recycling under test.
	check := func(what string, g *T.Tensor, want []float32) {
		t.Helper()
		for i, v := range g.Values() {
			if v != want[i] {
				t.Fatalf("%s: gradient value %d is %v, want %v", what, i, v, want[i])
			}
		}
	}
	backward := func(loss func() *T.Tensor, c float32) {
		l := loss().MulScalar(c)
		l.Backward()
		l.Release()
	}
	for _, tc := range losses {
		for step := 1; step <= 3; step++ {
			c := float32(step)
			a.ZeroGrad()
			b.ZeroGrad()
			backward(tc.loss, c)
			check(tc.name+" a", a.Grad(), scaled(tc.ga, c))
			check(tc.name+" b", b.Grad(), scaled(tc.gb, c))
			if &a.Grad().Values()[0] == &b.Grad().Values()[0] {
				t.Fatalf("%s step %d: the leaves share one gradient buffer", tc.name, step)
			}
		}
		first := a.Grad()
		backward(tc.loss, 1)
		if a.Grad() != first {
			t.Errorf("%s: accumulating Backward replaced the gradient tensor", tc.name)
		}
		check(tc.name+" accumulated a", a.Grad(), scaled(tc.ga, 4))
	}
}

// Recycle gives back the buffers of a pass's results, a Reshape's view of
// a temporary included, so that a loop of passes (a sampler's steps)
// allocates nothing once the pool is warm; a recycled tensor panics when
// used, and the result of a recorded operation refuses Recycle.
func TestRecycle(t *testing.T) {
	rng := T.NewRNG(6)
	w := T.Randn(rng, 256, 64).SetRequiresGrad(true)
	y := T.Randn(rng, 64, 16, 16)
	step := func() {
		y.SetRequiresGrad(true)
		e := y.Reshape(64, 256).Matmul(w).Tanh().Sum()
		g := T.Grad(e, y)[0]
		e.Release()
		y.SetRequiresGrad(false)
		yd := y.Values()
		for i, v := range g.Values() {
			yd[i] -= 1e-3 * v
		}
		g.Recycle()
		if m := panicMsg(func() { g.Values() }); !strings.Contains(m, "tensor used after its graph was released") {
			t.Fatalf("recycled gradient: panic %q", m)
		}
	}
	step()
	if !raceDetector {
		// The gradient is 64 KiB; allow a few misses of the per-thread pools.
		if got := warmAlloc(step); got > 3<<16 {
			t.Errorf("8 warm steps allocated %d KiB", got>>10)
		}
	}
	kept := y.Detach() // holds a share of y's buffer: recycling y leaves it
	y.Recycle()
	if len(kept.Values()) != 64*256 {
		t.Error("Recycle took a buffer shared by Detach")
	}
	r := w.Square()
	if m := panicMsg(r.Recycle); !strings.Contains(m, "release its graph with Release") {
		t.Errorf("Recycle on a recorded result: panic %q", m)
	}
}

// An unrecorded pass adds the gradients of a tensor used several times
// in place, into whichever of the two buffers it owns alone (the sum
// gathered so far, a rule's new gradient, or a Reshape's view of a
// gradient it received): the results must have the bits of the recorded
// pass, which adds them with Add, and the tensors asked for on the way
// must keep their own gradients.
func TestGradientSumsInPlace(t *testing.T) {
	cases := []struct {
		name string
		f    func(x, r *T.Tensor) (y *T.Tensor, mid []*T.Tensor)
	}{
		{"uses of a leaf", func(x, r *T.Tensor) (*T.Tensor, []*T.Tensor) {
			return x.Mul(r).Add(x.Exp()).Add(x.Tanh().Mul(x)).Sum(), nil
		}},
		{"through views", func(x, r *T.Tensor) (*T.Tensor, []*T.Tensor) {
			h := x.Tanh()
			v := h.Reshape(-1).Exp().Reshape(8, 12)
			w := h.Reshape(12, 8).Reshape(8, 12)
			return v.Mul(r).Add(h.Square()).Add(w.Mul(v)).Sum(), []*T.Tensor{w, h}
		}},
		{"residual", func(x, r *T.Tensor) (*T.Tensor, []*T.Tensor) {
			h := x.Sigmoid()
			s := h.Add(h.Mul(r).Tanh())
			return s.Add(s.Exp()).Mul(r).Sum(), []*T.Tensor{h, s}
		}},
		{"a leaf twice in one operation", func(x, r *T.Tensor) (*T.Tensor, []*T.Tensor) {
			h := x.Mul(x).Add(x)
			return h.Add(h).Mul(r).Sum(), []*T.Tensor{h}
		}},
	}
	for _, c := range cases {
		for _, withMid := range []bool{false, true} {
			// Tensors of 96 values: buffers from the pool, which
			// the pass can own.
			x := T.Randn(T.NewRNG(7), 8, 12).SetRequiresGrad(true)
			r := T.Randn(T.NewRNG(8), 8, 12)
			y, mid := c.f(x, r)
			wrt := []*T.Tensor{x}
			if withMid {
				wrt = append(wrt, mid...)
			}
			got, want := T.Grad(y, wrt...), T.GradGraph(y, wrt...)
			for i := range want {
				if !sameBits(got[i].Data(), want[i].Data()) {
					t.Errorf("%s (intermediates asked for: %v): gradient %d\n got %v\nwant %v", c.name, withMid, i, got[i].Data(), want[i].Data())
				}
			}
		}
	}
}

// A rule that keeps the slice of its gradient (Data) and passes the
// gradient on as a view must find the slice as it left it: the pass may
// not add another gradient into that buffer in place. Both orders of the
// two uses of u are tried, so that the view comes first in one of them.
func TestEscapedGradientKept(t *testing.T) {
	a := T.Randn(T.NewRNG(5), 8, 16).SetRequiresGrad(true)
	r1, r2 := T.Randn(T.NewRNG(6), 128), T.Randn(T.NewRNG(7), 8, 16)
	for _, probeFirst := range []bool{true, false} {
		u := a.Mul(a)
		var kept, snapshot []float32
		v := T.Custom("probe", T.New(u.Clone().Data(), 128), []*T.Tensor{u}, func(b *T.Backprop) []*T.Tensor {
			kept = b.Grad.Data()
			snapshot = append([]float32(nil), kept...)
			return []*T.Tensor{b.Grad.Reshape(8, 16)}
		})
		probe, other := v.Mul(r1).Sum(), u.Mul(r2).Sum()
		loss := other.Add(probe)
		if probeFirst {
			loss = probe.Add(other)
		}
		got := T.Grad(loss, a)[0]
		for i := range kept {
			if kept[i] != snapshot[i] {
				t.Fatalf("probe first=%v: the kept gradient changed at %d: %g, was %g", probeFirst, i, kept[i], snapshot[i])
			}
		}
		want := a.Detach().Mul(r1.Reshape(8, 16).Add(r2)).MulScalar(2)
		for i, w := range want.Data() {
			if d := got.Data()[i] - w; d > 1e-5 || d < -1e-5 {
				t.Fatalf("probe first=%v: gradient %d = %g, want %g", probeFirst, i, got.Data()[i], w)
			}
		}
	}
}

// A tensor detached from a pass's result keeps its values after the
// graph's release; recycled, it gives the buffer back to the pool once
// the graph is released too, in either order (a GAN's fakes, detached for
// the discriminator's step and used through the graph in the
// generator's). A share that escaped through Data never goes back.
func TestDetachedShare(t *testing.T) {
	rng := T.NewRNG(7)
	x := T.Randn(rng, 256, 64)
	w := T.Randn(rng, 64, 512).SetRequiresGrad(true)
	want := make([]float32, 256*512)
	step := func(recycleFirst bool) func() {
		return func() {
			w.ZeroGrad()
			h := x.Matmul(w).Tanh() // 512 KiB, drawn from the pool
			d := h.Detach()
			sq := d.Square() // not recorded: d needs no gradient
			if sq.Sum().Item() <= 0 {
				t.Fatal("detached values lost")
			}
			sq.Recycle()
			loss := h.Square().Mean()
			loss.Backward()
			if recycleFirst {
				d.Recycle()
				loss.Release()
			} else {
				copy(want, d.Values())
				loss.Release()
				var drawn []*T.Tensor // every buffer of the size the release gave back
				for range 4 {
					drawn = append(drawn, T.Ones(256, 512))
				}
				for i, v := range d.Values() {
					if v != want[i] {
						t.Fatalf("detached value %d changed from %v to %v after Release", i, want[i], v)
					}
				}
				for _, u := range drawn {
					u.Recycle()
				}
				d.Recycle()
			}
			if m := panicMsg(func() { d.Values() }); !strings.Contains(m, "tensor used after its graph was released") {
				t.Fatalf("recycled detached tensor: panic %q", m)
			}
		}
	}
	for _, first := range []bool{true, false} {
		step(first)()
		if !raceDetector {
			// A lost buffer would cost 512 KiB a step.
			if got := warmAlloc(step(first)); got > 3<<19 {
				t.Errorf("recycle first %v: 8 warm steps allocated %d KiB", first, got>>10)
			}
		}
	}

	// Escaped through Data: the values survive the release, the recycle
	// and new work drawing on the pools.
	h := x.Matmul(w).Tanh()
	d := h.Detach()
	e := d.Reshape(-1)
	vals := e.Data()
	copy(want, vals)
	d.Recycle()
	h.Sum().Release()
	for i := 0; i < 4; i++ {
		x.Matmul(w).Exp().Sum().Release()
	}
	for i, v := range vals {
		if v != want[i] {
			t.Fatalf("value %d of an escaped share changed from %v to %v", i, want[i], v)
		}
	}
}
