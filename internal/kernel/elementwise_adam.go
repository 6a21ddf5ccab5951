package kernel

import "math"

// AdamStep holds the factors of one Adam update of a parameter (see Adam).
type AdamStep struct {
	B1, B2  float32 // decays of the first and second moments
	K1, K2  float32 // 1 - B1 and 1 - B2
	NegStep float32 // -lr / (1 - B1^t), t the step count
	C2      float32 // sqrt(1 - B2^t)
	Eps     float32 // added to the denominator
	WD      float32 // coupled weight decay, added to the gradient (0 for none)
	Shrink  float32 // decoupled weight decay factor on x (1 for none)
}

// Adam applies one Adam update to the parameter values x with gradient g
// and moments m and v, all of len(x) values, in place:
//
//	x = Shrink*x;  g' = g + WD*x
//	m = B1*m + K1*g';  v = B2*v + K2*g'*g'
//	x = x + NegStep*m / (sqrt(v)/C2 + Eps)
//
// With vmax not nil (AMSGrad), vmax = max(vmax, v) replaces v in the
// denominator. The sums with a product are fused multiply-adds, rounded
// once, as in PyTorch's CPU kernels; every other operation is rounded as
// written.
func Adam(x, g, m, v, vmax []float32, s *AdamStep) {
	n := len(x)
	g, m, v = g[:n], m[:n], v[:n]
	if vmax == nil {
		adamVec(x, g, m, v, s)
		return
	}
	adamGo(x, g, m, v, vmax[:n], s)
}

// AdamPart is one parameter's share of an AdamAll update: its values,
// gradient and moments (VMax nil unless AMSGrad), as Adam takes them,
// and its factors.
type AdamPart struct {
	X, G, M, V, VMax []float32
	Step             AdamStep
}

// AdamAll applies Adam to every part. The values of all the parts are
// split into contiguous pieces across threads when they are many enough
// to repay it, a piece running over the ends of parameters; each value is
// updated as Adam alone would, so the split leaves the bits unchanged.
func AdamAll(parts []AdamPart) {
	n := 0
	for i := range parts {
		n += len(parts[i].X)
	}
	if serial(n, mapHeavyMinWork) {
		adamRange(parts, 0, n)
		return
	}
	pieces(n, mapHeavyMinWork, func(lo, hi int) { adamRange(parts, lo, hi) })
}

// adamRange updates values lo to hi of the parts laid end to end.
func adamRange(parts []AdamPart, lo, hi int) {
	off := 0
	for i := range parts {
		p := &parts[i]
		a, b := max(lo-off, 0), min(hi-off, len(p.X))
		off += len(p.X)
		if a < b {
			var vmax []float32
			if p.VMax != nil {
				vmax = p.VMax[a:b]
			}
			Adam(p.X[a:b], p.G[a:b], p.M[a:b], p.V[a:b], vmax, &p.Step)
		}
		if off >= hi {
			return
		}
	}
}

// adamGo is Adam's portable loop.
func adamGo(x, g, m, v, vmax []float32, s *AdamStep) {
	for j, gj := range g {
		x[j] *= s.Shrink
		gj = fma32(s.WD, x[j], gj)
		m[j] = fma32(s.K1, gj, m[j]*s.B1)
		v[j] = fma32(s.K2*gj, gj, v[j]*s.B2)
		vj := v[j]
		if vmax != nil {
			vmax[j] = max(vmax[j], vj)
			vj = vmax[j]
		}
		x[j] += s.NegStep * m[j] / (float32(math.Sqrt(float64(vj)))/s.C2 + s.Eps)
	}
}

func adamPlain(x, g, m, v []float32, s *AdamStep) { adamGo(x, g, m, v, nil, s) }
