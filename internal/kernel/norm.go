package kernel

import "math"

// The maps of batch and layer normalisation, each one pass over a run of
// a group's values where the normalisation would otherwise make three to
// eight; every operation is rounded as written, without fused
// multiply-adds, so that each level of loops gives the same bits.

// NormGradStep holds the factors of NormGrad for one group: its mean M
// and reciprocal standard deviation R, its weight W (1 without one), and
// the group means MG of g W and MGX of g W xhat.
type NormGradStep struct {
	M, R, W, MG, MGX float32
}

var (
	normApplyVec  func(dst, x []float32, m, s, b float32)
	normGradVec   func(dst, g, x []float32, c *NormGradStep)
	normAffineVec func(dst, x, w, b []float32, m, r float32)
	layerRowVec   func(dst, x, y, s, w, b []float32, eps float32) (m, v, r float32)
	layerGradVec  func(dst, g, x, w, pw, pb, gs []float32, m, r float32)
)

// LayerNormGradRow sets dst to the gradient of a row of layer
// normalisation with respect to its input x, for the output gradient g,
// the row's mean m and reciprocal standard deviation r and the weight w
// (nil for none), and with the weight adds g xhat into pw and g into pb,
// the partial sums of the weight and bias gradients; gs is scratch of
// len(dst) values (with w only) for rows the one call does not take. It
// has the bits of
//
//	dst = NormApply(x, m, r, 0)   // xhat
//	pw += xhat g; pb += g; gs = g w (gs = g without w)
//	NormGrad(dst, gs, x, {M: m, R: r, W: 1, MG: Sum(gs) / d, MGX: Dot(gs, dst) / d})
//
// in one call over a row of at most 256 values, in several above. g, x,
// w, pw, pb and gs must hold len(dst) values; dst must lie apart from g
// and x (the several calls above 256 values write it between reads).
func LayerNormGradRow(dst, g, x, w, pw, pb, gs []float32, m, r float32) {
	n := len(dst)
	g, x = g[:n], x[:n]
	if w != nil {
		w, pw, pb, gs = w[:n], pw[:n], pb[:n], gs[:n]
	}
	if n > sumBlock || n == 0 {
		layerGradGo(dst, g, x, w, pw, pb, gs, m, r)
		return
	}
	layerGradVec(dst, g, x, w, pw, pb, gs, m, r)
}

func layerGradGo(dst, g, x, w, pw, pb, gs []float32, m, r float32) {
	NormApply(dst, x, m, r, 0)
	if w == nil {
		gs = g
	} else {
		Map2(Mul, gs, dst, g)
		AddTo(pw, gs)
		AddTo(pb, g)
		Map2(Mul, gs, g, w)
	}
	d := float32(len(dst))
	NormGrad(dst, gs, x, &NormGradStep{M: m, R: r, W: 1, MG: Sum(gs) / d, MGX: Dot(gs, dst) / d})
}

// LayerNormRow sets dst to the row x of layer normalisation, mapped by
// the per-feature weight w and bias b (both nil for no affine map), and
// returns the row's mean m, biased variance v and reciprocal standard
// deviation r = 1/sqrt(v + eps). It has the bits of
//
//	m = Sum(x) / d; dst = x - m; v = Dot(dst, dst) / d
//	r = float32(1 / math.Sqrt(float64(v) + float64(eps)))
//	dst = ((x - m) r) w + b, or dst = (x - m) r without w
//
// in one call over a row of at most 256 values, in several above. x, w
// and b must hold len(dst) values; dst must lie apart from x (the
// several calls above 256 values write it between reads).
func LayerNormRow(dst, x, w, b []float32, eps float32) (m, v, r float32) {
	return LayerNormSumRow(dst, x, nil, nil, w, b, eps)
}

// LayerNormSumRow is LayerNormRow of the row x + y (y nil: of x), the sum
// of a residual connection, which it also stores in s (s unused without
// y): it has the bits of Map2(Add, s, x, y) then LayerNormRow(dst, s, w,
// b, eps), the sum normalised as it is formed, in one call over a row of
// at most 256 values. With y, x, y and s must hold len(dst) values, and s
// lie apart from x, y and dst.
func LayerNormSumRow(dst, x, y, s, w, b []float32, eps float32) (m, v, r float32) {
	x = x[:len(dst)]
	if y != nil {
		y, s = y[:len(dst)], s[:len(dst)]
	}
	if w != nil {
		w, b = w[:len(dst)], b[:len(dst)]
	}
	if len(dst) > sumBlock || len(dst) == 0 {
		return layerRowGo(dst, x, y, s, w, b, eps)
	}
	return layerRowVec(dst, x, y, s, w, b, eps)
}

func layerRowGo(dst, x, y, s, w, b []float32, eps float32) (m, v, r float32) {
	if y != nil {
		Map2(Add, s, x, y)
		x = s
	}
	d := float32(len(dst))
	m = Sum(x) / d
	addVS(dst, x, -m)
	v = Dot(dst, dst) / d
	r = float32(1 / math.Sqrt(float64(v)+float64(eps)))
	if w != nil {
		normAffineVec(dst, x, w, b, m, r)
		return m, v, r
	}
	mulVS(dst, dst, r)
	return m, v, r
}

// NormApply sets dst[i] = (x[i] - m) * s + b: a group's values
// normalised (s the reciprocal standard deviation, times the group's
// weight) and shifted. x must hold len(dst) values.
func NormApply(dst, x []float32, m, s, b float32) { normApplyVec(dst, x[:len(dst)], m, s, b) }

// NormGrad sets dst[i] = ((g[i] W - MG) - ((x[i] - M) R) MGX) R, the
// gradient of a group's normalised values with respect to its inputs x
// for the output gradient g, the batch statistics depending on x. g and x
// must hold len(dst) values.
func NormGrad(dst, g, x []float32, c *NormGradStep) {
	normGradVec(dst, g[:len(dst)], x[:len(dst)], c)
}

func normApplyGo(dst, x []float32, m, s, b float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = (v-m)*s + b
	}
}

func normGradGo(dst, g, x []float32, c *NormGradStep) {
	g, x = g[:len(dst)], x[:len(dst)]
	for i, v := range x {
		xhat := (v - c.M) * c.R
		dst[i] = ((g[i]*c.W - c.MG) - xhat*c.MGX) * c.R
	}
}

func normAffineGo(dst, x, w, b []float32, m, r float32) {
	x, w, b = x[:len(dst)], w[:len(dst)], b[:len(dst)]
	for i, v := range x {
		dst[i] = float32((v-m)*r*w[i]) + b[i] // rounded before the sum, never fused
	}
}
