package kernel

import "golang.org/x/sys/cpu"

// The loops behind the element-wise maps come at three levels: the
// AVX-512 assembly (elementwise_amd64.s, exp_amd64.s), the AVX2+FMA
// assembly (elementwise_avx2_amd64.s, exp_avx2_amd64.s), and the portable
// Go loops. The best level the CPU has is used; tests force
// each in turn.
const (
	levelPortable = iota
	levelAVX2
	levelAVX512
)

// hasAVX512 reports whether the CPU has the AVX-512 subsets the assembly
// uses: the foundation and the byte/word (mask moves and shifts of 32
// bits), doubleword/quadword and vector-length extensions, which every
// AVX-512 CPU but the Xeon Phi has.
var hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL

// bestLevel is the fastest level the CPU supports.
var bestLevel = func() int {
	switch {
	case hasAVX512:
		return levelAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return levelAVX2
	}
	return levelPortable
}()

func init() { useLevel(bestLevel) }

// useLevel points the maps at the loops of level l (at most bestLevel).
func useLevel(l int) {
	addVV = choose(l, addVVAVX512, addVVAVX2, addVVGo)
	subVV = choose(l, subVVAVX512, subVVAVX2, subVVGo)
	mulVV = choose(l, mulVVAVX512, mulVVAVX2, mulVVGo)
	divVV = choose(l, divVVAVX512, divVVAVX2, divVVGo)
	addVS = choose(l, addVSAVX512, addVSAVX2, addVSGo)
	mulVS = choose(l, mulVSAVX512, mulVSAVX2, mulVSGo)
	maxVS = choose(l, maxVSAVX512, maxVSAVX2, maxVSGo)
	rsubVS = choose(l, rsubVSAVX512, rsubVSAVX2, rsubVSGo)
	axpyVS = choose(l, axpyAVX512, axpyAVX2, axpyGo)
	sigmoidGV = choose(l, sigmoidGradAVX512, sigmoidGradAVX2, sigmoidGradGo)
	tanhGV = choose(l, tanhGradAVX512, tanhGradAVX2, tanhGradGo)
	reluGV = choose(l, reluGradAVX512, reluGradAVX2, reluGradGo)
	fillVec = choose(l, fillAVX512, fillGo, fillGo)
	sumVec = choose(l, sumAVX, sumAVX, sumBlockGo)
	maxVec = choose(l, maxAVX512, maxGo, maxGo)
	carryVec = choose(l, carryAVX512, carryAVX, carryGo)
	dotVec = choose(l, dotAVX, dotAVX, dotBlockGo)
	reluVec = choose(l, reluAVX512, reluAVX2, reluGo)
	leakyVec = choose(l, leakyAVX512, leakyAVX2, leakyGo)
	leakyGV = choose(l, leakyGradAVX512, leakyGradAVX2, leakyGradGo)
	adamVec = choose(l, adamAVX512, adamAVX2, adamPlain)
	normApplyVec = choose(l, normApplyAVX512, normApplyAVX2, normApplyGo)
	normGradVec = choose(l, normGradAVX512, normGradAVX2, normGradGo)
	normAffineVec = choose(l, normAffineAVX512, normAffineAVX2, normAffineGo)
	layerRowVec = choose(l, layerRowAVX, layerRowAVX, layerRowGo)
	layerGradVec = choose(l, layerGradRowAVX, layerGradRowAVX, layerGradGo)
	maxPool2x2 = choose(l, maxPool2x2AVX512, nil, nil)
	unpool2x2 = choose(l, unpool2x2AVX512, nil, nil)
	blockCopyVec = choose(l, blockCopyAVX512, blockCopyGo, blockCopyGo)
	blockAddVec = choose(l, blockAddAVX512, blockAddGo, blockAddGo)
	gather2Vec = choose(l, gather2AVX512, nil, nil)
	scatterAdd2Vec = choose(l, scatterAdd2AVX512, nil, nil)
	phaseSplitVec = choose(l, phaseSplitAVX512, nil, nil)
	phaseMergeVec = choose(l, phaseMergeAVX512, nil, nil)
	phaseMergeSetVec = choose(l, phaseMergeSetAVX512, nil, nil)
	keepVV = choose(l, keepVVAVX512, keepVVAVX2, keepVVGo)
	addKeepVV = choose(l, addKeepVVAVX512, addKeepVVAVX2, addKeepVVGo)
	expVec = choose(l, expAVX512, expAVX2, expGo)
	expAddVec = choose(l, expAddAVX512, expAddTwo, expAddTwo)
	addMulVec = choose(l, addMulAVX512, addMulAVX2, addMulGo)
	softmaxRowsVec = choose(l, softmaxRowsAVX512, nil, nil)
	softmaxGradRowsVec = choose(l, softmaxGradRowsAVX512, nil, nil)
	logVec = choose(l, logAVX512, logAVX2, logGo)
	sigmoidVec = choose(l, sigmoidAVX512, sigmoidAVX2, sigmoidGo)
	siluVec = choose(l, siluAVX512, siluAVX2, siluGo)
	tanhVec = choose(l, tanhAVX512, tanhAVX2, tanhGo)
	softplusV = choose(l, softplusAVX512, softplusAVX2, softplusGo)
	siluGV = choose(l, siluGradAVX512, siluGradAVX2, siluGradGo)
	conv9 = choose(l, conv9AVX512, conv9AVX2, nil)
	siluKeepVec = choose(l, siluKeepAVX512, siluKeepAVX2, siluKeepGo)
	stepClampVec = choose(l, stepClampAVX512, stepClampAVX2, nil)
	winoTileVec = choose(l, winoTileAVX512, nil, nil)
}

