package kernel

import (
	"math"
	"testing"
)

// The AVX2 loops of the exponential family do the AVX-512 loops' float32
// operations in the same order, so where the CPU has both they give the
// same bits on every input of the sweeps, specials and subnormals included.
func TestExpFamilyAVX2MatchesAVX512(t *testing.T) {
	if bestLevel < levelAVX512 {
		t.Skip("needs a CPU with AVX-512 to compare against")
	}
	defer useLevel(bestLevel)
	maps := []struct {
		name string
		f    func(dst, x []float32)
	}{
		{"Exp", Exp}, {"Log", Log}, {"Sigmoid", Sigmoid}, {"SiLU", SiLU}, {"Tanh", Tanh}, {"Softplus", Softplus},
		{"SiLUGrad", func(dst, x []float32) { SiLUGrad(dst, x, x) }},
	}
	xs := append(sweep(-130, 130), sweep(-1e6, 1e6)...)
	for _, m := range maps {
		var out [2][]float32
		for i, l := range []int{levelAVX2, levelAVX512} {
			useLevel(l)
			out[i] = make([]float32, len(xs))
			m.f(out[i], xs)
		}
		for i, x := range xs {
			if math.Float32bits(out[0][i]) != math.Float32bits(out[1][i]) && !(out[0][i] != out[0][i] && out[1][i] != out[1][i]) {
				t.Fatalf("%s(%g): AVX2 gives %g, AVX-512 %g", m.name, x, out[0][i], out[1][i])
			}
		}
	}
}
