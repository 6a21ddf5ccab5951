package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// SparseCoding is the sparse coding energy of Olshausen & Field (1996),
// a regularized latent-variable model (Ranzato, Boureau, Chopra & LeCun 2007):
//
//	E(y, z) = 1/2 ||y - D z||^2 + lambda |z|_1,
//
// with a dictionary D whose columns (atoms) have unit norm. The code z may
// be larger than y (an overcomplete dictionary); the L1 term keeps the set
// of well-reconstructed y, the volume of low energy, small. The free energy
// F(y) = min_z E(y, z) is a lasso problem, solved by proximal gradient
// descent: ISTA (Daubechies, Defrise & De Mol 2004) or its accelerated form
// FISTA (Beck & Teboulle 2009). The input x is ignored.
type SparseCoding struct {
	Dict   *tensor.Tensor // D, atoms as columns, shape [dy, dz]
	Lambda float32        // weight of the L1 penalty, > 0
	Iters  int            // FISTA iterations used by Energy
}

// NewSparseCoding returns a sparse coding energy with a random dictionary of
// dz Gaussian atoms of dimension dy, each scaled to unit norm, and Energy
// using 100 FISTA iterations.
func NewSparseCoding(rng *tensor.RNG, dy, dz int, lambda float32) *SparseCoding {
	s := &SparseCoding{Dict: tensor.Randn(rng, dy, dz), Lambda: lambda, Iters: 100}
	unitColumns(s.Dict)
	return s
}

// Params returns the dictionary as "dict".
func (s *SparseCoding) Params() []nn.Param { return []nn.Param{{Name: "dict", Tensor: s.Dict}} }

// LatentEnergy returns E(y, z) = 1/2 ||y - D z||^2 + lambda |z|_1 for each
// row of y ([N, dy]) and z ([N, dz]), shape [N].
func (s *SparseCoding) LatentEnergy(_, y, z *tensor.Tensor) *tensor.Tensor {
	r := matrixRows("SparseCoding", y, s.Dict.Size(0)).Sub(tensor.MatmulT(z, s.Dict, false, true))
	return r.Square().Sum(1).MulScalar(0.5).Add(z.Abs().Sum(1).MulScalar(s.Lambda))
}

// Energy returns F(y) ~ min_z E(y, z), with z from s.Iters iterations of
// FISTA (z = 0 when Iters is 0), shape [N]. The code is held fixed, so the gradient with respect to
// y (or D) is that of E at z*, which is the gradient of F at the minimum.
func (s *SparseCoding) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	return s.LatentEnergy(x, y, s.FISTA(y, s.Iters))
}

// Lipschitz returns L, the largest eigenvalue of D^T D: the Lipschitz
// constant of the gradient of the reconstruction term, whose inverse is the
// step size of ISTA and FISTA. It is computed exactly from the smaller of
// the Gram matrices D^T D and D D^T, which share their nonzero eigenvalues.
func (s *SparseCoding) Lipschitz() float64 {
	dy, dz := s.Dict.Size(0), s.Dict.Size(1)
	d := s.Dict.Data()
	n := min(dy, dz)
	g := make([]float64, n*n)
	for a := range n {
		for b := a; b < n; b++ {
			sum := 0.0
			if dz <= dy { // (D^T D)_ab = sum_i D_ia D_ib
				for i := range dy {
					sum += float64(d[i*dz+a]) * float64(d[i*dz+b])
				}
			} else { // (D D^T)_ab = sum_j D_aj D_bj
				for j := range dz {
					sum += float64(d[a*dz+j]) * float64(d[b*dz+j])
				}
			}
			g[a*n+b], g[b*n+a] = sum, sum
		}
	}
	vals, _ := symEigen(g, n)
	return vals[0]
}

// ISTAWeights returns the matrices of one ISTA iteration written as a
// layer, the form that LISTA learns (Gregor & LeCun 2010):
//
//	z_{k+1} = h_theta(We y + S z_k),  We = D^T / L,  S = I - D^T D / L,
//	theta = lambda / L,
//
// where h_theta is the soft threshold (Shrink). We has shape [dz, dy] and
// S shape [dz, dz].
func (s *SparseCoding) ISTAWeights() (we, sMat *tensor.Tensor, theta float32) {
	dz := s.Dict.Size(1)
	inv := float32(1 / s.Lipschitz())
	d := s.Dict.Detach()
	we = d.T().MulScalar(inv)
	sMat = tensor.Eye(dz).Sub(tensor.MatmulT(d, d, true, false).MulScalar(inv))
	return we, sMat, s.Lambda * inv
}

// ISTA returns the codes of the rows of y ([N, dy]) after iters iterations
// of the iterative shrinkage-thresholding algorithm started at z = 0:
// z_{k+1} = h_{lambda/L}(z_k - D^T (D z_k - y) / L). Its energy gap to the
// minimum decreases as O(1/k).
func (s *SparseCoding) ISTA(y *tensor.Tensor, iters int) *tensor.Tensor {
	return s.proximal(y, iters, false, nil)
}

// FISTA returns the codes after iters iterations of the fast iterative
// shrinkage-thresholding algorithm (Beck & Teboulle 2009) started at
// z_0 = v_1 = 0, t_1 = 1:
//
//	z_k     = h_{lambda/L}(v_k - D^T (D v_k - y) / L)
//	t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2
//	v_{k+1} = z_k + ((t_k - 1) / t_{k+1}) (z_k - z_{k-1})
//
// Each iteration costs the same as one of ISTA; the energy gap decreases
// as O(1/k^2).
func (s *SparseCoding) FISTA(y *tensor.Tensor, iters int) *tensor.Tensor {
	return s.proximal(y, iters, true, nil)
}

