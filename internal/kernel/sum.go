package kernel

// The sums: Sum and Dot add blocks of values in float32 vector lanes and
// the block totals in float64; Carry moves float32 partial sums of rows
// into float64 totals for reductions over leading axes. Their rounding
// error does not grow with the number of values, and their bits depend
// only on the values, never on the level of loops or the thread count.

// sumBlock is the number of values Sum adds in float32 before it carries
// their total into a float64 sum. The float32 rounding error is that of
// one block, however long x is, and the block is long enough that the
// carries cost nothing beside the vector adds.
const sumBlock = 256

// Sum returns the sum of x: each block of sumBlock values (the last one
// shorter) is summed in 32 float32 lanes as sumBlockGo describes, and the
// block totals are added in order in float64, rounded to float32 at the
// end. The result depends only on x, not on the level or thread count.
func Sum(x []float32) float32 {
	var t float64
	for len(x) > sumBlock {
		t += float64(sumVec(x[:sumBlock]))
		x = x[sumBlock:]
	}
	return float32(t + float64(sumVec(x)))
}

// sumBlockGo returns the sum of one block in 32 float32 lanes: lane j adds
// x[j], x[j+32], ... in order, then the whole eights past the last whole
// 32 go into lanes 0-7; the lanes are combined by combineLanes, and the
// values past the last whole eight are added one by one.
func sumBlockGo(x []float32) float32 {
	var s [32]float32
	i := 0
	for ; i+32 <= len(x); i += 32 {
		v := x[i : i+32 : i+32]
		for j := range s {
			s[j] += v[j]
		}
	}
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		for j := range v {
			s[j] += v[j]
		}
	}
	t := combineLanes(&s)
	for ; i < len(x); i++ {
		t += x[i]
	}
	return t
}

// combineLanes adds the 32 lanes of a block sum: lane j and its partners
// j+8, j+16, j+24 as (s[j] + s[j+8]) + (s[j+16] + s[j+24]), then those
// eight as ((v0 + v4) + (v1 + v5)) + ((v2 + v6) + (v3 + v7)), the order of
// the vector loops.
func combineLanes(s *[32]float32) float32 {
	var v [8]float32
	for j := range v {
		v[j] = (s[j] + s[j+8]) + (s[j+16] + s[j+24])
	}
	return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]))
}

// Dot returns the sum of x[i] y[i]: each block of sumBlock products is
// added in float32 as dotBlockGo describes, and the block totals are
// added in order in float64, as in Sum, so that the rounding error does
// not grow with the length. y must hold len(x) values.
func Dot(x, y []float32) float32 {
	y = y[:len(x)]
	var t float64
	for len(x) > sumBlock {
		t += float64(dotVec(x[:sumBlock], y[:sumBlock]))
		x, y = x[sumBlock:], y[sumBlock:]
	}
	return float32(t + float64(dotVec(x, y)))
}

// dotBlockGo returns the sum of x[i] y[i] over one block, each product
// rounded to float32 and added in the lanes and order of sumBlockGo.
func dotBlockGo(x, y []float32) float32 {
	y = y[:len(x)]
	var s [32]float32
	i := 0
	for ; i+32 <= len(x); i += 32 {
		a, b := x[i:i+32:i+32], y[i:i+32:i+32]
		for j := range s {
			s[j] += float32(a[j] * b[j])
		}
	}
	for ; i+8 <= len(x); i += 8 {
		a, b := x[i:i+8:i+8], y[i:i+8:i+8]
		for j := range a {
			s[j] += float32(a[j] * b[j])
		}
	}
	t := combineLanes(&s)
	for ; i < len(x); i++ {
		t += float32(x[i] * y[i])
	}
	return t
}

// CarryRows is how many rows a sum of rows (a reduction over a leading
// axis) should add element-wise in float32 before it carries its partial
// sums into float64 with Carry: the float32 rounding error stays that of
// a few adds, and the carries cost little beside the rows' adds.
const CarryRows = 16

// Carry adds part into acc in float64, acc[i] += part[i], and clears part:
// the step that moves float32 partial sums into their float64 totals. acc
// must hold len(part) values.
func Carry(acc []float64, part []float32) {
	acc = acc[:len(part)]
	carryVec(acc, part)
}

// RowSums sets acc, of k = len(acc) columns, to the float64 sums over the
// rows 0..rows-1 of the float32 terms that add(a, part) adds into part for
// row a (a whole row a call): the rows added into float32 partial sums
// carried into float64 with Carry every CarryRows rows and once at the
// end. With split, each block of CarryRows rows (the last holding the
// rest, maybe none) is summed into partial sums of its own, the blocks
// claimed by the threads as they come free (ParallelParts), and the
// blocks' sums carried in order: the same bits on any number of threads.
// add must be safe to run concurrently on different rows and parts.
func RowSums(acc []float64, rows int, split bool, add func(a int, part []float32)) {
	k := len(acc)
	clear(acc)
	if !split || Threads() == 1 {
		part := getBuf(k)
		clear(part)
		for a := range rows {
			add(a, part)
			if (a+1)%CarryRows == 0 {
				Carry(acc, part)
			}
		}
		Carry(acc, part)
		putBuf(part)
		return
	}
	blocks := rows/CarryRows + 1
	parts := getBuf(blocks * k)
	clear(parts)
	ParallelParts(blocks, func(b0, b1 int) {
		for b := b0; b < b1; b++ {
			for a := b * CarryRows; a < min((b+1)*CarryRows, rows); a++ {
				add(a, parts[b*k:(b+1)*k])
			}
		}
	})
	for b := range blocks {
		Carry(acc, parts[b*k:(b+1)*k])
	}
	putBuf(parts)
}

func carryGo(acc []float64, part []float32) {
	acc = acc[:len(part)]
	for i, v := range part {
		acc[i] += float64(v)
		part[i] = 0
	}
}
