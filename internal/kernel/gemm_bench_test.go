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
				kern.fn(kc, a, 1, kern.mr, bp, kern.nr, c, kern.nr, 1, 1)
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
