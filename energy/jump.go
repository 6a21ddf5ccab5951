package energy

import (
	"fmt"
	"math"

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
	prop := tensor.Zeros(y.Shape()...)
	pd, cd := prop.Data(), pos.Data()
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
	yd := y.Data()
	// The proposal's log-densities at both ends of each move, the costly
	// part (every chain against every kernel), are computed in parallel;
	// the decisions, which draw from rng, in order.
	qCur, qNext := make([]float64, n), make([]float64, n)
	kernel.Parallel(n, func(lo, hi int) {
		d2 := make([]float64, b)
		for i := lo; i < hi; i++ {
			qCur[i] = j.logQ(yd[i*row:(i+1)*row], cd, row, d2)
			qNext[i] = j.logQ(pd[i*row:(i+1)*row], cd, row, d2)
		}
	})
	for i := 0; i < n; i++ {
		cur, next := yd[i*row:(i+1)*row], pd[i*row:(i+1)*row]
		logR := float64(eCur.Data()[i]) - float64(eProp.Data()[i]) + qCur[i] - qNext[i]
		ok := !math.IsNaN(logR) && (logR >= 0 || rng.Float64() < math.Exp(logR))
		j.record(ok)
		if ok {
			copy(cur, next)
		}
	}
}

// logQ returns the log-density of the proposal at the point v of length
// row, given the kernel centres (rows of centres), with d2 a scratch
// slice of one value per centre. It is computed as a log-sum-exp so that
// it stays finite far from every centre, over the kernels within 60 nats
// of the nearest: the others add less than e^-60 of its term each, below
// float64's precision.
func (j *Jump) logQ(v, centres []float32, row int, d2 []float64) float64 {
	h2 := float64(j.Width) * float64(j.Width)
	nearest := math.Inf(1)
	for c := range d2 {
		var s float64
		for k, vk := range v {
			d := float64(vk) - float64(centres[c*row+k])
			s += d * d
		}
		d2[c] = s
		nearest = min(nearest, s)
	}
	var sum float64
	for _, s := range d2 {
		if a := (s - nearest) / (2 * h2); a < 60 {
			sum += math.Exp(-a)
		}
	}
	logK := math.Log1p(-float64(j.Uniform)) - math.Log(float64(len(d2))) - 0.5*float64(row)*math.Log(2*math.Pi*h2) -
		nearest/(2*h2) + math.Log(sum)
	if j.Uniform == 0 || !inBox(v, j.Lo, j.Hi) {
		return logK
	}
	logU := math.Log(float64(j.Uniform)) - float64(row)*math.Log(float64(j.Hi-j.Lo))
	top := max(logK, logU)
	return top + math.Log(math.Exp(logK-top)+math.Exp(logU-top))
}

func inBox(v []float32, lo, hi float32) bool {
	for _, x := range v {
		if x < lo || x > hi {
			return false
		}
	}
	return true
}
