package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// sgemmRef is the reference product, accumulated in float64.
func sgemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				ia, ib := i*lda+p, p*ldb+j
				if transA {
					ia = p*lda + i
				}
				if transB {
					ib = j*ldb + p
				}
				s += float64(a[ia]) * float64(b[ib])
			}
			x := &c[i*ldc+j]
			if beta == 0 {
				*x = float32(float64(alpha) * s)
			} else {
				*x = float32(float64(alpha)*s + float64(beta)*float64(*x))
			}
		}
	}
}

// gemmCase is one product with its layout: pad widens each leading
// dimension and off shifts each matrix's start within its slice.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad, off       int
	// ld, when not 0, is every leading dimension in place of the
	// stored width plus pad.
	ld int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v/tB=%v/%dx%dx%d/alpha=%g/beta=%g/pad=%d/off=%d", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad, tc.off)
}

// operands builds random A, B and C for tc; C's padding holds a sentinel
// and, when beta is 0, its body holds NaN, which must be overwritten.
func (tc gemmCase) operands(rng *rand.Rand) (a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc = ac+tc.pad, bc+tc.pad, tc.n+tc.pad
	if tc.ld != 0 {
		lda, ldb, ldc = tc.ld, tc.ld, tc.ld
	}
	fill := func(rows, ld int) []float32 {
		x := make([]float32, tc.off+rows*ld)
		for i := range x {
			x[i] = rng.Float32()*2 - 1
		}
		return x
	}
	a, b, c = fill(ar, lda), fill(br, ldb), fill(tc.m, ldc)
	for i := range c {
		if i < tc.off || (i-tc.off)%ldc >= tc.n {
			c[i] = sentinel
		} else if tc.beta == 0 {
			c[i] = float32(math.NaN())
		}
	}
	return a[tc.off:], lda, b[tc.off:], ldb, c, ldc
}

const sentinel = 12345

// check runs one product through run and compares it with sgemmRef.
func (tc gemmCase) check(t *testing.T, rng *rand.Rand, run func(a []float32, lda int, b []float32, ldb int, c []float32, ldc int)) {
	t.Helper()
	a, lda, b, ldb, c, ldc := tc.operands(rng)
	want := append([]float32(nil), c...)
	sgemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want[tc.off:], ldc)
	run(a, lda, b, ldb, c[tc.off:], ldc)
	tol := 1e-5 * float64(tc.k+4) * float64(max(1, abs32(tc.alpha)+abs32(tc.beta)))
	bad := 0
	for i := range c {
		if d := math.Abs(float64(c[i] - want[i])); !(d <= tol) {
			if bad++; bad <= 3 {
				t.Errorf("%v: c[%d] = %g, want %g", tc, i, c[i], want[i])
			}
		}
	}
}

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }

// shapes covers edge tiles of every kernel (1..257), among them last row
// panels of one, four and eight rows, which the AVX-512 kernel reads in
// place, depths beyond one block and skinny products, among them dot
// products of one or two vectors with fewer, exactly or more than eight
// others.
var shapes = [][3]int{
	{1, 1, 1}, {2, 2, 2}, {3, 3, 3}, {7, 7, 7}, {15, 15, 15}, {16, 16, 16},
	{17, 17, 17}, {31, 31, 31}, {33, 33, 33}, {63, 63, 63}, {65, 65, 65},
	{127, 127, 127}, {255, 33, 257}, {257, 65, 31}, {33, 257, 63},
	{1, 257, 3}, {257, 1, 17}, {2, 127, 300}, {127, 2, 65}, {12, 32, 1},
	{24, 64, 9}, {6, 16, 520}, {13, 33, 0}, {0, 5, 3}, {4, 0, 3},
	{5, 2, 40}, {8, 1, 48}, {1, 9, 64}, {2, 17, 16}, {28, 40, 37}, {20, 70, 19},
}

// blockedKernels returns each available kernel as is and with tiny cache
// blocks, so that small tests cross every block boundary.
func blockedKernels() []*gemmKernel {
	var ks []*gemmKernel
	for _, k := range kernels {
		small := *k
		small.name += "-smallblocks"
		small.mc, small.kc, small.nc = 2*k.mr, 5, 3*k.nr
		ks = append(ks, k, &small)
	}
	return ks
}

func TestSgemmPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scalars := [][2]float32{{1, 0}, {0.5, 1}, {-1.5, 0.25}, {0, 2}}
	for _, kern := range blockedKernels() {
		for _, path := range []int{pathDirect, pathPacked, pathDot} {
			for _, threads := range []int{1, 2, 3} {
				name := fmt.Sprintf("%s/path=%d/threads=%d", kern.name, path, threads)
				t.Run(name, func(t *testing.T) {
					for si, s := range shapes {
						for tr := 0; tr < 4; tr++ {
							ab := scalars[(si+tr)%len(scalars)]
							tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2],
								alpha: ab[0], beta: ab[1], pad: (si + tr) % 3 * 5, off: (si * 7) % 5}
							tc.check(t, rng, func(a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
								p := newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
								p.run(kern, threads, path)
							})
						}
					}
				})
			}
		}
	}
}

// TestSgemmAliased runs products whose operands' rows (or columns, read
// transposed) lie 4 KiB apart, which the direct path reads from packed
// copies, split into parts on up to three threads.
func TestSgemmAliased(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, kern := range kernels {
		for _, threads := range []int{1, 2, 3} {
			for tr := 0; tr < 4; tr++ {
				tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: 61, n: 70, k: 300, alpha: 1, beta: 0.5, ld: aliasFloats}
				t.Run(fmt.Sprintf("%s/threads=%d/%v", kern.name, threads, tc), func(t *testing.T) {
					tc.check(t, rng, func(a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
						p := newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
						p.run(kern, threads, pathDirect)
					})
				})
			}
		}
	}
}

func TestSgemmAuto(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Shapes that pick each path: blocked, direct, dot products (one to
	// four rows or columns, or up to fifteen with a long k) and the narrow
	// kernel; the last shape checks the direct path with A read
	// transposed over a long k.
	shapes := [][3]int{{128, 256, 784}, {256, 10, 256}, {64, 64, 64}, {300, 200, 100}, {5, 600, 7},
		{256, 1, 512}, {256, 2, 1024}, {1, 256, 784}, {3, 70, 33}, {400, 390, 410},
		{32, 9, 676}, {15, 40, 517}, {40, 200, 1024}}
	for _, s := range shapes {
		for tr := 0; tr < 4; tr++ {
			tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0, pad: 3, off: 1}
			tc.check(t, rng, func(a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
				Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
			})
		}
	}
}

