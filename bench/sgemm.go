package bench

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// sgemmSizes are the square sizes of the sgemm workload.
var sgemmSizes = []int{128, 256, 512, 1024, 2048}

// sgemmCase times C = A*B for random n-by-n matrices into a C allocated
// once, as torch.mm(a, b, out=c) does.
func sgemmCase(n int) *Case {
	rng := tensor.NewRNG(uint64(n))
	a := tensor.Randn(rng, n, n).Data()
	b := tensor.Randn(rng, n, n).Data()
	c := make([]float32, n*n)
	return &Case{
		Step: func() float32 {
			kernel.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
			return 0
		},
		Work: 2 * math.Pow(float64(n), 3) / 1e9,
		Unit: "GFLOP/s",
		Extra: Record{
			{"n", n},
			{"op", "kernel.Sgemm C = A*B into a preallocated C, square, row-major"},
		},
		Finish: func(float64) (Record, error) {
			e := sgemmError(n, a, b, c)
			if e > 1e-4 {
				return nil, fmt.Errorf("n=%d: relative error %.3g, the product is wrong", n, e)
			}
			return Record{{"max_rel_err", e}}, nil
		},
	}
}

// sgemmError compares 16 evenly spaced rows of c = a*b with a float64
// product and returns the largest error relative to the largest entry.
func sgemmError(n int, a, b, c []float32) float64 {
	var maxDiff, maxRef float64
	ref := make([]float64, n)
	for i := 0; i < n; i += max(1, n/16) {
		clear(ref)
		for p := 0; p < n; p++ {
			aip := float64(a[i*n+p])
			for j, bpj := range b[p*n : (p+1)*n] {
				ref[j] += aip * float64(bpj)
			}
		}
		for j, r := range ref {
			maxDiff = max(maxDiff, math.Abs(float64(c[i*n+j])-r))
			maxRef = max(maxRef, math.Abs(r))
		}
	}
	return maxDiff / maxRef
}
