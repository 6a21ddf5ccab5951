package kernel

// A 4x4 window of stride 2 and padding 1 splits by the parity (p, q) of
// its taps' rows and columns into four 2x2 windows of stride 1 over the
// four phases of the padded image, X_pq[s, t] = xpad[2s+p, 2t+q]: the
// convolution is a 2x2 stride-1 one of 4C channels, which F(4x4, 2x2)
// computes with half the direct products' multiplications on 7x7 maps
// (dcgan's 64->128 layer: 25 products of [tiles, 4C] by [4C, O], 419
// MFLOP for 64 images, against 822 for the unfolded product). The input
// gradient and the weight gradient take the adjoint transforms (see
// wino.go) and products of the same sizes.
//
// Forward, ForwardMap, InputGrad, InputGradAct, WeightGrad, Backward,
// BackwardAct and ForwardWeightGrad take this path for such windows
// where C*O is at least winoMinCO (see Conv.wino): in the workloads,
// dcgan's 64->128 Conv2d and 128->64 ConvTranspose2d; its 1->64 and
// 64->1 layers and every 3x3 layer keep the unfolded products, as do
// ForwardMaxPool and BackwardMaxPool (so that they give the bits of
// Forward and Backward only where those are unfolded too). Its results
// differ from the unfolded product's in rounding: the transforms add
// and scale the inputs before they are multiplied, which loses a few
// more bits (Lavin and Gray's error analysis): up to 3e-6 of the
// largest output in the tests' shapes against float64 sums (the tests
// allow 1e-5), where the unfolded products' sums of small integers are
// exact. They do not depend on the thread count, and are the same at
// every level of loops (the AVX-512 transforms round as the portable
// ones). A chunk's images are transformed side by side on the threads
// the chunk runs on (winoImages), its products on all of them.
//
// The phases of a chunk of images are held channels last, [image,
// s, t, 4C], lane (p*2 + q)*C + c, the tiles' transforms then vector
// operations over the 4C lanes; the maps' tiles likewise over O lanes.

// winoMinCO is the product C*O of channels from which a 4x4, stride-2
// convolution takes minimal filtering. The transforms' work grows as
// C + O and the products' saving as C*O: at 28x28, batch 64, one core,
// a 16->32 layer (C*O = 512) ran its three products 10-18% faster so,
// an 8->16 layer (128) about twice slower (BenchmarkWino); dcgan's
// 1-channel layers (64) keep the unfolded products. A variable so that
// tests can force either path.
var winoMinCO = 512

// wino reports whether cv's products take minimal filtering.
func (cv Conv) wino() bool {
	g := cv.Win
	return g.KH == 4 && g.KW == 4 && g.StrideH == 2 && g.StrideW == 2 && g.PadH == 1 && g.PadW == 1 &&
		max(g.DilationH, 1) == 1 && max(g.DilationW, 1) == 1 && cv.C*cv.O >= winoMinCO
}

// winoChunkFloats is about the scratch values of a chunk of images: the
// phases, the transformed tiles and products of a few images, which
// stay in L2 between the transforms and the products, though the
// transformed weight is then read again for each chunk. dcgan's step
// with 3 images a chunk of its 64->128 layer: 123-132 ms of CPU at one
// thread, against 133-154 with 7, 123-159 with 11 and 128-151 with 32
// (three interleaved rounds each on the loaded machine).
const winoChunkFloats = 1 << 18

// winoDeepFloats is winoChunkFloats of WeightGrad, whose products sum
// over the tiles of a chunk: deeper sums, fewer passes over the
// transformed weight gradient. A variable so that tests can take several
// groups of chunks.
var winoDeepFloats = 1 << 22

// winoGradGroups is how many groups of chunks WeightGrad sums on its
// own before adding them in order (see weightGrad).
const winoGradGroups = 4

// winoGrid is the tiling of one image: its maps oh by ow, th by tw tiles
// of 4x4 outputs, read from a phase grid of rows by cols positions.
type winoGrid struct {
	oh, ow, th, tw, rows, cols int
}

