package kernel

import (
	"fmt"
	"testing"
)

// BenchmarkSum times Sum and Dot on slices from one vector block to more
// than the caches hold, reporting values read per nanosecond.
func BenchmarkSum(b *testing.B) {
	for _, n := range []int{256, 4096, 1 << 16, 1 << 22} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		b.Run(fmt.Sprintf("Sum/n=%d", n), func(b *testing.B) {
			for range b.N {
				Sum(x)
			}
			b.ReportMetric(float64(n)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "values/ns")
		})
		b.Run(fmt.Sprintf("Dot/n=%d", n), func(b *testing.B) {
			for range b.N {
				Dot(x, x)
			}
			b.ReportMetric(float64(n)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "values/ns")
		})
	}
}
