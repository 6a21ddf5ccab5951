package tensor_test

import (
	"math"
	"runtime"
	"testing"

	"github.com/gibbsml/gibbs/internal/kernel"
	T "github.com/gibbsml/gibbs/tensor"
)

// relErr returns the largest |got - want| / |want| over got's values.
func relErr(got *T.Tensor, want float64) float64 {
	worst := 0.0
	for _, v := range got.Values() {
		worst = max(worst, math.Abs(float64(v)-want)/math.Abs(want))
	}
	return worst
}

// Long float32 sums along every path (all values, the first axis, leading
// axes split across threads, a
// middle axis, two axes, the reduction of a broadcast gradient, mean,
// log-sum-exp, norm) stay within a few float32 roundings of the float64
// value; one float32 accumulator lost 1e-3 to 1e-2 on these.
func TestLongSums(t *testing.T) {
	tenth := float64(float32(0.1))
	sq := float64(float32(0.1) * float32(0.1)) // Square rounds to float32
	// Values 0, 0.1, ..., 0.9 repeated, for a log-sum-exp that does not
	// add exact ones.
	steps := T.Zeros(1 << 20)
	var lse float64
	for i := range steps.Values() {
		v := float32(i%10) * 0.1
		steps.Values()[i] = v
		lse += math.Exp(float64(v) - float64(float32(0.9)))
	}
	lse = float64(float32(0.9)) + math.Log(lse)
	broadcastGrad := func() *T.Tensor {
		b := T.Zeros(4).SetRequiresGrad(true)
		return T.Grad(b.BroadcastTo(60000, 4).Mul(T.Full(0.1, 60000, 4)).Sum(), b)[0]
	}
	for _, c := range []struct {
		name string
		f    func() *T.Tensor
		want float64
	}{
		{"Sum of 1e6", func() *T.Tensor { return T.Full(0.1, 1e6).Sum() }, 1e6 * tenth},
		{"Sum(0) of [1e6 2]", func() *T.Tensor { return T.Full(0.1, 1e6, 2).Sum(0) }, 1e6 * tenth},
		{"Sum(0, 1) of [500 200 64] (split by columns)", func() *T.Tensor { return T.Full(0.1, 500, 200, 64).Sum(0, 1) }, 1e5 * tenth},
		{"Sum(1) of [2 1e5 3]", func() *T.Tensor { return T.Full(0.1, 2, 1e5, 3).Sum(1) }, 1e5 * tenth},
		{"Sum(0, 2) of [3000 3 100]", func() *T.Tensor { return T.Full(0.1, 3000, 3, 100).Sum(0, 2) }, 3e5 * tenth},
		{"SumTo [4] of [60000 4]", func() *T.Tensor { return T.Full(0.1, 60000, 4).SumTo(4) }, 6e4 * tenth},
		{"gradient of a broadcast [4]", broadcastGrad, 6e4 * tenth},
		{"Mean(0) of [60000 4]", func() *T.Tensor { return T.Full(0.1, 60000, 4).Mean(0) }, tenth},
		{"Mean of 1e7", func() *T.Tensor { return T.Full(0.1, 1e7).Mean() }, tenth},
		{"LogSumExp of 2^20", func() *T.Tensor { return steps.LogSumExp() }, lse},
		{"Norm of 1e6", func() *T.Tensor { return T.Full(0.1, 1e6).Norm() }, math.Sqrt(1e6 * sq)},
	} {
		err := relErr(c.f(), c.want)
		t.Logf("%s: relative error %.2g", c.name, err)
		if err > 4e-7 {
			t.Errorf("%s: relative error %.2g", c.name, err)
		}
	}
}

