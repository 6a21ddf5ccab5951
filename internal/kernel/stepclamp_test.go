package kernel

import (
	"fmt"
	"math"
	"testing"
)

// StepClamp gives the portable loop's bits at every level, on lengths
// of whole and partial vector steps, with values that land below, on
// and above the bounds (zeros of both signs among them), NaN and
// infinities, and without bounds.
func TestStepClamp(t *testing.T) {
	const n = 77
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	y0, g, z := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range y0 {
		y0[i] = float32(math.Sin(float64(i)*0.9)) * 1.5
		g[i] = float32(math.Cos(float64(i) * 0.7))
		z[i] = float32(i%9) - 4
	}
	y0[1], g[2], z[3] = float32(math.NaN()), float32(math.NaN()), float32(math.NaN())
	y0[4], g[5], z[6] = inf, -inf, inf
	// y + (a g + b n) is -0, +0, and the bounds themselves.
	y0[7], g[7], z[7] = negZero, negZero, negZero
	y0[8], g[8], z[8] = 0, negZero, negZero
	y0[9], g[9], z[9] = negZero, 0, 0
	y0[10], g[10], z[10] = 1, 0, 0
	y0[11], g[11], z[11] = -1, 0, 0
	for _, b := range []struct{ a, b, lo, hi float32 }{
		{-1, 0.005, 0, 1},
		{-0.5, 0.25, negZero, 0},
		{2, -1, -1, negZero},
		{-0.01, 0.005, -inf, inf},
	} {
		forEachLevel(t, func(t *testing.T) {
			for _, size := range []int{n, 64, 17, 8, 3} {
				name := fmt.Sprintf("%+v/n=%d", b, size)
				want, got := append([]float32(nil), y0[:size]...), append([]float32(nil), y0[:size]...)
				stepClampGo(want, g, z, b.a, b.b, b.lo, b.hi)
				StepClamp(got, g, z, b.a, b.b, b.lo, b.hi)
				sameBits(t, name, got, want)
			}
		})
	}
}