// ISTAEach runs iters ISTA iterations on y and calls each with the
// iteration count k = 1..iters and the codes z_k, which it must not keep
// or modify; it returns the last codes.
func (s *SparseCoding) ISTAEach(y *tensor.Tensor, iters int, each func(k int, z *tensor.Tensor)) *tensor.Tensor {
	return s.proximal(y, iters, false, each)
}

// FISTAEach is ISTAEach for FISTA.
func (s *SparseCoding) FISTAEach(y *tensor.Tensor, iters int, each func(k int, z *tensor.Tensor)) *tensor.Tensor {
	return s.proximal(y, iters, true, each)
}

// proximal runs ISTA, or FISTA when momentum is set, on the rows of y in
// the layer form of ISTAWeights: B = y We^T is computed once and every
// iteration costs one product with S. When each is not nil it is called
// with the iteration count k = 1..iters and the codes z_k, which it must
// not keep or modify.
func (s *SparseCoding) proximal(y *tensor.Tensor, iters int, momentum bool, each func(k int, z *tensor.Tensor)) *tensor.Tensor {
	if iters < 0 {
		panic(fmt.Sprintf("energy: SparseCoding: %d iterations", iters))
	}
	rows := matrixRows("SparseCoding", y.Detach(), s.Dict.Size(0))
	we, sMat, theta := s.ISTAWeights()
	b := tensor.MatmulT(rows, we, false, true)
	z := tensor.ZerosLike(b)
	z = tensor.ZerosLike(b)
	prev := tensor.ZerosLike(b)
	v := z
	t := 1.0
	for k := 1; k <= iters; k++ {
		u := tensor.MatmulT(v, sMat, false, true).Data()
		zd, pd := z.Data(), prev.Data()
		copy(pd, zd)
		for i, bi := range b.Data() {
			zd[i] = shrink1(bi+u[i], theta)
		}
		if each != nil {
			each(k, z)
		}
		if !momentum {
			v = z
			continue
		}
		tNext := (1 + math.Sqrt(1+4*t*t)) / 2
		w := float32((t - 1) / tNext)
		t = tNext
		v = tensor.ZerosLike(z)
		vd := v.Data()
		for i, zi := range zd {
			vd[i] = zi + w*(zi-pd[i])
		}
	}
	return z
}

// shrink1 is the soft threshold of one value: sign(u) max(|u| - theta, 0).
func shrink1(u, theta float32) float32 {
	switch {
	case u > theta:
		return u - theta
	case u < -theta:
		return u + theta
	}
	return 0
}

// Shrink returns the soft threshold h_theta(u) = sign(u) max(|u| - theta, 0),
// the proximal operator of theta |.|_1, written as
// ReLU(u - theta) - ReLU(-u - theta) so that it is differentiable in u and
// in theta, which broadcasts against u (a scalar or one threshold per
// code unit).
func Shrink(u, theta *tensor.Tensor) *tensor.Tensor {
	return u.Sub(theta).ReLU().Sub(u.Neg().Sub(theta).ReLU())
}

// LearnDict takes one gradient step on the dictionary for the mean
// reconstruction energy of the batch with the codes z held fixed,
//
//	D <- D + lr (y - D z)^T z / N,
//
// then scales every atom back to unit norm, which keeps the L1 penalty from
// being defeated by growing atoms and shrinking codes (Olshausen & Field
// 1996). Alternating it with FISTA is dictionary learning.
func (s *SparseCoding) LearnDict(y, z *tensor.Tensor, lr float32) {
	rows := matrixRows("SparseCoding", y.Detach(), s.Dict.Size(0))
	r := rows.Sub(tensor.MatmulT(z.Detach(), s.Dict.Detach(), false, true))
	step := tensor.MatmulT(r, z.Detach(), true, false).MulScalar(lr / float32(rows.Size(0)))
	d := s.Dict.Data()
	for i, g := range step.Data() {
		d[i] += g
	}
	unitColumns(s.Dict)
}

// unitColumns scales every nonzero column of the matrix m to unit norm.
func unitColumns(m *tensor.Tensor) {
	rows, cols := m.Size(0), m.Size(1)
	d := m.Data()
	for j := range cols {
		n := 0.0
		for i := range rows {
			n += float64(d[i*cols+j]) * float64(d[i*cols+j])
		}
		if n == 0 {
			continue
		}
		inv := float32(1 / math.Sqrt(n))
		for i := range rows {
			d[i*cols+j] *= inv
		}
	}
}

// SparseSignals draws n signals y = D z + noise from the dictionary D
// ([dy, dz]) with k-sparse codes z whose non-zero entries are standard
// normal: the synthetic data on which sparse coding and LISTA are
// usually compared. It returns the signals [n, dy] and their codes [n, dz].
func SparseSignals(rng *tensor.RNG, dict *tensor.Tensor, n, k int, noise float32) (y, z *tensor.Tensor) {
	dy, dz := dict.Size(0), dict.Size(1)
	if k < 0 || k > dz {
		panic(fmt.Sprintf("energy: SparseSignals: %d non-zeros for codes of size %d", k, dz))
	}
	z = tensor.Zeros(n, dz)
	for i := range n {
		for _, j := range rng.Perm(dz)[:k] {
			z.Set(rng.Norm(), i, j)
		}
	}
	y = tensor.MatmulT(z, dict, false, true).Add(tensor.Randn(rng, n, dy).MulScalar(noise))
	return y, z
}
