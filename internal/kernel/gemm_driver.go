package kernel

// microKernel multiplies an mr-by-kc block of A by a kc-by-nr block of B
// and stores C = alpha*A*B + bias + beta*C for the first mv rows and nv
// columns of one mr-by-nr tile of C, with C overwritten when beta is 0;
// the rest of the tile is not touched. Element (i,p) of A is
// a[i*rsa+p*csa], row p of B starts at b[p*rsb] and row i of C at
// c[i*ldc]; B's and C's rows are contiguous.
type microKernel func(kc int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc, mv, nv int, alpha, beta float32, bias tileBias)

// tileBias is the bias a tile of C takes as it is stored: v[j] on each
// value of column j of the tile, or with rows v[i] on each value of row
// i; a nil v adds nothing. v starts at the tile's first column (row) and
// holds at least its nv (mv) values.
type tileBias struct {
	v    []float32
	rows bool
}

// at returns the bias of the tile of C whose origin is row i, column j.
func (b tileBias) at(i, j int) tileBias {
	switch {
	case b.v == nil:
	case b.rows:
		b.v = b.v[i:]
	default:
		b.v = b.v[j:]
	}
	return b
}

// of returns the bias value of element (i,j) of the tile.
func (b tileBias) of(i, j int) float32 {
	if b.rows {
		return b.v[i]
	}
	return b.v[j]
}

// gemmKernel is a micro-kernel with the tile it computes and the cache
// blocking that suits it.
type gemmKernel struct {
	name   string
	mr, nr int // register tile: rows and columns of C per call
	mc     int // rows of A packed per block (the block stays in L2)
	kc     int // depth per block (a kc-by-nr panel of B stays in L1)
	nc     int // columns of B packed per block (shared by all threads)
	fn     microKernel
	// partial lists, in increasing order, the row counts below mr for
	// which fn reads only the first that many rows of A; for a tile of
	// other row counts it reads mr rows.
	partial []int
}

// rowsRead returns how many rows of A kern's micro-kernel reads for a
// tile of mv rows.
func (kern *gemmKernel) rowsRead(mv int) int {
	for _, r := range kern.partial {
		if mv <= r {
			return r
		}
	}
	return kern.mr
}

// tile computes one tile of C at c (already offset to the tile's origin)
// of which mv rows and nv columns lie inside C. Tiles of a transposed C go
// through tmp, an mr-by-nr scratch tile.
func (kern *gemmKernel) tile(kc int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, rsc, csc, mv, nv int, alpha, beta float32, bias tileBias, tmp []float32) {
	if csc == 1 {
		kern.fn(kc, a, rsa, csa, b, rsb, c, rsc, mv, nv, alpha, beta, bias)
		return
	}
	kern.fn(kc, a, rsa, csa, b, rsb, tmp, kern.nr, kern.mr, kern.nr, 1, 0, tileBias{})
	addTile(c, rsc, csc, tmp, kern.nr, mv, nv, alpha, beta, bias)
}

// addTile sets the mv-by-nv block C = alpha*T + bias + beta*C, where T
// has row stride ldt and C(i,j) is c[i*rsc+j*csc]; beta 0 overwrites C.
func addTile(c []float32, rsc, csc int, t []float32, ldt, mv, nv int, alpha, beta float32, bias tileBias) {
	for i := 0; i < mv; i++ {
		ti := t[i*ldt : i*ldt+nv]
		ci := c[i*rsc:]
		for j, v := range ti {
			x := &ci[j*csc]
			v *= alpha
			if bias.v != nil {
				v += bias.of(i, j)
			}
			if beta == 0 {
				*x = v
			} else {
				*x = v + beta**x
			}
		}
	}
}

// gemmDirect runs the micro-kernel on A and B in place, packing only what
// it cannot read directly: partial panels and a B whose columns are strided.
// It suits products too small to repay packing. With more than one thread
// C is cut into a grid of chunks, several per thread, which the threads
// claim as they go: a thread that starts late or is preempted then costs
// little, and each chunk packs only what it needs itself.
func gemmDirect(kern *gemmKernel, p *gemmArgs, threads int) {
	mr, nr := kern.mr, kern.nr
	rowPanels, colPanels := ceilDiv(p.m, mr), ceilDiv(p.n, nr)
	tm, tn := 1, 1
	if threads > 1 {
		tm, tn = chunkGrid(threads, rowPanels, colPanels, p.k*mr*nr)
	}
	p.mapParts(tm, tn)
	parallelFor(tm*tn, func(t int) {
		ti, tj := t%tm, t/tm
		p.directPart(kern, ti*rowPanels/tm*mr, min(p.m, (ti+1)*rowPanels/tm*mr),
			tj*colPanels/tn*nr, min(p.n, (tj+1)*colPanels/tn*nr))
	})
	if !p.epiParts {
		p.mapBlock(0, p.m, 0, p.n)
	}
}

