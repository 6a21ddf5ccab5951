package kernel

import (
	"fmt"
	"sync"
	"testing"

	"golang.org/x/sys/cpu"
)

//go:noescape
func fmaLoopAVX512(n int)

//go:noescape
func fmaLoopAVX2(n int)

// BenchmarkFMAPeak measures the machine's float32 fused multiply-add peak,
// the ceiling the GEMM is judged against: independent FMA chains with no
// memory traffic, on 1 and 2 goroutines.
func BenchmarkFMAPeak(b *testing.B) {
	loops := []struct {
		name  string
		ok    bool
		flops float64 // per iteration
		run   func(n int)
	}{
		{"avx512", cpu.X86.HasAVX512F, 384, fmaLoopAVX512},
		{"avx2", cpu.X86.HasAVX2 && cpu.X86.HasFMA, 192, fmaLoopAVX2},
	}
	const iters = 1 << 20
	for _, l := range loops {
		if !l.ok {
			continue
		}
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", l.name, threads), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					var wg sync.WaitGroup
					for t := 0; t < threads; t++ {
						wg.Add(1)
						go func() { defer wg.Done(); l.run(iters) }()
					}
					wg.Wait()
				}
				b.ReportMetric(l.flops*iters*float64(threads)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func TestFMALoopsRun(t *testing.T) {
	if cpu.X86.HasAVX512F {
		fmaLoopAVX512(3)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		fmaLoopAVX2(3)
	}
}
