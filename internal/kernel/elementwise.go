package kernel

// Op names an element-wise binary operation.
type Op uint8

// The binary operations. The comparisons give 1 where they hold and 0
// elsewhere; Select gives 1 where a > b, 0 where a < b and 0.5 on a tie
// (the split of a gradient between the arguments of a maximum).
const (
	Add Op = iota
	Sub
	Mul
	Div
	Max
	Min
	Gt
	Ge
	Lt
	Le
	Eq
	Select
)

// The loops behind the maps, set by useLevel from the CPU's features.
var (
	addVV, subVV, mulVV, divVV          func(dst, a, b []float32)
	addVS, mulVS, maxVS, rsubVS, axpyVS func(dst, a []float32, s float32)
	expVec, logVec, sigmoidVec, siluVec func(dst, x []float32)
	tanhVec, softplusV                  func(dst, x []float32)
	sigmoidGV, tanhGV, reluGV, siluGV   func(dst, g, x []float32)
	reluVec                             func(dst, x []float32)
	fillVec                             func(dst []float32, v float32)
	sumVec, maxVec                      func(x []float32) float32
	carryVec                            func(acc []float64, part []float32)
	dotVec                              func(x, y []float32) float32
	leakyVec                            func(dst, x []float32, slope float32)
	leakyGV                             func(dst, g, x []float32, slope float32)
	adamVec                             func(x, g, m, v []float32, s *AdamStep)
)

// Map2 sets dst[i] = a[i] op b[i]. a and b must hold len(dst) values.
func Map2(op Op, dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	switch op {
	case Add:
		map2(addVV, dst, a, b)
	case Sub:
		map2(subVV, dst, a, b)
	case Mul:
		map2(mulVV, dst, a, b)
	case Div:
		map2(divVV, dst, a, b)
	default:
		for i := range dst {
			dst[i] = apply(op, a[i], b[i])
		}
	}
}

// Map2Scalar sets dst[i] = a[i] op s, or s op a[i] when left is set.
func Map2Scalar(op Op, dst, a []float32, s float32, left bool) {
	a = a[:len(dst)]
	switch {
	case op == Add || (op == Sub && !left):
		if op == Sub {
			s = -s
		}
		map1s(addVS, dst, a, s)
	case op == Mul:
		map1s(mulVS, dst, a, s)
	case op == Sub && left:
		map1s(rsubVS, dst, a, s)
	case op == Max && !left && s == s:
		map1s(maxVS, dst, a, s)
	case op == Div && !left:
		for i := range dst {
			dst[i] = a[i] / s
		}
	case left:
		for i := range dst {
			dst[i] = apply(op, s, a[i])
		}
	default:
		for i := range dst {
			dst[i] = apply(op, a[i], s)
		}
	}
}

// apply returns x op y for one pair.
func apply(op Op, x, y float32) float32 {
	switch op {
	case Add:
		return x + y
	case Sub:
		return x - y
	case Mul:
		return x * y
	case Div:
		return x / y
	case Max:
		if x != x || x > y {
			return x
		}
		return y
	case Min:
		if x != x || x < y {
			return x
		}
		return y
	case Gt:
		return b2f(x > y)
	case Ge:
		return b2f(x >= y)
	case Lt:
		return b2f(x < y)
	case Le:
		return b2f(x <= y)
	case Eq:
		return b2f(x == y)
	case Select:
		switch {
		case x > y:
			return 1
		case x < y:
			return 0
		}
		return 0.5
	}
	panic("kernel: unknown element-wise operation")
}

func b2f(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// AddTo sets dst[i] += x[i].
func AddTo(dst, x []float32) { map2(addVV, dst, dst, x) }

// Axpy sets dst[i] += s * x[i] with one rounding (a fused multiply-add).
func Axpy(dst, x []float32, s float32) { map1s(axpyVS, dst, x, s) }

// Fill sets every dst[i] to v.
func Fill(dst []float32, v float32) { fillVec(dst, v) }

func fillGo(dst []float32, v float32) {
	for i := range dst {
		dst[i] = v
	}
}

// Fold combines x into acc with op (Max or Min, whose NaN wins) and
// returns the result; sums go through Sum.
func Fold(op Op, acc float32, x []float32) float32 {
	for _, v := range x {
		acc = apply(op, acc, v)
	}
	return acc
}