// winoGrid returns the tiling of cv's images.
func (cv Conv) winoGrid() winoGrid {
	oh, ow, _, _ := cv.dims()
	th, tw := ceilDiv(oh, winoOut), ceilDiv(ow, winoOut)
	return winoGrid{oh, ow, th, tw, winoOut*th + 1, winoOut*tw + 1}
}

// winoChunks returns how many chunks of how many images each (the last
// may hold fewer) the N images fall into when an image takes winoChunk's
// scratch values and extra more and a chunk about budget, and the
// scratch values of a chunk: the count is rounded up to an even one
// where there are several, so that two threads mostly share them
// evenly, though the images shared out in whole chunks may then fill an
// odd count (5 images for 4 chunks: 2, 2 and 1).
func (cv Conv) winoChunks(extra, budget int) (n, cb, size int) {
	_, per := cv.winoChunkSize(0)
	per += extra
	n = 0
	if cv.N > 0 {
		n = ceilDiv(cv.N, max(1, budget/per))
	}
	if n > 1 {
		n = min(cv.N, roundUp(n, 2))
	}
	cb = max(1, ceilDiv(cv.N, max(n, 1)))
	size, _ = cv.winoChunkSize(cb)
	return ceilDiv(cv.N, cb), cb, size + cb*extra
}

// tiles returns the tiles of an image.
func (gr winoGrid) tiles() int { return gr.th * gr.tw }

// winoTile is a tile of vectors of lanes values: vector (k, l) at
// s[k*rs+l*cs:].
type winoTile struct {
	s      []float32
	rs, cs int
}

// at returns vector (k, l).
func (t winoTile) at(k, l, lanes int) []float32 { return t.s[k*t.rs+l*t.cs:][:lanes] }

// winoTransform sets out(i, j) to the sum of t(i, k) t(j, l) in(k, l),
// vectors of lanes values, for i, j < t.rows, with tmp for t.cols*t.rows
// of them (see winoApply).
func winoTransform(t winoMatrix, in, out winoTile, lanes int, tmp []float32) {
	if winoTileVec != nil {
		winoTileVec(t, in, out, lanes)
		return
	}
	winoApply(t, in, out, lanes, tmp)
}

// winoStep returns the values between the 25 matrices of n values each
// that the products take at once: n rounded up to a whole number of
// cache lines, plus one where that number is even, so that the matrices
// do not start a multiple of 128 bytes apart (dcgan's are 32 or 45 KiB):
// a tile's 25 vectors, one in each, would otherwise share a few cache
// sets.
func winoStep(n int) int {
	s := roundUp(n, 16)
	if s/16%2 == 0 {
		s += 16
	}
	return s
}

// take returns the first n values of *buf and moves *buf past them.
func take(buf *[]float32, n int) []float32 {
	s := (*buf)[:n]
	*buf = (*buf)[n:]
	return s
}

// winoImages runs f(b, xt, zt, tmp) on images b0..b1, split across
// threads as cv.images splits them, each call with scratch of its own:
// xt for an image's values channels last, zt for a tile's 25 vectors
// and tmp for winoTransform's.
func (cv Conv) winoImages(b0, b1, threads int, f func(b int, xt, zt, tmp []float32)) {
	lanes := max(4*cv.C, cv.O)
	cv.images(b0, b1, threads, func(b int) {
		buf := getBuf(cv.C*cv.H*cv.W + 2*winoPos*lanes)
		defer putBuf(buf)
		xt := take(&buf, cv.C*cv.H*cv.W)
		zt := take(&buf, winoPos*lanes)
		f(b, xt, zt, buf)
	})
}

// winoChunk holds the scratch of a chunk of nb images, nt tiles: their
// phases d, transformed input tiles v and transformed map tiles m (the
// 25 matrices of each vs and ms values apart), and the maps' values
// channels last, g, [nb*l, O].
type winoChunk struct {
	nb, nt     int
	vs, ms     int
	d, v, m, g []float32
}

// winoChunkSize returns the scratch values of a chunk of cb images, per
// image per of them (see winoChunk).
func (cv Conv) winoChunkSize(cb int) (size, per int) {
	gr := cv.winoGrid()
	per = gr.rows*gr.cols*4*cv.C + winoPos*gr.tiles()*(4*cv.C+cv.O) + gr.oh*gr.ow*cv.O
	return cb*per + winoPos*64, per
}

