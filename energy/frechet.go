package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// FrechetDistance returns the Fréchet (2-Wasserstein) distance between
// the Gaussians fitted to the rows of a and of b ([N, K] each, K the same),
// the measure of FID (Heusel et al. 2017) in whatever features the rows
// hold:
//
//	||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a^1/2 S_b S_a^1/2)^1/2),
//
// the covariances divided by N. The square roots are taken through
// symEigen, eigenvalues below zero (rounding) counting as zero. The cost
// is O(K^3): fine for K up to a few hundred.
func FrechetDistance(a, b *tensor.Tensor) float64 {
	if a.Dim() != 2 || b.Dim() != 2 || a.Size(1) != b.Size(1) || a.Size(0) < 2 || b.Size(0) < 2 {
		panic(fmt.Sprintf("energy: FrechetDistance: features %v and %v, want [N, K] and [M, K] with N, M >= 2", a.Shape(), b.Shape()))
	}
	k := a.Size(1)
	ma, sa := meanCov(a.Data(), a.Size(0), k)
	mb, sb := meanCov(b.Data(), b.Size(0), k)
	var d float64
	for j := range ma {
		d += (ma[j] - mb[j]) * (ma[j] - mb[j])
	}
	for j := range k {
		d += sa[j*k+j] + sb[j*k+j]
	}
	root := symSqrt(sa, k)
	m := matmul(matmul(root, sb, k), root, k)
	vals, _ := symEigen(symmetrize(m, k), k)
	for _, v := range vals {
		d -= 2 * math.Sqrt(max(v, 0))
	}
	return max(d, 0)
}

// symSqrt returns the square root V diag(sqrt(l)) V^T of the symmetric
// positive semi-definite k x k matrix s (left as it is).
func symSqrt(s []float64, k int) []float64 {
	vals, vecs := symEigen(append([]float64(nil), s...), k)
	out := make([]float64, k*k)
	for c, l := range vals {
		r := math.Sqrt(max(l, 0))
		for i := range k {
			for j := range k {
				out[i*k+j] += vecs[i*k+c] * r * vecs[j*k+c]
			}
		}
	}
	return out
}

// matmul returns the product of the k x k row-major matrices a and b.
func matmul(a, b []float64, k int) []float64 {
	out := make([]float64, k*k)
	for i := range k {
		for l := range k {
			x := a[i*k+l]
			for j := range k {
				out[i*k+j] += x * b[l*k+j]
			}
		}
	}
	return out
}

// symmetrize returns (m + m^T) / 2 in place, clearing rounding asymmetry.
func symmetrize(m []float64, k int) []float64 {
	for i := range k {
		for j := i + 1; j < k; j++ {
			v := (m[i*k+j] + m[j*k+i]) / 2
			m[i*k+j], m[j*k+i] = v, v
		}
	}
	return m
}
