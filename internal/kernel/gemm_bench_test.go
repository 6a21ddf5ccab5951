package kernel

import (
	"fmt"
	"testing"
)

// benchGemm times one product shape and reports GFLOP/s (2*m*n*k flops).
func benchGemm(b *testing.B, transA, transB bool, m, n, k int) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	a, bm, c := make([]float32, ar*ac), make([]float32, br*bc), make([]float32, m*n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range bm {
		bm[i] = float32(i%5) - 2
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Sgemm(transA, transB, m, n, k, 1, a, ac, bm, bc, 0, c, n)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{64, 128, 256, 512, 1024, 2048} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { benchGemm(b, false, false, n, n, n) })
	}
	// Shapes of an MLP on MNIST (batch 128 or 256) and of attention heads:
	// forward x*W^T, and the two products of the backward pass.
	for _, s := range []struct {
		transA, transB bool
		m, n, k        int
	}{
		{false, true, 128, 256, 784}, {false, false, 128, 784, 256}, {true, false, 256, 784, 128},
		{false, true, 256, 10, 256}, {false, false, 256, 256, 10}, {true, false, 10, 256, 256},
		{false, true, 256, 1024, 2}, {false, true, 256, 2, 1024}, {false, true, 64, 64, 64}, {false, false, 64, 64, 64},
	} {
		name := fmt.Sprintf("mlp=%dx%dx%d/tA=%v/tB=%v", s.m, s.n, s.k, s.transA, s.transB)
		b.Run(name, func(b *testing.B) { benchGemm(b, s.transA, s.transB, s.m, s.n, s.k) })
	}
}

