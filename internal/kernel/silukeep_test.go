package kernel

import (
	"fmt"
	"math"
	"testing"
)

// SiLUKeep gives SiLU's bits, and a derivative whose product with a
// gradient gives SiLUGrad's, at every level and thread count, in place
// and not, on slices split across threads and on special values.
func TestSiLUKeep(t *testing.T) {
	defer SetThreads(0)
	n := 2*mapHeavyMinWork + 37
	x, g := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.37)) * 30
		g[i] = float32(math.Cos(float64(i) * 0.11))
	}
	x[1], x[2], x[3] = float32(math.NaN()), float32(math.Inf(-1)), float32(math.Inf(1))
	x[4], x[5], x[6] = float32(math.Copysign(0, -1)), -200, 100
	forEachLevel(t, func(t *testing.T) {
		for _, threads := range []int{1, 2, 3} {
			SetThreads(threads)
			for _, size := range []int{n, 37, 8, 1} {
				for _, inPlace := range []bool{false, true} {
					name := fmt.Sprintf("threads=%d/n=%d/inPlace=%v", threads, size, inPlace)
					y, d := make([]float32, size), make([]float32, size)
					if inPlace {
						copy(y, x)
						SiLUKeep(y, d, y)
					} else {
						SiLUKeep(y, d, x)
					}
					want, wantG, got := make([]float32, size), make([]float32, size), make([]float32, size)
					SiLU(want, x)
					sameBits(t, name+"/y", y, want)
					SiLUGrad(wantG, g, x)
					Map2(Mul, got, g, d)
					sameBits(t, name+"/g*d", got, wantG)
				}
			}
		}
	})
}
