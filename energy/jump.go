package energy

import (
	"fmt"
	"math"

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
	for i := 0; i < n; i++ {
		cur, next := yd[i*row:(i+1)*row], pd[i*row:(i+1)*row]
		logR := float64(ec[i]) - float64(ep[i]) + j.logQ(cur, cd, row) - j.logQ(next, cd, row)
		ok := !math.IsNaN(logR) && (logR >= 0 || rng.Float64() < math.Exp(logR))
		j.record(ok)
		if ok {
			copy(cur, next)
		}
	}
	prop.Recycle()
}

// logQ returns the log-density of the proposal at the point v of length
// row, given the kernel centres (rows of centres); it is computed as a
// log-sum-exp so that it stays finite far from every centre.
func (j *Jump) logQ(v, centres []float32, row int) float64 {
	b := len(centres) / row
	h2 := float64(j.Width) * float64(j.Width)
	logs := make([]float64, 0, b+1)
	kernel := math.Log1p(-float64(j.Uniform)) - math.Log(float64(b)) - 0.5*float64(row)*math.Log(2*math.Pi*h2)
	for c := 0; c < b; c++ {
		var d2 float64
		for k, vk := range v {
			d := float64(vk) - float64(centres[c*row+k])
			d2 += d * d
		}
		logs = append(logs, kernel-d2/(2*h2))
	}
	if j.Uniform > 0 && inBox(v, j.Lo, j.Hi) {
		logs = append(logs, math.Log(float64(j.Uniform))-float64(row)*math.Log(float64(j.Hi-j.Lo)))
	}
	return logSumExp(logs)
}

func inBox(v []float32, lo, hi float32) bool {
	for _, x := range v {
		if x < lo || x > hi {
			return false
		}
	}
	return true
}

func logSumExp(v []float64) float64 {
	top := math.Inf(-1)
	for _, x := range v {
		top = max(top, x)
	}
	if math.IsInf(top, -1) {
		return top
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - top)
	}
	return top + math.Log(s)
}
