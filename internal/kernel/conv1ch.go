package kernel

// A convolution whose windows hold nine values (one input channel and a
// 3x3 window: the first layer of an image model) makes products of depth
// nine: a forward product [O, 9] by [9, positions] and an input gradient
// of nine rows. The general products run those at half their speed on
// deep ones or less, spending their time loading and storing the tile of
// the result for nine multiply-adds and packing edges. conv9 computes
// them instead a block of positions at a time with the nine window rows
// (or the nine sums) held in registers, reading the weight and the maps in
// place: the products of Forward, ForwardMaxPool, InputGrad and
// Backward's input gradient take it where the CPU has it, for output
// channels in multiples of eight and at least a block of positions per
// image. The sums run in the order of the general products', so the
// results are the same (but for the sign of a zero sum without bias).
var conv9 *conv9Loops

// conv9Loops are the vector loops of one instruction level
// (conv1ch_amd64.s), over blocks of width columns.
type conv9Loops struct {
	width int
	// fwd sets, for blocks blocks of columns and o = 8*groups channels,
	// y[o][j] = sum_t wt[o*9+t] cols[t][j] + bias[o].
	fwd func(blocks int, cols *float32, ldc int, wt, bias *float32, groups int, y *float32, ldy int)
	// bwd sets, for blocks blocks of columns, cols[t][j] = sum_o
	// wt[o*9+t] g[o][j] for t < 9.
	bwd func(blocks int, g *float32, ldg int, wt *float32, o int, cols *float32, ldc int)
	// bwdScaled is bwd of the values of g times those of s, laid out
	// as g.
	bwdScaled func(blocks int, g *float32, ldg int, s *float32, wt *float32, o int, cols *float32, ldc int)
}

// direct9 reports whether the products take conv9.
func (cv Conv) direct9() bool {
	_, _, l, k := cv.dims()
	return conv9 != nil && k == 9 && cv.O%8 == 0 && l >= conv9.width
}

// inputCols sets the start of buf to the unfolded input gradient of
// channels c0..c1 of images b0..b1, [(c1-c0)*KH*KW, (b1-b0)*l], the
// product of those rows of w's transpose with their maps, and
// returns it: conv9 reads the maps g in place, the general product gs,
// the maps side by side (sideBySide), which may lie in buf past the
// chunk's k*(b1-b0)*l values.
func (cv Conv) inputCols(buf []float32, g convMaps, gs []float32, w convWeight, c0, c1, b0, b1, threads int) []float32 {
	_, _, l, _ := cv.dims()
	taps := cv.Win.KH * cv.Win.KW
	nc := (b1 - b0) * l
	cols := buf[:(c1-c0)*taps*nc]
	if cv.direct9() {
		cv.images(0, b1-b0, threads, func(i int) {
			var s []float32
			if g.s != nil {
				s = g.s[i*g.step:]
			}
			conv9.backward(g.g[i*g.step:], s, g.ld, w.w, cv.O, cols[i*l:], nc, l)
		})
		return cols
	}
	p := newGemmArgs(true, false, (c1-c0)*taps, nc, cv.O, 1, w.w[c0*taps:], w.ld, gs, nc, 0, cols, nc)
	p.run(activeKernel, threads, pathAuto)
	return cols
}

// forward runs fwd over the n columns of cols (rows ldc apart) into the
// o rows of y (ldy apart). A last partial block is computed as the whole
// block that ends at column n, writing again the same values to the
// columns it shares with the block before.
func (c *conv9Loops) forward(cols []float32, ldc int, wt, bias []float32, o int, y []float32, ldy, n int) {
	_, _, _, _ = cols[8*ldc+n-1], wt[9*o-1], bias[o-1], y[(o-1)*ldy+n-1]
	c.fwd(n/c.width, &cols[0], ldc, &wt[0], &bias[0], o/8, &y[0], ldy)
	if j := n - c.width; n%c.width != 0 {
		c.fwd(1, &cols[j], ldc, &wt[0], &bias[0], o/8, &y[j], ldy)
	}
}

// backward runs bwd over the n columns of g (rows ldg apart), or
// bwdScaled over those of g and s when s is not nil, into the nine rows
// of cols (ldc apart), the last partial block as forward does.
func (c *conv9Loops) backward(g, s []float32, ldg int, wt []float32, o int, cols []float32, ldc, n int) {
	_, _, _ = g[(o-1)*ldg+n-1], wt[9*o-1], cols[8*ldc+n-1]
	run := func(j, blocks int) { c.bwd(blocks, &g[j], ldg, &wt[0], o, &cols[j], ldc) }
	if s != nil {
		_ = s[len(g)-1]
		run = func(j, blocks int) { c.bwdScaled(blocks, &g[j], ldg, &s[j], &wt[0], o, &cols[j], ldc) }
	}
	run(0, n/c.width)
	if n%c.width != 0 {
		run(n-c.width, 1)
	}
}
