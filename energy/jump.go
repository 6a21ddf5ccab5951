package energy

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// Jump is a Metropolis-Hastings move between the modes of exp(-F) for
// persistent chains. Langevin steps at temperature 1 do not cross the
// barriers between well separated modes, so the share of chains in each
// mode would be set by where chains were started rather than by the
// energy, and training would move whole modes up or down without bound.
// Jump proposes, for each chain, a new state drawn independently of it
// from a fixed proposal q and accepts it with probability
//
//	min(1, exp(F(y) - F(y')) q(y) / q(y'))
//
// (Hastings 1970; the independence sampler of Tierney 1994), which leaves
// exp(-F) invariant. q is a mixture: with probability 1-Uniform a Gaussian
// of standard deviation Width around a point of the current data batch (a
// kernel density estimate of the data), otherwise uniform noise in the box
// [Lo, Hi]^D, which lets chains find and remove spurious low-energy
// regions. Since q depends on the data batch but not on the chains, each
// move is exact for any model; proposals near the data are accepted often
// once the model is close to the data.
type Jump struct {
	Width   float32
	Uniform float32
	Lo, Hi  float32
	Acceptance
}

// Validate reports a setting that cannot run.
func (j *Jump) Validate() error {
	if !(j.Width > 0) || !(j.Uniform >= 0 && j.Uniform <= 1) || !(j.Lo < j.Hi) || isBad(j.Width) || isBad(j.Lo) || isBad(j.Hi) {
		return fmt.Errorf("energy: Jump needs width > 0, uniform share in [0, 1] and lo < hi, got width %v, uniform %v, [%v, %v]", j.Width, j.Uniform, j.Lo, j.Hi)
	}
	return nil
}

// Move makes one proposal per chain of y ([N, ...], changed in place),
// with the data batch pos ([B, ...], same sample shape) as the centres of
// the proposal's kernels; x is passed to the model as it is.
func (j *Jump) Move(m Model, x, y, pos *tensor.Tensor, rng *tensor.RNG) {
	n, b := y.Size(0), pos.Size(0)
	row := y.Len() / n
	if pos.Len()/b != row {
		panic(fmt.Sprintf("energy: Jump: chains %v and data %v differ in sample shape", y.Shape(), pos.Shape()))
	}
	prop := tensor.Empty(y.Shape()...) // every row is drawn below
	pd, cd := prop.Values(), pos.Values()
	for i := 0; i < n; i++ {
		dst := pd[i*row : (i+1)*row]
		if rng.Float32() < j.Uniform {
			for k := range dst {
				dst[k] = j.Lo + (j.Hi-j.Lo)*rng.Float32()
			}
			continue
		}
		c := rng.IntN(b)
		for k := range dst {
			dst[k] = cd[c*row+k] + j.Width*rng.Norm()
		}
	}
	eCur, eProp := m.Energy(x, y).DetachRelease(), m.Energy(x, prop).DetachRelease()
	yd, ec, ep := y.Values(), eCur.Values(), eProp.Values()
	// The proposal's log-densities at both ends of each move, the costly
	// part, are computed in parallel; the decisions, which draw from rng,
	// in order.
	q := j.density(cd, row)
	qCur, qNext := make([]float64, n), make([]float64, n)
	kernel.Parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			qCur[i] = q.log(yd[i*row : (i+1)*row])
			qNext[i] = q.log(pd[i*row : (i+1)*row])
		}
	})
	for i := 0; i < n; i++ {
		cur, next := yd[i*row:(i+1)*row], pd[i*row:(i+1)*row]
		logR := float64(ec[i]) - float64(ep[i]) + qCur[i] - qNext[i]
		ok := !math.IsNaN(logR) && (logR >= 0 || rng.Float64() < math.Exp(logR))
		j.record(ok)
		if ok {
			copy(cur, next)
		}
	}
	prop.Recycle()
}

// proposal is the density of a Jump's proposal for one data batch: its
// kernels' centres, sorted by their first coordinate, and its constants.
type proposal struct {
	centres []float64 // rows of row values
	row     int
	h2      float64 // the kernels' variance
	logK    float64 // log of a kernel's weight times its peak density
	logU    float64 // log of the uniform part's density inside the box, -Inf without one
	lo, hi  float32
	// reach is the distance beyond which a kernel's term is below e^-60
	// of the uniform part's (+Inf without one): inside the box only the
	// kernels within it need to be summed, in a slab of the first
	// coordinate.
	reach float64
}

// density returns the proposal of the data batch whose rows (of row
// values) are centres.
func (j *Jump) density(centres []float32, row int) *proposal {
	b := len(centres) / row
	order := make([]int, b)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(p, q int) int { return cmp.Compare(centres[p*row], centres[q*row]) })
	c := make([]float64, 0, len(centres))
	for _, i := range order {
		for _, v := range centres[i*row : (i+1)*row] {
			c = append(c, float64(v))
		}
	}
	h2 := float64(j.Width) * float64(j.Width)
	q := &proposal{centres: c, row: row, h2: h2, lo: j.Lo, hi: j.Hi, logU: math.Inf(-1), reach: math.Inf(1),
		logK: math.Log1p(-float64(j.Uniform)) - math.Log(float64(b)) - 0.5*float64(row)*math.Log(2*math.Pi*h2)}
	if j.Uniform > 0 {
		q.logU = math.Log(float64(j.Uniform)) - float64(row)*math.Log(float64(j.Hi-j.Lo))
		// logK - d^2/(2 h2) < logU - 60 - log b for d beyond reach: b
		// such terms add less than e^-60 of the uniform part.
		q.reach = math.Sqrt(2 * h2 * max(0, q.logK-q.logU+60+math.Log(float64(b))))
	}
	return q
}

// log returns the log-density of the proposal at v. The kernels' part is
// a log-sum-exp, which stays finite far from every centre, over the
// kernels within 60 nats of the nearest: the others add less than e^-60
// of its term each, below float64's precision. Inside the box, where the
// uniform part is, the kernels beyond reach are left out too.
func (q *proposal) log(v []float32) float64 {
	in := !math.IsInf(q.logU, -1) && inBox(v, q.lo, q.hi)
	first, last := 0, len(q.centres)/q.row
	if in {
		x := float64(v[0])
		first = sort.Search(last, func(c int) bool { return q.centres[c*q.row] >= x-q.reach })
		last = sort.Search(last, func(c int) bool { return q.centres[c*q.row] > x+q.reach })
	}
	d2 := make([]float64, 0, last-first)
	nearest := math.Inf(1)
	for c := first; c < last; c++ {
		var s float64
		for k, vk := range v {
			d := float64(vk) - q.centres[c*q.row+k]
			s += d * d
		}
		d2 = append(d2, s)
		nearest = min(nearest, s)
	}
	var sum float64
	for _, s := range d2 {
		if a := (s - nearest) / (2 * q.h2); a < 60 {
			sum += math.Exp(-a)
		}
	}
	logK := math.Inf(-1)
	if sum > 0 {
		logK = q.logK - nearest/(2*q.h2) + math.Log(sum)
	}
	if !in {
		return logK
	}
	top := max(logK, q.logU)
	return top + math.Log(math.Exp(logK-top)+math.Exp(q.logU-top))
}

func inBox(v []float32, lo, hi float32) bool {
	for _, x := range v {
		if x < lo || x > hi {
			return false
		}
	}
	return true
}
