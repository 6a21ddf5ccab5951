package kernel

// Minimal filtering (Winograd, Toom-Cook; Lavin and Gray 2016, "Fast
// Algorithms for Convolutional Neural Networks"): F(4x4, 2x2) gives a
// 4x4 tile of a 2x2 stride-1 correlation from a 5x5 tile of its input
// with 25 products where the direct sum takes 64,
//
//	Y = AT [(G g G^T) ⊙ (BT d BT^T)] AT^T,
//
// and its gradients take the adjoint transforms: with dM = AT^T dY AT,
// the input tile's gradient is BT^T ((G g G^T) ⊙ dM) BT and the
// kernel's G^T ((BT d BT^T) ⊙ dM) G. The transforms are those of the
// points 0, 1, -1, -2 and infinity: BT and AT have integer entries,
// and only G, applied once to the weight, fractions.
//
// A value of the transformed tiles is a vector: the tiles hold
// channels last, so that a transform is a few vector adds and scaled
// adds over the channels of one tile position (winoApply, or one
// unrolled AVX-512 function per matrix, wino_amd64.s).

// winoMatrix is a small dense matrix of rows by cols, held padded with
// zeros to 5x5, row-major (winoTileVec's form), and its place id in the
// package's list of them.
type winoMatrix struct {
	rows, cols int
	pad        *[25]float32
	id         int
}

// newWinoMatrix returns the rows by cols matrix of the values v,
// row-major, with place id.
func newWinoMatrix(rows, cols, id int, v ...float32) winoMatrix {
	t := winoMatrix{rows: rows, cols: cols, pad: new([25]float32), id: id}
	for i := range rows {
		copy(t.pad[i*5:], v[i*cols:(i+1)*cols])
	}
	return t
}

// winoTileVec, set by useLevel where the CPU has it, is winoTransform of
// one of the package's matrices (t.id) in assembly.
var winoTileVec func(t winoMatrix, in, out winoTile, lanes int)

// row returns row i of t.
func (t winoMatrix) row(i int) []float32 { return t.pad[i*5:][:t.cols] }

// transposed returns the transpose of t with place id.
func (t winoMatrix) transposed(id int) winoMatrix {
	u := winoMatrix{rows: t.cols, cols: t.rows, pad: new([25]float32), id: id}
	for i := range t.rows {
		for j := range t.cols {
			u.pad[j*5+i] = t.pad[i*5+j]
		}
	}
	return u
}

// The transforms of F(4x4, 2x2): winoBT of the input tiles, winoAT of
// the products back to outputs, winoG of the kernel; winoB, winoA and
// winoGT their adjoints.
var (
	winoBT = newWinoMatrix(5, 5, 0,
		-2, -1, 2, 1, 0,
		0, 2, 3, 1, 0,
		0, -2, 1, 1, 0,
		0, -1, 0, 1, 0,
		0, -2, -1, 2, 1,
	)
	winoAT = newWinoMatrix(4, 5, 2,
		1, 1, 1, 1, 0,
		0, 1, -1, -2, 0,
		0, 1, 1, 4, 0,
		0, 1, -1, -8, 1,
	)
	winoG = newWinoMatrix(5, 2, 4,
		-1.0/2, 0,
		1.0/6, 1.0/6,
		1.0/2, -1.0/2,
		-1.0/6, 1.0/3,
		0, 1,
	)
	winoB, winoA, winoGT = winoBT.transposed(1), winoAT.transposed(3), winoG.transposed(5)
)

// Sizes of F(4x4, 2x2): outputs a tile side, input values a tile side,
// transformed positions a tile.
const (
	winoOut = 4
	winoIn  = 5
	winoPos = winoIn * winoIn
)

// winoApply sets out(i, j) to the sum over k and l of t(i, k) t(j, l)
// in(k, l) for i, j < t.rows, each a vector of lanes values, given tmp
// for t.cols*t.rows of them: t applied to the rows of the tile, then
// to its columns. The sums are the same vector operations in the same
// order whatever the tile, so the result does not depend on where a
// tile is computed.
func winoApply(t winoMatrix, in, out winoTile, lanes int, tmp []float32) {
	rows := winoTile{tmp, t.rows * lanes, lanes}
	for k := range t.cols {
		for j := range t.rows {
			winoCombine(rows.at(k, j, lanes), t.row(j), func(l int) []float32 { return in.at(k, l, lanes) })
		}
	}
	for i := range t.rows {
		for j := range t.rows {
			winoCombine(out.at(i, j, lanes), t.row(i), func(k int) []float32 { return rows.at(k, j, lanes) })
		}
	}
}

// winoCombine sets dst to the sum of coef[l] times src(l), in the order
// of l, adding and subtracting where the coefficient is 1 or -1.
func winoCombine(dst []float32, coef []float32, src func(l int) []float32) {
	first := true
	for l, c := range coef {
		if c == 0 {
			continue
		}
		x := src(l)
		switch {
		case first && c == 1:
			copy(dst, x)
		case first:
			mulVS(dst, x, c)
		case c == 1:
			addVV(dst, dst, x)
		case c == -1:
			subVV(dst, dst, x)
		default:
			axpyVS(dst, x, c)
		}
		first = false
	}
	if first {
		clear(dst)
	}
}
