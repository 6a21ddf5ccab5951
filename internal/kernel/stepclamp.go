package kernel

// stepClampVec is StepClamp's loop at the CPU's level, set by useLevel
// (nil: the portable loop alone): it takes the values of whole steps of
// eight.
var stepClampVec func(y, g, n []float32, a, b, lo, hi float32)

// StepClamp moves y by a*g + b*n and keeps it in [lo, hi]:
//
//	y[i] = min(max(y[i] + (a*g[i] + b*n[i]), lo), hi)
//
// with each operation rounded as written (no fused multiply-add) and
// min and max as Go's (NaN stays NaN; max(-0, +0) is +0, min(-0, +0) is
// -0): a Langevin step in one pass where scaling, summing and clamping
// would take four. lo = -Inf and hi = +Inf leave y unclamped. g and n
// hold at least len(y) values and are not changed.
func StepClamp(y, g, n []float32, a, b, lo, hi float32) {
	g, n = g[:len(y)], n[:len(y)]
	m := 0
	if stepClampVec != nil {
		m = len(y) &^ 7
		stepClampVec(y[:m], g[:m], n[:m], a, b, lo, hi)
	}
	stepClampGo(y[m:], g[m:], n[m:], a, b, lo, hi)
}

// stepClampGo is the portable StepClamp; the conversions keep each
// product rounded before the sum.
func stepClampGo(y, g, n []float32, a, b, lo, hi float32) {
	g, n = g[:len(y)], n[:len(y)]
	for i, v := range g {
		s := float32(a*v) + float32(b*n[i])
		y[i] = min(max(y[i]+s, lo), hi)
	}
}