// Sums give the same bits whatever the thread count.
func TestSumsIgnoreThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer kernel.SetThreads(0)
	x := T.Randn(T.NewRNG(3), 300, 700)
	y := T.Randn(T.NewRNG(4), 60, 7, 101) // rows split by columns, not in whole blocks
	sums := func() []*T.Tensor {
		return []*T.Tensor{x.Sum(), x.Sum(0), x.Sum(1), x.SumTo(1, 700), x.LogSumExp(1), x.Var(0), y.Sum(0), y.Sum(0, 1)}
	}
	want := sums()
	for _, threads := range []int{1, 2, 5} {
		runtime.GOMAXPROCS(threads)
		kernel.SetThreads(threads)
		for i, got := range sums() {
			for j, v := range got.Values() {
				if w := want[i].Values()[j]; math.Float32bits(v) != math.Float32bits(w) {
					t.Fatalf("%d threads: sum %d, value %d: %v, was %v", threads, i, j, v, w)
				}
			}
		}
	}
}

// LogSoftmax subtracts the maximum before the log-sum, so large logits
// keep the digits of their differences, and its gradient follows.
func TestLogSoftmaxLargeLogits(t *testing.T) {
	x := T.New([]float32{1e4, 1e4 + 1, 1e4 + 2}, 1, 3).SetRequiresGrad(true)
	y := x.LogSoftmax(1)
	xs := x.Values()
	var s float64
	for _, v := range xs {
		s += math.Exp(float64(v - xs[2]))
	}
	g := T.Grad(y.Narrow(1, 0, 1).Sum(), x)[0] // d y0 / dx = onehot(0) - softmax
	for i, v := range xs {
		want := float64(v-xs[2]) - math.Log(s)
		if got := y.Values()[i]; math.Abs(float64(got)-want) > 3e-7 {
			t.Errorf("LogSoftmax %d = %v, want %v", i, got, want)
		}
		wantG := -math.Exp(want)
		if i == 0 {
			wantG++
		}
		if got := g.Values()[i]; math.Abs(float64(got)-wantG) > 3e-7 {
			t.Errorf("gradient %d = %v, want %v", i, got, wantG)
		}
	}
}

// Gradients at the singular points take PyTorch's values: the norm's is 0
// at the zero vector, and t^p's at t = 0 is 0 for p = 0, 1 for p = 1, 0
// for p = 2 and +Inf for p = 0.5. The second derivative of t^1 is 0, not
// NaN.
func TestGradientsAtZero(t *testing.T) {
	x := T.New([]float32{0, 0, 0, 3, 0, 4}, 2, 3).SetRequiresGrad(true)
	wantValues(t, "gradient of Norm() at 0", T.Grad(T.Zeros(2, 3).SetRequiresGrad(true).Norm(), x)[0], []int{2, 3}, make([]float32, 6))
	wantValues(t, "gradient of Norm(1)", T.Grad(x.Norm(1).Sum(), x)[0], []int{2, 3}, []float32{0, 0, 0, 0.6, 0, 0.8})
	for _, c := range []struct {
		p, want float32
	}{{0, 0}, {1, 1}, {2, 0}, {0.5, float32(math.Inf(1))}, {3, 0}} {
		z := T.Zeros(1).SetRequiresGrad(true)
		if got := T.Grad(z.Pow(c.p).Sum(), z)[0].Item(); got != c.want {
			t.Errorf("gradient of t^%v at 0 = %v, want %v", c.p, got, c.want)
		}
	}
	z := T.Zeros(1).SetRequiresGrad(true)
	first := T.GradGraph(z.Pow(1).Sum(), z)[0]
	if got := T.Grad(first.Sum(), z)[0].Item(); got != 0 {
		t.Errorf("second derivative of t^1 at 0 = %v, want 0", got)
	}
}

// Var takes deviations from a shifted mean: values far from 0 with a
// small spread keep the float32 digits of the spread.
func TestVarLargeOffset(t *testing.T) {
	for _, xs := range [][]float32{{10000.1, 10000.2, 10000.3}, {1e6 + 0.5, 1e6 - 0.25, 1e6, 1e6 + 1}} {
		var m, q float64
		for _, v := range xs {
			m += float64(v) / float64(len(xs))
		}
		for _, v := range xs {
			q += (float64(v) - m) * (float64(v) - m)
		}
		want := q / float64(len(xs)-1)
		if err := relErr(T.New(xs, len(xs)).Var(), want); err > 1e-6 {
			t.Errorf("Var%v: relative error %.2g", xs, err)
		}
	}
}