// winoChunk slices the scratch of images b0..b1 from buf (see
// winoChunkSize) and returns it with the rest of buf.
func (cv Conv) winoChunk(buf []float32, b0, b1 int) (winoChunk, []float32) {
	gr := cv.winoGrid()
	lanes := 4 * cv.C
	c := winoChunk{nb: b1 - b0, nt: (b1 - b0) * gr.tiles()}
	c.vs, c.ms = winoStep(c.nt*lanes), winoStep(c.nt*cv.O)
	c.d = take(&buf, c.nb*gr.rows*gr.cols*lanes)
	c.v = take(&buf, winoPos*c.vs)
	c.m = take(&buf, winoPos*c.ms)
	c.g = take(&buf, c.nb*gr.oh*gr.ow*cv.O)
	return c, buf
}

// winoPhases sets d [b1-b0, rows, cols, 4C] to the phases of images
// b0..b1 of x, zero where they fall on the padding, given xt for an
// image's values channels last.
func (cv Conv) winoPhases(d, x, xt []float32, b0, b1 int, gr winoGrid) {
	lanes, hw := 4*cv.C, cv.H*cv.W
	for b := b0; b < b1; b++ {
		transposeInto(xt, x[b*cv.C*hw:], cv.C, hw)
		db := d[(b-b0)*gr.rows*gr.cols*lanes:]
		for s := range gr.rows {
			for t := range gr.cols {
				for pq := range 4 {
					dst := db[(s*gr.cols+t)*lanes+pq*cv.C:][:cv.C]
					r, w := 2*s+pq/2-1, 2*t+pq%2-1
					if r >= 0 && r < cv.H && w >= 0 && w < cv.W {
						copy(dst, xt[(r*cv.W+w)*cv.C:])
					} else {
						clear(dst)
					}
				}
			}
		}
	}
}

// winoPixels calls f(at, pos) for each pixel of an image: pos its place
// in the image, at the place of its channels in the image's phases.
func (cv Conv) winoPixels(gr winoGrid, f func(at, pos int)) {
	lanes := 4 * cv.C
	for r := range cv.H {
		for w := range cv.W {
			at := ((r+1)/2*gr.cols+(w+1)/2)*lanes + ((r+1)%2*2+(w+1)%2)*cv.C
			f(at, r*cv.W+w)
		}
	}
}

// winoUnphase sets images b0..b1 of dx to their phases in d, the
// inverse of winoPhases, plus bias [C] when it is not nil, given xt for
// an image's values channels last.
func (cv Conv) winoUnphase(dx, d, xt []float32, b0, b1 int, gr winoGrid, bias []float32) {
	lanes, hw := 4*cv.C, cv.H*cv.W
	for b := b0; b < b1; b++ {
		db := d[(b-b0)*gr.rows*gr.cols*lanes:]
		cv.winoPixels(gr, func(at, pos int) {
			if bias != nil {
				addVV(xt[pos*cv.C:][:cv.C], db[at:][:cv.C], bias)
			} else {
				copy(xt[pos*cv.C:][:cv.C], db[at:][:cv.C])
			}
		})
		transposeInto(dx[b*cv.C*hw:], xt, hw, cv.C)
	}
}

// winoWeight sets u [25, 4C, O], the matrices step values apart, to the
// transformed kernels of wt, G g G^T for each output channel's 2x2
// kernel g of each phase of each channel, with wt's transpose [C*16, O]
// in wT as scratch.
func (cv Conv) winoWeight(u []float32, step int, wt, wT []float32) {
	transposeInto(wT, wt, cv.O, cv.C*16)
	pieces(cv.C, 1, func(c0, c1 int) {
		tmp := getBuf(winoPos * cv.O)
		defer putBuf(tmp)
		for c := c0; c < c1; c++ {
			for pq := range 4 {
				p, q := pq/2, pq%2
				in := winoTile{wT[(c*16+p*4+q)*cv.O:], 8 * cv.O, 2 * cv.O}
				out := winoTile{u[(pq*cv.C+c)*cv.O:], winoIn * step, step}
				winoTransform(winoG, in, out, cv.O, tmp)
			}
		}
	})
}