// choose returns the loop of level l.
func choose[F any](l int, avx512, avx2, portable F) F {
	switch l {
	case levelAVX512:
		return avx512
	case levelAVX2:
		return avx2
	}
	return portable
}

// The assembly loops read len(dst) values of each operand; the callers
// check the lengths.

//go:noescape
func addVVAVX512(dst, x, y []float32)

//go:noescape
func subVVAVX512(dst, x, y []float32)

//go:noescape
func mulVVAVX512(dst, x, y []float32)

//go:noescape
func divVVAVX512(dst, x, y []float32)

//go:noescape
func addVSAVX512(dst, x []float32, s float32)

//go:noescape
func mulVSAVX512(dst, x []float32, s float32)

//go:noescape
func maxVSAVX512(dst, x []float32, s float32)

//go:noescape
func rsubVSAVX512(dst, x []float32, s float32)

//go:noescape
func axpyAVX512(dst, x []float32, s float32)

//go:noescape
func expAVX512(dst, x []float32)

//go:noescape
func expAddAVX512(dst, x []float32, s float32)

//go:noescape
func addMulAVX512(dst, x, y []float32, s float32)

//go:noescape
func addMulAVX2(dst, x, y []float32, s float32)

//go:noescape
func logAVX512(dst, x []float32)

//go:noescape
func sigmoidAVX512(dst, x []float32)

//go:noescape
func siluAVX512(dst, x []float32)

//go:noescape
func tanhAVX512(dst, x []float32)

//go:noescape
func softplusAVX512(dst, x []float32)

//go:noescape
func sigmoidGradAVX512(dst, x, y []float32)

//go:noescape
func tanhGradAVX512(dst, x, y []float32)

//go:noescape
func reluGradAVX512(dst, x, y []float32)

//go:noescape
func siluGradAVX512(dst, x, y []float32)

//go:noescape
func sumAVX(x []float32) float32

//go:noescape
func maxAVX512(x []float32) float32

//go:noescape
func dotAVX(x, y []float32) float32

//go:noescape
func carryAVX512(acc []float64, part []float32)

//go:noescape
func carryAVX(acc []float64, part []float32)

//go:noescape
func fillAVX512(dst []float32, v float32)

//go:noescape
func reluAVX512(dst, x []float32)

//go:noescape
func leakyAVX512(dst, x []float32, s float32)

//go:noescape
func leakyGradAVX512(dst, x, y []float32, s float32)

//go:noescape
func normApplyAVX512(dst, x []float32, m, s, b float32)

//go:noescape
func normGradAVX512(dst, x, y []float32, c *NormGradStep)

//go:noescape
func layerRowAVX(dst, x, y, s, w, b []float32, eps float32) (m, v, r float32)

//go:noescape
func layerGradRowAVX(dst, g, x, w, pw, pb, gs []float32, m, r float32)

//go:noescape
func normAffineAVX512(dst, x, y, b []float32, m, r float32)

//go:noescape
func maxPool2x2AVX512(dst, idx, plane []float32, w, oh, ow int) bool

//go:noescape
func unpool2x2AVX512(d, s, idx []float32, w, oh, ow int) bool

//go:noescape
func blockCopyAVX512(dst []float32, ldd int, src []float32, lds, rows, n int)

//go:noescape
func gather2AVX512(dst []float32, ldd int, src []float32, lds, rows, n int, m1, m2, m3 uint32)

//go:noescape
func scatterAdd2AVX512(dst []float32, ldd int, src []float32, lds, rows, n int, m1, m2, m3 uint32)

//go:noescape
func blockAddAVX512(dst []float32, ldd int, src []float32, lds, rows, n int)

//go:noescape
func adamAVX512(x, g, m, v []float32, s *AdamStep)

//go:noescape
func addVVAVX2(dst, x, y []float32)

//go:noescape
func subVVAVX2(dst, x, y []float32)

//go:noescape
func mulVVAVX2(dst, x, y []float32)

//go:noescape
func divVVAVX2(dst, x, y []float32)

//go:noescape
func addVSAVX2(dst, x []float32, s float32)

//go:noescape
func mulVSAVX2(dst, x []float32, s float32)

//go:noescape
func maxVSAVX2(dst, x []float32, s float32)

//go:noescape
func rsubVSAVX2(dst, x []float32, s float32)

//go:noescape
func axpyAVX2(dst, x []float32, s float32)

//go:noescape
func sigmoidGradAVX2(dst, x, y []float32)

//go:noescape
func tanhGradAVX2(dst, x, y []float32)

//go:noescape
func reluGradAVX2(dst, x, y []float32)

//go:noescape
func reluAVX2(dst, x []float32)

//go:noescape
func leakyAVX2(dst, x []float32, s float32)

//go:noescape
func leakyGradAVX2(dst, x, y []float32, s float32)

//go:noescape
func normApplyAVX2(dst, x []float32, m, s, b float32)

//go:noescape
func normGradAVX2(dst, x, y []float32, c *NormGradStep)

//go:noescape
func normAffineAVX2(dst, x, y, b []float32, m, r float32)

//go:noescape
func adamAVX2(x, g, m, v []float32, s *AdamStep)

//go:noescape
func expAVX2(dst, x []float32)

//go:noescape
func logAVX2(dst, x []float32)

//go:noescape
func sigmoidAVX2(dst, x []float32)

//go:noescape
func siluAVX2(dst, x []float32)

//go:noescape
func tanhAVX2(dst, x []float32)

//go:noescape
func softplusAVX2(dst, x []float32)

//go:noescape
func siluGradAVX2(dst, x, y []float32)

//go:noescape
func softmaxRowsAVX512(w []float32, n int)

//go:noescape
func softmaxGradRowsAVX512(g, y []float32, n int)
