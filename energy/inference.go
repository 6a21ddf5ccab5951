package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// ArgminFinite evaluates F(x_i, y) for every candidate y (candidates has
// shape [K, ...]) and returns the index of the lowest energy per sample and
// all energies, shape [N, K]. For an unconditional model pass x == nil and
// n = 1.
func ArgminFinite(m Model, x, candidates *tensor.Tensor) (best []int, energies *tensor.Tensor) {
	n := 1
	if x != nil {
		n = x.Size(0)
	}
	k := candidates.Size(0)
	energies = AllEnergies(m, x, candidates).DetachRelease()
	best = make([]int, n)
	for i := 0; i < n; i++ {
		row := energies.Data()[i*k : (i+1)*k]
		for j, e := range row {
			if e < row[best[i]] {
				best[i] = j
			}
		}
	}
	return best, energies
}

// AllEnergies returns F(x_i, y_k) for every sample i and candidate k, shape
// [N, K], as a differentiable tensor (the contrastive losses on a finite
// set of answers take it). With x == nil it returns shape [1, K].
func AllEnergies(m Model, x, candidates *tensor.Tensor) *tensor.Tensor {
	k := candidates.Size(0)
	if x == nil {
		return m.Energy(nil, candidates).Reshape(1, k)
	}
	n := x.Size(0)
	xs := repeatRows(x, k)        // x_0 k times, x_1 k times, ...
	ys := tileRows(candidates, n) // y_0..y_{k-1}, n times
	return m.Energy(xs, ys).Reshape(n, k)
}

// repeatRows repeats each row of t k times: rows 0,0,..,1,1,...
func repeatRows(t *tensor.Tensor, k int) *tensor.Tensor {
	return t.IndexSelect(0, pairIndex(t.Size(0), k, func(i, _ int) int { return i }))
}

// tileRows repeats the whole of t n times: rows 0,1,..,0,1,...
func tileRows(t *tensor.Tensor, n int) *tensor.Tensor {
	return t.IndexSelect(0, pairIndex(n, t.Size(0), func(_, j int) int { return j }))
}

// pairIndex lists pick(i, j) for all pairs of i < n and j < k, i major.
func pairIndex(n, k int, pick func(i, j int) int) []int {
	idx := make([]int, 0, n*k)
	for i := 0; i < n; i++ {
		for j := 0; j < k; j++ {
			idx = append(idx, pick(i, j))
		}
	}
	return idx
}

// Descent configures gradient descent on a continuous variable.
type Descent struct {
	Steps    int
	StepSize float32
	// Lo and Hi, when Lo < Hi, bound every coordinate: each step is
	// projected back into the box [Lo, Hi].
	Lo, Hi float32
}

func (d Descent) validate() error {
	if d.Steps < 0 || d.StepSize <= 0 || math.IsNaN(float64(d.StepSize)) {
		return fmt.Errorf("energy: descent needs steps >= 0 and a positive step size, got %d and %v", d.Steps, d.StepSize)
	}
	return nil
}

func (d Descent) project(y *tensor.Tensor) {
	if d.Lo < d.Hi {
		clampInPlace(y, d.Lo, d.Hi)
	}
}

func clampInPlace(y *tensor.Tensor, lo, hi float32) {
	v := y.Values()
	for i := range v {
		v[i] = min(max(v[i], lo), hi)
	}
}

// Descend minimises F(x, y) over a continuous y by gradient descent from
// y0, y <- y - step * dF/dy, and returns the final y and its energies.
// The model's parameters are not differentiated.
func Descend(m Model, x, y0 *tensor.Tensor, d Descent) (y, energies *tensor.Tensor, err error) {
	if err := d.validate(); err != nil {
		return nil, nil, err
	}
	y = y0.Clone()
	d.project(y)
	grads := newInputGrad(m)
	for s := 0; s < d.Steps; s++ {
		g, e := grads.at(x, y)
		axpy(y, -d.StepSize, g)
		g.Recycle()
		e.Recycle()
		d.project(y)
	}
	return y, m.Energy(x, y).DetachRelease(), nil
}

// axpy sets y += a*x in place.
func axpy(y *tensor.Tensor, a float32, x *tensor.Tensor) {
	yd, xd := y.Values(), x.Values()
	for i := range yd {
		yd[i] += a * xd[i]
	}
}

// MinLatentGrid minimises E(x, y, z) over a finite grid of latent values
// (grid has shape [K, ...]) for each sample. It returns the index of the
// best z, F_inf = min_z E, and all energies [N, K].
func MinLatentGrid(m LatentModel, x, y, grid *tensor.Tensor) (best []int, fInf, energies *tensor.Tensor) {
	n, k := y.Size(0), grid.Size(0)
	var xs *tensor.Tensor
	if x != nil {
		xs = repeatRows(x, k)
	}
	energies = m.LatentEnergy(xs, repeatRows(y, k), tileRows(grid, n)).Reshape(n, k).DetachRelease()
	fInf = energies.Min(1)
	best = make([]int, n)
	for i, v := range energies.Argmin(1).Data() {
		best[i] = int(v)
	}
	return best, fInf, energies
}

// MinLatentDescent minimises E(x, y, z) over a continuous z by gradient
// descent from z0, and returns z and min_z E per sample.
func MinLatentDescent(m LatentModel, x, y, z0 *tensor.Tensor, d Descent) (z, fInf *tensor.Tensor, err error) {
	fixed := Func(func(_, z *tensor.Tensor) *tensor.Tensor { return m.LatentEnergy(x, y, z) })
	return Descend(fixed, nil, z0, d)
}

// FreeEnergy returns, for energies of shape [N, K] over K latent values,
// F_beta = -1/beta log( (1/K) sum_k exp(-beta E_k) ) per row: a soft
// minimum that tends to min_k E_k as beta grows and to the mean as beta
// goes to 0. It is differentiable.
func FreeEnergy(energies *tensor.Tensor, beta float32) *tensor.Tensor {
	if beta <= 0 {
		panic(fmt.Sprintf("energy: FreeEnergy: beta %v must be positive", beta))
	}
	k := float32(energies.Size(-1))
	lse := energies.MulScalar(-beta).LogSumExp(-1)
	return lse.AddScalar(-float32(math.Log(float64(k)))).MulScalar(-1 / beta)
}