// Products on several threads are cut into chunksPerThread parts per
// thread (see parts); gemmDirect's chunks are none below minChunkWork
// multiply-adds (a few microseconds of work).
const (
	chunksPerThread = 4
	minChunkWork    = 1 << 18
)

// parts returns how many parts work on threads goroutines is cut into,
// to be claimed as threads come free: several per thread, so that a
// thread that starts late or loses its core for a moment holds up little.
func parts(threads int) int {
	if threads <= 1 {
		return 1
	}
	return threads * chunksPerThread
}

// chunkGrid cuts rowPanels-by-colPanels register tiles, each tileWork
// multiply-adds, into a tm-by-tn grid of chunks. It splits columns first:
// a column strip packs its panels of B once, however many rows it spans.
func chunkGrid(threads, rowPanels, colPanels, tileWork int) (tm, tn int) {
	chunks := min(parts(threads), rowPanels*colPanels*tileWork/minChunkWork)
	chunks = max(chunks, 1)
	tn = min(colPanels, chunks)
	tm = min(rowPanels, max(1, chunks/tn))
	return tm, tn
}

// directPart computes rows r0..r1 and columns c0..c1 of C for gemmDirect.
func (p *gemmArgs) directPart(kern *gemmKernel, r0, r1, c0, c1 int) {
	if r0 >= r1 || c0 >= c1 {
		return
	}
	n := directScratch(kern, p.k)
	if aliases(p.rsa, p.csa) {
		n += aCopyScratch(kern, r1-r0, p.k)
	}
	buf := getBuf(n)
	defer putBuf(buf)
	p.directPartIn(kern, r0, r1, c0, c1, buf)
}

// directScratch is the scratch that directPartIn needs for depth k.
func directScratch(kern *gemmKernel, k int) int { return k*(kern.mr+kern.nr) + kern.mr*kern.nr }

// Row blocks of the direct path (see directPartIn): for an op(B) of at
// most rowBlockMaxB values (512 KiB), rows of A in blocks of about
// rowBlockFloats values (128 KiB, which measured best against 32 to 256).
// A transformer's input gradient through its 512 -> 128 layer, 2048 x
// 512 x 128, ran at 80 GFLOP/s on one Zen 4 core sweeping all of A for
// each column panel and 88 in row blocks; 2048 x 128 x 512 at 102 and
// 107 (thread CPU time, medians of 7 on a loaded machine).
const (
	rowBlockMaxB   = 1 << 17
	rowBlockFloats = 1 << 15
)

// aliasFloats is the distance (4 KiB) whose multiples put addresses in one
// set of an L1 data cache of 64 sets of 64-byte lines. The micro-kernel
// reads up to 12 rows of A side by side and the kc rows of a panel of B
// one after the other, more than a set's 8 ways hold: read in place at
// such strides they evict each other at every step of the sum. The
// weight of a 64->128 4x4 convolution, 128 x 1024, times 392 columns ran
// at 95 GFLOP/s on one Zen 4 core read in place, 101 from a copy; read
// transposed, times 128 x 392, the copy cost about what it saved alone
// and saved 4% inside Conv.InputGrad, whose products read a block of its
// rows each. Rows 2 KiB apart ran as fast in place as copied.
const aliasFloats = 1024

// aliases reports whether a matrix with element strides rs and cs, one
// of them 1, is read along lines a multiple of aliasFloats apart.
func aliases(rs, cs int) bool { return max(rs, cs)%aliasFloats == 0 }

// aCopyWidth is the row length of the copy of rows of A that directPartIn
// reads in place of an A that aliases: the rows side by side, k rows
// of them (A transposed), whole cache lines long and not aliasing.
func aCopyWidth(rows int) int {
	w := roundUp(rows, 16)
	if aliases(w, 1) {
		w += 16
	}
	return w
}

// aCopyScratch is the scratch for that copy: its mr values past the end
// are read, never used, by the tiles of the last rows.
func aCopyScratch(kern *gemmKernel, rows, k int) int { return aCopyWidth(rows)*k + kern.mr }