// winoWeightT sets ut [25, O, 4C], the matrices step values apart, to
// the transformed kernels of wt as winoWeight, transposed, with each
// output channel's weight transposed, [O, 16, C], in wr as scratch.
func (cv Conv) winoWeightT(ut []float32, step int, wt, wr []float32) {
	lanes, k := 4*cv.C, cv.C*16
	pieces(cv.O, 1, func(o0, o1 int) {
		tmp := getBuf(winoPos * cv.C)
		defer putBuf(tmp)
		for oc := o0; oc < o1; oc++ {
			transposeInto(wr[oc*k:], wt[oc*k:], cv.C, 16)
			for pq := range 4 {
				p, q := pq/2, pq%2
				in := winoTile{wr[oc*k+(p*4+q)*cv.C:], 8 * cv.C, 2 * cv.C}
				out := winoTile{ut[oc*lanes+pq*cv.C:], winoIn * step, step}
				winoTransform(winoG, in, out, cv.C, tmp)
			}
		}
	})
}

// winoInputTiles sets v [25, tiles, 4C], the matrices step values
// apart, to the transformed input tiles of the phases d of nb images.
func (cv Conv) winoInputTiles(v []float32, step int, d []float32, nb int, gr winoGrid, tmp []float32) {
	lanes := 4 * cv.C
	for b := range nb {
		for ti := range gr.th {
			for tj := range gr.tw {
				tile := (b*gr.th+ti)*gr.tw + tj
				in := winoTile{d[((b*gr.rows+winoOut*ti)*gr.cols+winoOut*tj)*lanes:], gr.cols * lanes, lanes}
				out := winoTile{v[tile*lanes:], winoIn * step, step}
				winoTransform(winoBT, in, out, lanes, tmp)
			}
		}
	}
}

// winoProducts sets (beta 0) or adds to (beta 1) the 25 products
// c[i] = op(a[i]) b[i] of m by k times k by n, a[i] transposed when
// transA (stored k by m), the matrices of a, b and c sa, sb and sc
// values apart.
func winoProducts(transA bool, m, n, k int, a []float32, sa int, b []float32, sb int, beta float32, c []float32, sc, threads int) {
	lda := k
	if transA {
		lda = m
	}
	for i := range winoPos {
		p := newGemmArgs(transA, false, m, n, k, 1, a[i*sa:], lda, b[i*sb:], n, beta, c[i*sc:], n)
		p.run(activeKernel, threads, pathAuto)
	}
}

// winoMapTiles sets dm [25, tiles, O], the matrices step values apart,
// to the adjoint output transform, AT^T g AT, of the tiles of the maps'
// gradient g of nb images held channels last, [nb*oh*ow, O], with zero
// beyond the maps' edges; zt holds a tile's 25 vectors.
func (cv Conv) winoMapTiles(dm []float32, step int, g []float32, nb int, gr winoGrid, zt, tmp []float32) {
	o, l := cv.O, gr.oh*gr.ow
	for b := range nb {
		for ti := range gr.th {
			for tj := range gr.tw {
				tile := (b*gr.th+ti)*gr.tw + tj
				for i := range winoOut {
					for j := range winoOut {
						r, s := winoOut*ti+i, winoOut*tj+j
						z := zt[(i*winoIn+j)*o:][:o]
						if r < gr.oh && s < gr.ow {
							copy(z, g[(b*l+r*gr.ow+s)*o:][:o])
						} else {
							clear(z)
						}
					}
				}
				out := winoTile{dm[tile*o:], winoIn * step, step}
				winoTransform(winoA, winoTile{zt, winoIn * o, o}, out, o, tmp)
			}
		}
	}
}

// winoMapTile sets image bi of the chunk c's transformed map tiles to
// those of its maps' gradient in gs, [O, c.nb*l], through c.g.
func (cv Conv) winoMapTile(c winoChunk, gs []float32, bi int, gr winoGrid, zt, tmp []float32) {
	o, l := cv.O, gr.oh*gr.ow
	g := c.g[bi*l*o:]
	packPanel(g, gs, c.nb*l, 1, bi*l, o, l, o)
	cv.winoMapTiles(c.m[bi*gr.tiles()*o:], c.ms, g, 1, gr, zt, tmp)
}