// BenchmarkSgemmMap times a dense layer's forward product with its
// activation applied by the product's store, beside the product alone.
func BenchmarkSgemmMap(b *testing.B) {
	const m, n, k = 128, 256, 784
	x, w, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	for _, s := range []struct {
		name string
		f    func(dst, x []float32)
	}{{"none", nil}, {"relu", ReLU}, {"tanh", Tanh}} {
		b.Run(s.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				SgemmMap(s.f, false, true, m, n, k, 1, x, k, w, k, 0, nil, c, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkMicroKernel measures each micro-kernel alone on packed panels
// that stay in L1, an upper bound for what the blocked product can reach.
func BenchmarkMicroKernel(b *testing.B) {
	const kc = 256
	for _, kern := range kernels {
		b.Run(kern.name, func(b *testing.B) {
			a, bp, c := make([]float32, kern.mr*kc), make([]float32, kc*kern.nr), make([]float32, kern.mr*kern.nr)
			for i := 0; i < b.N; i++ {
				kern.fn(kc, a, 1, kern.mr, bp, kern.nr, c, kern.nr, kern.mr, kern.nr, 1, 1, tileBias{})
			}
			b.ReportMetric(2*float64(kern.mr*kern.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemmBatched runs attention-shaped batches: scores Q K^T and
// the weighted sum of values, one 64x64 tile per head.
func BenchmarkSgemmBatched(b *testing.B) {
	for _, s := range []struct {
		batch, m, n, k int
		transB         bool
	}{{32, 64, 64, 64, true}, {32, 64, 64, 64, false}, {8, 128, 128, 64, true}} {
		name := fmt.Sprintf("batch=%d/%dx%dx%d/tB=%v", s.batch, s.m, s.n, s.k, s.transB)
		b.Run(name, func(b *testing.B) {
			ldb := s.n
			if s.transB {
				ldb = s.k
			}
			a, bm, c := make([]float32, s.batch*s.m*s.k), make([]float32, s.batch*s.k*s.n), make([]float32, s.batch*s.m*s.n)
			for i := 0; i < b.N; i++ {
				SgemmBatched(false, s.transB, s.batch, s.m, s.n, s.k, 1, a, s.k, s.m*s.k, bm, ldb, s.k*s.n, 0, c, s.n, s.m*s.n)
			}
			b.ReportMetric(2*float64(s.batch*s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// modelShape is one (batched) product of a reference training step.
type modelShape struct {
	name                 string
	transA, transB       bool
	batch, m, n, k       int
	shareA, shareB, sumC bool
}

// linearLayers are the fully connected layers of the reference models,
// each with the number of rows it sees per step.
var linearLayers = []struct {
	model          string
	batch, in, out int
}{
	{"ae", 128, 784, 256}, {"ae", 128, 256, 64}, {"ae", 128, 64, 256}, {"ae", 128, 256, 784},
	{"vae", 128, 784, 400}, {"vae", 128, 400, 40}, {"vae", 128, 20, 400}, {"vae", 128, 400, 784},
	{"gan", 128, 64, 256}, {"gan", 128, 256, 256}, {"gan", 128, 256, 784}, {"gan", 128, 784, 256}, {"gan", 128, 256, 1},
	{"ebm", 256, 2, 128}, {"ebm", 256, 128, 128}, {"ebm", 256, 128, 1},
	{"conv", 128, 1600, 128}, {"conv", 128, 128, 10},
	{"tf", 2048, 128, 384}, {"tf", 2048, 128, 128}, {"tf", 2048, 128, 512}, {"tf", 2048, 512, 128},
}

// BenchmarkModelShapes runs the products of the reference training steps:
// batched with a shared weight (strideA 0), summed over the batch
// (strideC 0), attention heads, and the forward and backward products of
// every fully connected layer.
func BenchmarkModelShapes(b *testing.B) {
	shapes := []modelShape{
		{name: "conv1", batch: 128, m: 32, n: 676, k: 9, shareA: true},
		{name: "conv1dW", transB: true, batch: 128, m: 32, n: 9, k: 676, sumC: true},
		{name: "conv2", batch: 128, m: 64, n: 121, k: 288, shareA: true},
		{name: "conv2dX", transA: true, batch: 128, m: 288, n: 121, k: 64, shareA: true},
		{name: "conv2dW", transB: true, batch: 128, m: 64, n: 288, k: 121, sumC: true},
		{name: "fc1", transB: true, batch: 1, m: 128, n: 128, k: 1600},
		{name: "scores", transB: true, batch: 128, m: 64, n: 64, k: 32},
		{name: "mix", batch: 128, m: 64, n: 32, k: 64},
		{name: "mixdV", transA: true, batch: 128, m: 64, n: 32, k: 64},
		{name: "ff1", transB: true, batch: 1, m: 2048, n: 512, k: 128},
		{name: "ff2dX", batch: 1, m: 2048, n: 128, k: 512},
		{name: "ff2dW", transA: true, batch: 1, m: 128, n: 512, k: 2048},
		{name: "inproj", transB: true, batch: 1, m: 2048, n: 384, k: 128},
		{name: "scoresdQ", batch: 128, m: 64, n: 32, k: 64},
		{name: "scoresdK", transA: true, batch: 128, m: 64, n: 32, k: 64},
		{name: "mixdP", transB: true, batch: 128, m: 64, n: 64, k: 32},
		{name: "conv1dX", transA: true, batch: 128, m: 9, n: 676, k: 32, shareA: true},
	}
	for _, l := range linearLayers {
		// y = x W^T, dL/dx = G W and dL/dW = G^T x.
		in, out, rows := l.in, l.out, l.batch
		shapes = append(shapes,
			modelShape{name: fmt.Sprintf("%s/%d-%d/fwd", l.model, in, out), transB: true, batch: 1, m: rows, n: out, k: in},
			modelShape{name: fmt.Sprintf("%s/%d-%d/dX", l.model, in, out), batch: 1, m: rows, n: in, k: out},
			modelShape{name: fmt.Sprintf("%s/%d-%d/dW", l.model, in, out), transA: true, batch: 1, m: out, n: in, k: rows})
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			ar, ac, br, bc := s.m, s.k, s.k, s.n
			if s.transA {
				ar, ac = ac, ar
			}
			if s.transB {
				br, bc = bc, br
			}
			sa, sb, sc := ar*ac, br*bc, s.m*s.n
			if s.shareA {
				sa = 0
			}
			if s.shareB {
				sb = 0
			}
			if s.sumC {
				sc = 0
			}
			a := make([]float32, max(sa*s.batch, ar*ac))
			bm := make([]float32, max(sb*s.batch, br*bc))
			c := make([]float32, max(sc*s.batch, s.m*s.n))
			for i := 0; i < b.N; i++ {
				SgemmBatched(s.transA, s.transB, s.batch, s.m, s.n, s.k, 1, a, ac, sa, bm, bc, sb, 0, c, s.n, sc)
			}
			b.ReportMetric(2*float64(s.batch*s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