// directPartIn is directPart with its scratch, directScratch values, in
// buf. When A aliases and buf holds aCopyScratch values more, the part's
// rows of A are copied first, transposed (which for an A read transposed
// is a copy of whole rows, and otherwise runs on the transposing loops of
// packPanel), and read from the copy.
func (p *gemmArgs) directPartIn(kern *gemmKernel, r0, r1, c0, c1 int, buf []float32) {
	mr, nr, k := kern.mr, kern.nr, p.k
	bpk, apk, tmp := buf[:k*nr], buf[k*nr:k*(nr+mr)], buf[k*(nr+mr):directScratch(kern, k)]
	// The last row panel is copied, padded to mr rows, unless the
	// micro-kernel reads exactly its rows (tiles of a transposed C go
	// through a whole scratch tile, which reads mr rows).
	mFull := r0 + (r1-r0)/mr*mr
	// Row i of A starts at a[(i-a0)*rsa].
	a, a0, rsa, csa := p.a, 0, p.rsa, p.csa
	if aliases(p.rsa, p.csa) && len(buf) >= directScratch(kern, k)+aCopyScratch(kern, r1-r0, k) {
		w := aCopyWidth(r1 - r0)
		a, a0, rsa, csa, mFull = buf[directScratch(kern, k):], r0, 1, w, r1
		packPanels(a, p.a, p.rsa, p.csa, r0, r1-r0, 0, k, w)
	} else if tail := r1 - mFull; tail > 0 && p.csc == 1 && kern.rowsRead(tail) == tail {
		mFull = r1
	} else if tail > 0 {
		packPanels(apk, p.a, p.rsa, p.csa, mFull, tail, 0, k, mr)
	}
	// Where op(B) is read in place (but for a last, partial panel) and
	// small enough to stay in L2, the rows go in blocks of about
	// rowBlockFloats values of A, each block swept for every column
	// panel while it is in cache, rather than all of A for each panel.
	mb := r1 - r0
	if p.csb == 1 && !aliases(p.rsb, p.csb) && k*(c1-c0) <= rowBlockMaxB {
		mb = max(mr, rowBlockFloats/k/mr*mr)
	}
	packed := -1 // the column panel bpk holds: row blocks pack only the last
	for ib := r0; ib < r1; ib += mb {
		for j0 := c0; j0 < c1; j0 += nr {
			nv := min(nr, c1-j0)
			b, rsb := p.b[j0*p.csb:], p.rsb
			if p.csb != 1 || nv < nr || aliases(p.rsb, p.csb) {
				if packed != j0 {
					packPanels(bpk, p.b, p.csb, p.rsb, j0, nv, 0, k, nr)
					packed = j0
				}
				b, rsb = bpk, nr
			}
			for i0 := ib; i0 < min(r1, ib+mb); i0 += mr {
				mv := min(mr, r1-i0)
				ai, rsai, csai := a[(i0-a0)*rsa:], rsa, csa
				if i0 >= mFull {
					ai, rsai, csai = apk, 1, mr
				}
				kern.tile(k, ai, rsai, csai, b, rsb, p.c[i0*p.rsc+j0*p.csc:], p.rsc, p.csc, mv, nv, p.alpha, p.beta, p.bias.at(i0, j0), tmp)
			}
		}
	}
	if p.epiParts {
		p.mapPart(r0, r1, c0, c1)
	}
}

// gemmPacked is the blocked product: for each nc-wide block of columns and
// kc-deep slice of k, the threads pack op(B) into kc-by-nr panels together,
// then each packs the rows of op(A) of the parts of C it claims into
// mr-by-kc panels and runs the micro-kernel over them. Both steps are cut
// into several parts per thread, claimed as threads come free: with one
// part per thread, a thread that lost its core for a moment (on a machine
// shared with other work) held up the whole product, which made large
// products run at anything from half to full speed from one run to the
// next.
func gemmPacked(kern *gemmKernel, p *gemmArgs, threads int) {
	mr, nr := kern.mr, kern.nr
	nc := min(kern.nc, roundUp(p.n, nr))
	kc := ceilDiv(p.k, ceilDiv(p.k, kern.kc)) // equal depth blocks, none a sliver
	if p.addOnce && kc < p.k {
		p.addApart(kern, threads)
		return
	}
	bufB := getBuf(kc * roundUp(nc, nr))
	defer putBuf(bufB)
	// Parts are whole rows of C only with one block of columns.
	_, colParts := splitGrid(parts(threads), p.m, nc, mr, nr)
	p.epiParts = p.csc == 1 && nc >= p.n && colParts == 1
	for jc := 0; jc < p.n; jc += nc {
		ncur := min(nc, p.n-jc)
		panels := ceilDiv(ncur, nr)
		tm, tn := splitGrid(parts(threads), p.m, ncur, mr, nr)
		for pc := 0; pc < p.k; pc += kc {
			kcur := min(kc, p.k-pc)
			beta := p.beta
			if pc > 0 {
				beta = 1
			}
			nt := min(parts(threads), panels)
			parallelFor(nt, func(t int) {
				q0, q1 := t*panels/nt, (t+1)*panels/nt
				j0 := jc + q0*nr
				packPanels(bufB[q0*kcur*nr:], p.b, p.csb, p.rsb, j0, min(q1*nr, ncur)-q0*nr, pc, kcur, nr)
			})
			parallelFor(tm*tn, func(t int) {
				rowPanels := ceilDiv(p.m, mr)
				ti, tj := t/tn, t%tn
				r0 := ti * rowPanels / tm * mr
				r1 := min(p.m, (ti+1)*rowPanels/tm*mr)
				p.packedPart(kern, bufB, jc, ncur, pc, kcur, r0, r1, tj*panels/tn, (tj+1)*panels/tn, beta)
			})
		}
	}
	if !p.epiParts {
		p.mapBlock(0, p.m, 0, p.n)
	}
}