func TestSgemmBatched(t *testing.T) {
	defer SetThreads(0)
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []struct {
		batch, m, n, k       int
		shareA, shareB, sumC bool
		transA, transB       bool
		alpha, beta          float32
		pad                  int
	}{
		{batch: 5, m: 7, n: 9, k: 11, alpha: 1},
		{batch: 4, m: 33, n: 17, k: 65, shareA: true, transB: true, alpha: 0.5, beta: 1},
		{batch: 3, m: 64, n: 64, k: 64, shareB: true, transA: true, alpha: 2, beta: -1},
		{batch: 2, m: 300, n: 260, k: 270, transA: true, transB: true, alpha: 1, beta: 0.5},
		{batch: 6, m: 4, n: 3, k: 0, alpha: 1, beta: 2},
		{batch: 1, m: 1, n: 1, k: 1, alpha: 1},
		{batch: 9, m: 64, n: 32, k: 64, transA: true, alpha: 1, pad: 3},
		{batch: 7, m: 33, n: 65, k: 17, shareA: true, transA: true, alpha: -1, beta: 0.5, pad: 1},
		// Sums over the batch, with both orientations of the buffers, in
		// parallel (the last three) and not.
		{batch: 5, m: 7, n: 9, k: 11, sumC: true, alpha: 1},
		{batch: 4, m: 13, n: 40, k: 9, sumC: true, transB: true, alpha: 0.5, beta: 1, pad: 2},
		{batch: 3, m: 40, n: 13, k: 9, sumC: true, transA: true, transB: true, alpha: 2, beta: -1},
		{batch: 6, m: 4, n: 3, k: 0, sumC: true, alpha: 1, beta: 2},
		{batch: 1, m: 5, n: 6, k: 7, sumC: true, transB: true, alpha: 1},
		{batch: 16, m: 64, n: 288, k: 121, sumC: true, transB: true, alpha: 1, pad: 1},
		{batch: 16, m: 32, n: 9, k: 676, sumC: true, transB: true, shareA: true, alpha: 1, beta: 1},
		{batch: 15, m: 65, n: 97, k: 130, sumC: true, transA: true, shareB: true, alpha: 0.25, beta: 0.5},
	}
	for _, tc := range cases {
		name := fmt.Sprintf("%+v", tc)
		ar, ac, br, bc := tc.m, tc.k, tc.k, tc.n
		if tc.transA {
			ar, ac = ac, ar
		}
		if tc.transB {
			br, bc = bc, br
		}
		lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
		sa, sb, sc := ar*lda+tc.pad, br*ldb, tc.m*ldc+2
		if tc.shareA {
			sa = 0
		}
		if tc.shareB {
			sb = 0
		}
		if tc.sumC {
			sc = 0
		}
		rnd := func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = rng.Float32() - 0.5
			}
			return x
		}
		a, b, c := rnd(max(sa, ar*lda)*tc.batch), rnd(max(sb, br*ldb)*tc.batch), rnd(max(sc, tc.m*ldc)*tc.batch)
		want := append([]float32(nil), c...)
		for i := 0; i < tc.batch; i++ {
			beta := tc.beta
			if tc.sumC && i > 0 {
				beta = 1
			}
			sgemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a[i*sa:], lda, b[i*sb:], ldb, beta, want[i*sc:], ldc)
		}
		for _, threads := range []int{1, 3} {
			SetThreads(threads)
			got := append([]float32(nil), c...)
			SgemmBatched(tc.transA, tc.transB, tc.batch, tc.m, tc.n, tc.k, tc.alpha, a, lda, sa, b, ldb, sb, tc.beta, got, ldc, sc)
			for i := range got {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*float64(tc.batch*tc.k+1) {
					t.Fatalf("%s/threads=%d: c[%d] = %g, want %g", name, threads, i, got[i], want[i])
				}
			}
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	x := make([]float32, 16)
	cases := []struct {
		name string
		f    func()
	}{
		{"short A", func() { Sgemm(false, false, 4, 4, 4, 1, x[:15], 4, x, 4, 0, make([]float32, 16), 4) }},
		{"short C", func() { Sgemm(false, false, 4, 4, 4, 1, x, 4, x, 4, 0, x[:10], 4) }},
		{"small lda", func() { Sgemm(true, false, 4, 4, 4, 1, x, 3, x, 4, 0, make([]float32, 16), 4) }},
		{"negative size", func() { Sgemm(false, false, -1, 4, 4, 1, x, 4, x, 4, 0, x, 4) }},
		{"overlapping C", func() { SgemmBatched(false, false, 2, 2, 2, 2, 1, x, 2, 0, x, 2, 0, 0, make([]float32, 16), 2, 3) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.f()
		})
	}
}

func TestParallelFor(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 64} {
		hits := make([]int, n)
		parallelFor(n, func(i int) {
			// Nested calls must not deadlock, however busy the pool is.
			parallelFor(3, func(int) {})
			hits[i]++
		})
		for i, h := range hits {
			if h != 1 {
				t.Errorf("n=%d: index %d ran %d times", n, i, h)
			}
		}
	}
}

// Parallel and ParallelParts cover every index once, in up to one range
// a thread and chunksPerThread ranges a thread.
func TestParallel(t *testing.T) {
	defer SetThreads(0)
	for _, c := range []struct {
		name   string
		par    func(int, func(lo, hi int))
		ranges func(threads int) int
	}{
		{"Parallel", Parallel, func(threads int) int { return threads }},
		{"ParallelParts", ParallelParts, parts},
	} {
		for _, threads := range []int{1, 2, 3} {
			SetThreads(threads)
			for _, n := range []int{0, 1, 2, 5, 100} {
				hits := make([]int, n)
				calls := 0
				var mu sync.Mutex
				c.par(n, func(lo, hi int) {
					if lo >= hi || lo < 0 || hi > n {
						t.Errorf("%s threads=%d n=%d: range [%d, %d)", c.name, threads, n, lo, hi)
						return
					}
					mu.Lock()
					calls++
					mu.Unlock()
					for i := lo; i < hi; i++ {
						hits[i]++
					}
				})
				for i, h := range hits {
					if h != 1 {
						t.Errorf("%s threads=%d n=%d: index %d covered %d times", c.name, threads, n, i, h)
					}
				}
				if want := min(c.ranges(threads), n); calls != want {
					t.Errorf("%s threads=%d n=%d: %d ranges, want %d", c.name, threads, n, calls, want)
				}
			}
		}
	}
}