// winoInputTile sets image b of the chunk c of images b0.. to its
// phases of x and their transformed tiles.
func (cv Conv) winoInputTile(c winoChunk, x []float32, b0, b int, gr winoGrid, xt, tmp []float32) {
	bi := b - b0
	d := c.d[bi*gr.rows*gr.cols*4*cv.C:]
	cv.winoPhases(d, x, xt, b, b+1, gr)
	cv.winoInputTiles(c.v[bi*gr.tiles()*4*cv.C:], c.vs, d, 1, gr, tmp)
}

// winoForward is ForwardMap on minimal filtering.
func (cv Conv) winoForward(y, x, wt, bias []float32, act func(lo, hi int)) {
	if cv.N == 0 {
		return
	}
	gr := cv.winoGrid()
	lanes, o, l := 4*cv.C, cv.O, gr.oh*gr.ow
	us := winoStep(lanes * o)
	u := getBuf(winoPos*us + cv.C*16*o)
	defer putBuf(u)
	cv.winoWeight(u, us, wt, u[winoPos*us:])
	n, cb, size := cv.winoChunks(0, winoChunkFloats)
	spread(n, size, func(i, threads int, buf []float32) {
		b0, b1 := i*cb, min(cv.N, (i+1)*cb)
		c, _ := cv.winoChunk(buf, b0, b1)
		cv.winoImages(b0, b1, threads, func(b int, xt, _, tmp []float32) {
			cv.winoInputTile(c, x, b0, b, gr, xt, tmp)
		})
		winoProducts(false, c.nt, o, lanes, c.v, c.vs, u, us, 0, c.m, c.ms, threads)
		cv.winoImages(b0, b1, threads, func(b int, _, zt, tmp []float32) {
			bi := b - b0
			ycl := c.g[bi*l*o:]
			for ti := range gr.th {
				for tj := range gr.tw {
					tile := (bi*gr.th+ti)*gr.tw + tj
					winoTransform(winoAT, winoTile{c.m[tile*o:], winoIn * c.ms, c.ms}, winoTile{zt, winoIn * o, o}, o, tmp)
					for i := range min(winoOut, gr.oh-winoOut*ti) {
						for j := range min(winoOut, gr.ow-winoOut*tj) {
							dst := ycl[((winoOut*ti+i)*gr.ow+winoOut*tj+j)*o:][:o]
							z := zt[(i*winoIn+j)*o:][:o]
							if bias != nil {
								addVV(dst, z, bias)
							} else {
								copy(dst, z)
							}
						}
					}
				}
			}
			transposeInto(y[b*o*l:], ycl, l, o)
		})
		if act != nil {
			act(b0*o*l, b1*o*l)
		}
	})
}

// winoInputGrad is inputGrad on minimal filtering.
func (cv Conv) winoInputGrad(dx, gy []float32, act ActGrad, wt, bias []float32) {
	if cv.N == 0 {
		return
	}
	gr := cv.winoGrid()
	lanes, o, l := 4*cv.C, cv.O, gr.oh*gr.ow
	us := winoStep(lanes * o)
	ut := getBuf(winoPos*us + cv.C*16*o)
	defer putBuf(ut)
	cv.winoWeightT(ut, us, wt, ut[winoPos*us:])
	n, cb, size := cv.winoChunks(l*o, winoChunkFloats)
	img := gr.rows * gr.cols * lanes
	spread(n, size, func(i, threads int, buf []float32) {
		b0, b1 := i*cb, min(cv.N, (i+1)*cb)
		c, rest := cv.winoChunk(buf, b0, b1)
		gs := cv.sideBySide(rest, cv.mapsOf(gy, act, b0, b1), c.nb)
		cv.winoImages(b0, b1, threads, func(b int, _, zt, tmp []float32) {
			cv.winoMapTile(c, gs, b-b0, gr, zt, tmp)
		})
		winoProducts(false, c.nt, lanes, o, c.m, c.ms, ut, us, 0, c.v, c.vs, threads)
		// Neighbouring tiles overlap: each image's are added on one thread.
		cv.winoImages(b0, b1, threads, func(b int, xt, zt, tmp []float32) {
			bi := b - b0
			d := c.d[bi*img:][:img]
			clear(d)
			for ti := range gr.th {
				for tj := range gr.tw {
					tile := (bi*gr.th+ti)*gr.tw + tj
					winoTransform(winoB, winoTile{c.v[tile*lanes:], winoIn * c.vs, c.vs}, winoTile{zt, winoIn * lanes, lanes}, lanes, tmp)
					at := (winoOut*ti*gr.cols + winoOut*tj) * lanes
					for k := range winoIn {
						dst := d[at+k*gr.cols*lanes:][:winoIn*lanes]
						addVV(dst, dst, zt[k*winoIn*lanes:][:winoIn*lanes])
					}
				}
			}
			cv.winoUnphase(dx, d, xt, b, b+1, gr, bias)
		})
	})
}

// winoSumFloats is about the values of the groups' transformed weight
// gradients that WeightGrad holds at once: dcgan's 64->128 layer keeps
// its two groups (0.8M values each), a 512->512 layer's (26M values)
// take one.
const winoSumFloats = 1 << 21

// winoWeightGrad is weightGrad on minimal filtering of the maps' gradient
// maps(buf, b0, b1) returns, [O, (b1-b0)*l] (see Conv.gathered). The
// chunks fall into groups fixed by the shape, each summing its
// transformed gradient on its own, added in order: the result does not
// depend on the thread count.
func (cv Conv) winoWeightGrad(dw, x []float32, maps func(buf []float32, b0, b1, threads int) []float32) {
	gr := cv.winoGrid()
	lanes, o, l := 4*cv.C, cv.O, gr.oh*gr.ow
	if cv.N == 0 {
		clear(dw[:o*cv.C*16])
		return
	}
	n, cb, size := cv.winoChunks(l*o, winoDeepFloats)
	ws := winoStep(o * lanes)
	wsize := winoPos * ws
	groups := min(n, winoGradGroups, max(1, winoSumFloats/wsize))
	sums := getBuf(groups * wsize)
	defer putBuf(sums)
	spread(groups, size, func(gi, threads int, buf []float32) {
		var beta float32
		for i := gi * n / groups; i < (gi+1)*n/groups; i++ {
			b0, b1 := i*cb, min(cv.N, (i+1)*cb)
			c, rest := cv.winoChunk(buf, b0, b1)
			gs := maps(rest, b0, b1, threads)
			cv.winoImages(b0, b1, threads, func(b int, xt, zt, tmp []float32) {
				cv.winoMapTile(c, gs, b-b0, gr, zt, tmp)
				cv.winoInputTile(c, x, b0, b, gr, xt, tmp)
			})
			winoProducts(true, o, lanes, c.nt, c.m, c.ms, c.v, c.vs, beta, sums[gi*wsize:(gi+1)*wsize], ws, threads)
			beta = 1
		}
	})
	sumGroups(sums, wsize, groups, nil)
	pieces(o, 1, func(o0, o1 int) {
		tmp := getBuf(2 * winoPos * lanes)
		defer putBuf(tmp)
		z := tmp[winoPos*lanes:]
		for oc := o0; oc < o1; oc++ {
			in := winoTile{sums[oc*lanes:], winoIn * ws, ws}
			winoTransform(winoGT, in, winoTile{z, winoIn * lanes, lanes}, lanes, tmp)
			row := dw[oc*cv.C*16:][:cv.C*16]
			for a := range 2 {
				for bb := range 2 {
					zv := z[(a*winoIn+bb)*lanes:][:lanes]
					for c := range cv.C {
						for pq := range 4 {
							row[c*16+(2*a+pq/2)*4+2*bb+pq%2] = zv[pq*cv.C+c]
						}
					}
				}
			}
		}
	})
}

// winoInputFirst sets dx, when it is not nil, to the input gradient of
// the maps' gradient gy through act on minimal filtering where cv takes
// it, and returns nil then, dx otherwise: Backward and BackwardAct take
// the two gradients one after the other on this path, not in one pass.
func (cv Conv) winoInputFirst(dx, gy []float32, act ActGrad, wt []float32) []float32 {
	if dx == nil || !cv.wino() {
		return dx
	}
	cv.winoInputGrad(dx, gy, act, wt, nil)
	return nil
}