// addApart is gemmPacked for a product whose depth blocks would each add
// their sum into C in turn, where addOnce wants C added to the whole
// product: it computes the product into a scratch matrix and adds that
// to C, at the bits of beta 1. The scratch is laid out as C is (a
// transposed C takes its tiles through the micro-kernel's scratch tile,
// a dense one in place, whose partial tiles may run on a kernel of fewer
// rows), so that the product has the bits it has alone.
func (p *gemmArgs) addApart(kern *gemmKernel, threads int) {
	tmp := getBuf(p.m * p.n)
	defer putBuf(tmp)
	q := *p
	q.c, q.rsc, q.csc, q.beta, q.addOnce = tmp, p.n, 1, 0, false
	if p.csc != 1 {
		q.rsc, q.csc = 1, p.m
	}
	gemmPacked(kern, &q, threads)
	if p.csc == 1 && p.rsc == p.n {
		AddTo(p.c[:p.m*p.n], tmp)
		return
	}
	for i := 0; i < p.m; i++ {
		if p.csc == 1 {
			AddTo(p.c[i*p.rsc:i*p.rsc+p.n], tmp[i*p.n:(i+1)*p.n])
			continue
		}
		for j := 0; j < p.n; j++ {
			p.c[i*p.rsc+j*p.csc] += tmp[i+j*p.m]
		}
	}
}

// packedPart computes rows r0..r1 of C against B panels q0..q1 of the
// current block, packing those rows of op(A) mc at a time.
func (p *gemmArgs) packedPart(kern *gemmKernel, bufB []float32, jc, ncur, pc, kcur, r0, r1, q0, q1 int, beta float32) {
	if r0 >= r1 || q0 >= q1 {
		return
	}
	mr, nr := kern.mr, kern.nr
	rows := r1 - r0
	mc := roundUp(ceilDiv(rows, ceilDiv(rows, kern.mc)), mr)
	buf := getBuf(mc*kcur + mr*nr)
	defer putBuf(buf)
	bufA, tmp := buf[:mc*kcur], buf[mc*kcur:]
	var bias tileBias // the first depth block adds it
	if pc == 0 {
		bias = p.bias
	}
	for ic := r0; ic < r1; ic += mc {
		mcur := min(mc, r1-ic)
		packPanels(bufA, p.a, p.rsa, p.csa, ic, mcur, pc, kcur, mr)
		for q := q0; q < q1; q++ {
			j0 := jc + q*nr
			nv := min(nr, jc+ncur-j0)
			bq := bufB[q*kcur*nr:]
			for ir := 0; ir < mcur; ir += mr {
				i := ic + ir
				kern.tile(kcur, bufA[ir*kcur:], 1, mr, bq, nr, p.c[i*p.rsc+j0*p.csc:], p.rsc, p.csc, min(mr, mcur-ir), nv, p.alpha, beta, bias.at(i, j0), tmp)
			}
		}
		if p.epiParts && pc+kcur == p.k {
			p.mapPart(ic, ic+mcur, jc+q0*nr, min(jc+ncur, jc+q1*nr))
		}
	}
}

// splitGrid divides an m-by-n block of C into about parts parts as a
// tm-by-tn grid of whole register tiles. It splits rows first: row parts
// share the packed B, while each column part packs the rows of A again.
func splitGrid(parts, m, n, mr, nr int) (tm, tn int) {
	tm = min(ceilDiv(m, mr), parts)
	tn = min(ceilDiv(n, nr), max(1, parts/tm))
	return tm, tn
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }
