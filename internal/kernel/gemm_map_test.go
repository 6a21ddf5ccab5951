package kernel

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
)

// TestSgemmMap checks that SgemmMap's map reaches every element of C
// exactly once, on every path, kernel and thread count, in either
// orientation of the stored C: the result must equal, bit for bit, the
// same product followed by the map over C, padding untouched.
func TestSgemmMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var calls atomic.Int64
	affine := func(dst, x []float32) { // applied twice or not at all, it shows
		calls.Add(1)
		for i, v := range x[:len(dst)] {
			dst[i] = 2*v + 1
		}
	}
	mapShapes := [][3]int{{1, 1, 1}, {13, 33, 0}, {33, 65, 63}, {65, 33, 31}, {127, 2, 65}, {5, 2, 40},
		{20, 70, 19}, {40, 13, 70}}
	for _, kern := range blockedKernels() {
		for _, path := range []int{pathAuto, pathDirect, pathPacked, pathDot} {
			for _, threads := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/path=%d/threads=%d", kern.name, path, threads), func(t *testing.T) {
					for si, s := range mapShapes {
						for tr := 0; tr < 4; tr++ {
							tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2],
								alpha: 1, beta: float32(si % 2), pad: (si + tr) % 3 * 5}
							a, lda, b, ldb, c, ldc := tc.operands(rng)
							if tc.beta == 0 {
								clear(c) // the plain product overwrites NaN; compare values
							}
							want := slices.Clone(c)
							p := newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, tc.beta, want, ldc)
							p.run(kern, threads, path)
							for i := 0; i < tc.m; i++ {
								affine(want[i*ldc:i*ldc+tc.n], want[i*ldc:i*ldc+tc.n])
							}
							p = newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, tc.beta, c, ldc)
							p.epi = affine
							p.run(kern, threads, path)
							sameBits(t, tc.String(), c, want)
						}
					}
				})
			}
		}
	}
	if calls.Load() == 0 {
		t.Fatal("the map was never called")
	}
}

// TestSgemmMapAPI runs the exported entry point with a kernel map.
func TestSgemmMapAPI(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tc := gemmCase{transB: true, m: 128, n: 256, k: 784, alpha: 1, beta: 1, pad: 2}
	a, lda, b, ldb, c, ldc := tc.operands(rng)
	want := slices.Clone(c)
	Sgemm(false, true, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 1, want, ldc)
	for i := 0; i < tc.m; i++ {
		ReLU(want[i*ldc:i*ldc+tc.n], want[i*ldc:i*ldc+tc.n])
	}
	SgemmMap(ReLU, false, true, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 1, nil, c, ldc)
	sameBits(t, "SgemmMap(ReLU)", c, want)
}

// TestSgemmAdd checks that adding a product into C (SgemmAdd) gives, bit
// for bit, the product computed alone and then added, on every path,
// kernel (with tiny cache blocks too, so that depth blocks split the sum)
// and thread count.
func TestSgemmAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	addShapes := [][3]int{{1, 1, 1}, {13, 33, 0}, {33, 65, 63}, {65, 33, 31}, {127, 2, 65}, {5, 2, 40},
		{20, 70, 19}, {40, 13, 70}, {8, 64, 1100}}
	for _, kern := range blockedKernels() {
		for _, path := range []int{pathAuto, pathDirect, pathPacked, pathDot} {
			for _, threads := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/path=%d/threads=%d", kern.name, path, threads), func(t *testing.T) {
					for si, s := range addShapes {
						for tr := 0; tr < 4; tr++ {
							tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2],
								alpha: 1, beta: 1, pad: (si + tr) % 3 * 5}
							a, lda, b, ldb, c, ldc := tc.operands(rng)
							prod := make([]float32, len(c))
							p := newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 0, prod, ldc)
							p.run(kern, threads, path)
							want := slices.Clone(c)
							for i := 0; i < tc.m; i++ {
								for j := 0; j < tc.n; j++ {
									want[i*ldc+j] += prod[i*ldc+j]
								}
							}
							p = newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 1, c, ldc)
							p.addOnce = true
							p.run(kern, threads, path)
							sameBits(t, tc.String(), c, want)
						}
					}
				})
			}
		}
	}
	tc := gemmCase{transA: true, m: 256, n: 784, k: 128, alpha: 1, beta: 1, pad: 3}
	a, lda, b, ldb, c, ldc := tc.operands(rng)
	want := slices.Clone(c)
	prod := make([]float32, len(c))
	Sgemm(true, false, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 0, prod, ldc)
	for i := 0; i < tc.m; i++ {
		AddTo(want[i*ldc:i*ldc+tc.n], prod[i*ldc:i*ldc+tc.n])
	}
	SgemmAdd(true, false, tc.m, tc.n, tc.k, a, lda, b, ldb, c, ldc)
	sameBits(t, "SgemmAdd", c, want)
}
