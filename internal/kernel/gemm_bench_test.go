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

// BenchmarkMicroKernel measures each micro-kernel alone on packed panels
// that stay in L1, an upper bound for what the blocked product can reach.
func BenchmarkMicroKernel(b *testing.B) {
	const kc = 256
	for _, kern := range kernels {
		b.Run(kern.name, func(b *testing.B) {
			a, bp, c := make([]float32, kern.mr*kc), make([]float32, kc*kern.nr), make([]float32, kern.mr*kern.nr)
			for i := 0; i < b.N; i++ {
				kern.fn(kc, a, 1, kern.mr, bp, kern.nr, c, kern.nr, kern.mr, kern.nr, 1, 1)
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

// BenchmarkModelShapes runs the products of the reference convnet and
// transformer training steps: batched with a shared weight (strideA 0),
// summed over the batch (strideC 0) and attention heads.
func BenchmarkModelShapes(b *testing.B) {
	for _, s := range []struct {
		name                 string
		transA, transB       bool
		batch, m, n, k       int
		shareA, shareB, sumC bool
	}{
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
	} {
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
