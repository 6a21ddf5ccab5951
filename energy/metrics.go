package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
)

// GridPoints returns the centres of a res-by-res grid over the box, row by
// row from YMin up, as a [res*res, 2] tensor, and the area of one cell.
func GridPoints(b data.Box, res int) (*tensor.Tensor, float64) {
	pts := tensor.Zeros(res*res, 2)
	d := pts.Data()
	dx, dy := (b.XMax-b.XMin)/float64(res), (b.YMax-b.YMin)/float64(res)
	for i := 0; i < res; i++ {
		for j := 0; j < res; j++ {
			k := i*res + j
			d[2*k] = float32(b.XMin + (float64(j)+0.5)*dx)
			d[2*k+1] = float32(b.YMin + (float64(i)+0.5)*dy)
		}
	}
	return pts, dx * dy
}

// GridEnergies evaluates an unconditional 2-D model on GridPoints(res),
// in batches, without recording gradients; the result has shape [res*res].
func GridEnergies(m Model, b data.Box, res int) *tensor.Tensor {
	pts, _ := GridPoints(b, res)
	return batchedEnergy(m, pts, 4096)
}

func batchedEnergy(m Model, y *tensor.Tensor, batch int) *tensor.Tensor {
	n := y.Size(0)
	out := tensor.Zeros(n)
	for s := 0; s < n; s += batch {
		e := m.Energy(nil, y.Narrow(0, s, min(batch, n-s))).DetachRelease()
		copy(out.Data()[s:], e.Data())
	}
	return out
}

// GridLogZ approximates the log partition function log of the integral
// of exp(-F) over the box by a Riemann sum on a res-by-res grid. For 2-D
// models whose mass lies inside the box this is accurate enough to turn
// energies into normalised log-densities.
func GridLogZ(m Model, b data.Box, res int) float64 {
	e := GridEnergies(m, b, res)
	cell := (b.XMax - b.XMin) * (b.YMax - b.YMin) / float64(res*res)
	lse := e.Neg().LogSumExp().Item()
	return float64(lse) + math.Log(cell)
}

// GridNLL returns the mean negative log-likelihood of test points [N, 2]
// under the density exp(-F)/Z, with Z from GridLogZ, in nats.
func GridNLL(m Model, test *tensor.Tensor, b data.Box, res int) float64 {
	e := batchedEnergy(m, test, 4096)
	return float64(e.Mean().Item()) + GridLogZ(m, b, res)
}

// ModeStats measures how samples cover the modes of a mixture, as in
// PacGAN (Lin et al. 2018): a sample is of high quality when it lies
// within 3 standard deviations of some mode's centre, and then belongs to
// the nearest one.
type ModeStats struct {
	Modes int // number of modes
	// Covered is the number of modes with at least one high-quality sample.
	Covered int
	// HighQuality is the fraction of samples that are of high quality: a
	// ring of samples smeared between the modes covers every mode but
	// scores low here.
	HighQuality float64
	// ReverseKL is KL(q || uniform) in nats, q being the histogram of the
	// high-quality samples over the modes: 0 when they are spread evenly,
	// log(Modes) when all sit on one mode, +Inf when there are none.
	ReverseKL float64
	// Counts holds, per mode, how many high-quality samples belong to it:
	// the histogram that ReverseKL measures.
	Counts []int
}

// ModeCoverage returns the ModeStats of samples [N, 2] for the modes of a
// mixture with the given centres and common standard deviation.
func ModeCoverage(samples *tensor.Tensor, centres [][2]float64, std float64) ModeStats {
	if samples.Dim() != 2 || samples.Size(1) != 2 {
		panic(fmt.Sprintf("energy: ModeCoverage: samples %v, want [N, 2]", samples.Shape()))
	}
	n := samples.Size(0)
	counts := make([]int, len(centres))
	near := 0
	d := samples.Data()
	for i := 0; i < n; i++ {
		x, y := float64(d[2*i]), float64(d[2*i+1])
		best, bd := -1, math.Inf(1)
		for k, c := range centres {
			if dist := math.Hypot(x-c[0], y-c[1]); dist < bd {
				best, bd = k, dist
			}
		}
		if best >= 0 && bd <= 3*std {
			counts[best]++
			near++
		}
	}
	return coverage(counts, near, n)
}

// ClassCoverage returns the ModeStats of samples over the classes of a
// classifier, from its class probabilities probs ([N, classes]): a sample
// is of high quality when its most probable class has probability at
// least confidence, and then belongs to that class. Modes counts the
// classes.
func ClassCoverage(probs *tensor.Tensor, confidence float64) ModeStats {
	if probs.Dim() != 2 {
		panic(fmt.Sprintf("energy: ClassCoverage: probabilities %v, want [N, classes]", probs.Shape()))
	}
	n, k := probs.Size(0), probs.Size(1)
	counts := make([]int, k)
	near := 0
	p := probs.Data()
	for i := range n {
		row := p[i*k : (i+1)*k]
		best := 0
		for c, v := range row {
			if v > row[best] {
				best = c
			}
		}
		if float64(row[best]) >= confidence {
			counts[best]++
			near++
		}
	}
	return coverage(counts, near, n)
}

// coverage returns the ModeStats of n samples of which near are of high
// quality, counts[k] of them belonging to mode k.
func coverage(counts []int, near, n int) ModeStats {
	st := ModeStats{Modes: len(counts), ReverseKL: math.Inf(1), Counts: counts}
	if n > 0 {
		st.HighQuality = float64(near) / float64(n)
	}
	if near > 0 {
		st.ReverseKL = 0
	}
	for _, c := range counts {
		if c > 0 {
			st.Covered++
			q := float64(c) / float64(near)
			st.ReverseKL += q * math.Log(q*float64(len(counts)))
		}
	}
	return st
}