func TestSetThreads(t *testing.T) {
	defer SetThreads(0)
	SetThreads(3)
	if got := Threads(); got != 3 {
		t.Errorf("Threads() = %d after SetThreads(3)", got)
	}
	SetThreads(0)
	if got, want := Threads(), runtime.GOMAXPROCS(0); got != want {
		t.Errorf("Threads() = %d after SetThreads(0), want GOMAXPROCS %d", got, want)
	}
}

func FuzzSgemm(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(0), uint64(1))
	f.Add(uint8(33), uint8(17), uint8(65), uint8(3), uint64(2))
	f.Add(uint8(255), uint8(1), uint8(2), uint8(9), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, flags uint8, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 7))
		tc := gemmCase{transA: flags&1 != 0, transB: flags&2 != 0, m: int(m), n: int(n), k: int(k),
			alpha: float32(flags>>2&3) - 1, beta: float32(flags >> 4 & 3), pad: int(flags>>6) * 3, off: int(seed % 5)}
		tc.check(t, rng, func(a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
			Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
		})
	})
}

// TestMicroKernelEdges checks every partial tile of every micro-kernel,
// without a bias and with one on columns or on rows: the mv-by-nv corner
// gets alpha*A*B + bias + beta*C and nothing else changes.
func TestMicroKernelEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const kc, ldc = 5, 40
	for _, kern := range kernels {
		a, b := make([]float32, kern.mr*kc), make([]float32, kc*kern.nr)
		for i := range a {
			a[i] = rng.Float32() - 0.5
		}
		for i := range b {
			b[i] = rng.Float32() - 0.5
		}
		for _, beta := range []float32{0, 0.5} {
			for bi, rows := range []bool{false, false, true} {
				for mv := 1; mv <= kern.mr; mv++ {
					for nv := 1; nv <= kern.nr; nv++ {
						c := make([]float32, kern.mr*ldc)
						for i := range c {
							c[i] = sentinel
						}
						want := append([]float32(nil), c...)
						sgemmRef(false, false, mv, nv, kc, 2, a, kc, b, kern.nr, beta, want, ldc)
						var bias tileBias
						if bi > 0 {
							// Exactly the tile's values: reading past them shows.
							bias = tileBias{v: make([]float32, nv), rows: rows}
							if rows {
								bias.v = make([]float32, mv)
							}
							for i := range bias.v {
								bias.v[i] = rng.Float32()
							}
							for i := 0; i < mv; i++ {
								for j := 0; j < nv; j++ {
									want[i*ldc+j] += bias.of(i, j)
								}
							}
						}
						// A is stored row by row here: element (i,p) at i*kc+p.
						kern.fn(kc, a, kc, 1, b, kern.nr, c, ldc, mv, nv, 2, beta, bias)
						for i := range c {
							if d := math.Abs(float64(c[i] - want[i])); d > 1e-3 {
								t.Fatalf("%s: mv=%d nv=%d beta=%g bias=%d: c[%d] = %g, want %g", kern.name, mv, nv, beta, bi, i, c[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

// TestSgemmBias checks a bias on the columns or on the rows of C, added
// by the product as it stores C, on every path, kernel and thread count:
// with beta 0 the result must equal, bit for bit, the product with beta
// 1 added to a C that holds the bias; with beta 0.5 it is compared with
// the reference.
func TestSgemmBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	biasShapes := [][3]int{{1, 1, 1}, {13, 33, 0}, {33, 65, 63}, {65, 33, 31}, {127, 2, 65}, {5, 2, 40},
		{2, 40, 70}, {20, 70, 19}, {40, 13, 70}, {4, 100, 40}}
	for _, kern := range blockedKernels() {
		for _, path := range []int{pathAuto, pathDirect, pathPacked, pathDot} {
			for _, threads := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/path=%d/threads=%d", kern.name, path, threads), func(t *testing.T) {
					for si, s := range biasShapes {
						for tr := 0; tr < 4; tr++ {
							rows := (si+tr)%2 == 0
							tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2],
								alpha: float32(1 + si%2), pad: (si + tr) % 3 * 5}
							a, lda, b, ldb, c, ldc := tc.operands(rng)
							bias := tileBias{v: make([]float32, tc.n), rows: rows}
							if rows {
								bias.v = make([]float32, tc.m)
							}
							for i := range bias.v {
								bias.v[i] = rng.Float32() - 0.5
							}
							want := slices.Clone(c)
							for i := 0; i < tc.m; i++ {
								for j := 0; j < tc.n; j++ {
									want[i*ldc+j] = bias.of(i, j)
								}
							}
							p := newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, 1, want, ldc)
							p.run(kern, threads, path)
							p = newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, 0, c, ldc)
							p.bias = bias
							p.run(kern, threads, path)
							sameBits(t, fmt.Sprintf("%v/rows=%v", tc, rows), c, want)

							tc.beta = 0.5
							tc.check(t, rng, func(a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
								p := newGemmArgs(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
								for i := 0; i < tc.m; i++ {
									for j := 0; j < tc.n; j++ {
										c[i*ldc+j] -= bias.of(i, j) / tc.beta // the reference adds beta*C
									}
								}
								p.bias = bias
								p.run(kern, threads, path)
							})
						}
					}
				})
			}
		}
	}
}

func TestChunkGrid(t *testing.T) {
	cases := []struct {
		threads, rowPanels, colPanels, tileWork int
		tm, tn                                  int
	}{
		{2, 1, 1, 100, 1, 1},                    // too little work to split
		{2, 22, 4, 128 * 384, 2, 4},             // 256x128x128: column strips, then rows
		{2, 11, 13, 784 * 384, 1, 8},            // wide: column strips only
		{3, 40, 1, 1000 * 384, 12, 1},           // one column panel: rows only
		{2, 3, 2, 1 << 20, 3, 2},                // fewer tiles than wanted chunks
		{4, 100, 100, minChunkWork / 10, 1, 16}, // capped at 4 chunks per thread
	}
	for _, tc := range cases {
		tm, tn := chunkGrid(tc.threads, tc.rowPanels, tc.colPanels, tc.tileWork)
		if tm != tc.tm || tn != tc.tn {
			t.Errorf("chunkGrid(%d, %d, %d, %d) = %d, %d; want %d, %d", tc.threads, tc.rowPanels, tc.colPanels, tc.tileWork, tm, tn, tc.tm, tc.tn)
		}
	}
}

// TestPackPanels compares packPanels with a direct reading of its layout
// for both operand orientations, partial panels and depths on either side
// of the sixteen-step squares of the transposing copy.
func TestPackPanels(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, width := range []int{4, 12, 16, 32} {
		for _, rows := range []int{1, 5, 16, 17, 33, 48} {
			for _, kc := range []int{1, 15, 16, 17, 40, 64} {
				for _, contiguous := range []bool{true, false} {
					const r0, p0, pad = 3, 2, 5
					rs, cs := kc+p0+pad, 1 // rows contiguous along k
					if !contiguous {
						rs, cs = 1, rows+r0+pad
					}
					src := make([]float32, (r0+rows)*rs+(p0+kc)*cs)
					for i := range src {
						src[i] = rng.Float32()
					}
					panels := ceilDiv(rows, width)
					dst := make([]float32, panels*kc*width)
					for i := range dst {
						dst[i] = float32(math.NaN())
					}
					packPanels(dst, src, rs, cs, r0, rows, p0, kc, width)
					for q := 0; q < panels; q++ {
						for p := 0; p < kc; p++ {
							for r := 0; r < width; r++ {
								var want float32
								if row := q*width + r; row < rows {
									want = src[(r0+row)*rs+(p0+p)*cs]
								}
								if got := dst[q*kc*width+p*width+r]; got != want {
									t.Fatalf("width=%d rows=%d kc=%d contiguous=%v: panel %d (%d,%d) = %g, want %g", width, rows, kc, contiguous, q, p, r, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
}
