package energy

import (
	"fmt"
	"math"
	"sort"

	"github.com/gibbsml/gibbs/tensor"
)

// PCA is principal component analysis read as an energy: the simplest
// architectural method, where the volume of low energy is limited by
// making the code z = W^T (y - mu) smaller than y (Ranzato, Boureau,
// Chopra & LeCun 2007, "A Unified Energy-Based Framework for Unsupervised
// Learning"; LeCun's NYU Deep Learning course). With the k leading
// principal directions as the orthonormal columns of W ([d, k]) and the
// mean mu, the energy of y is its reconstruction error
//
//	F(y) = ||(y - mu) - W W^T (y - mu)||^2,
//
// zero on the affine subspace mu + span(W) and growing with the squared
// distance from it. As a latent-variable model, E(y, z) = ||y - mu - W z||^2
// and its minimum over z is F(y), reached at z* = W^T (y - mu) (Encode).
// The input x is ignored: PCA is unconditional.
type PCA struct {
	Mean *tensor.Tensor // mu, shape [d]
	W    *tensor.Tensor // principal directions as columns, shape [d, k]
	// Variances holds all d eigenvalues of the data covariance in
	// decreasing order; the first k belong to the columns of W, the sum of
	// the others is the mean energy of the training data.
	Variances []float64
}

// FitPCA computes the PCA of the rows of y ([N, d], or [N, ...] flattened)
// keeping k directions. The covariance C = 1/N sum_n (y_n - mu)(y_n - mu)^T
// is accumulated in float64 and diagonalised by the cyclic Jacobi method
// (symEigen), whose cost is O(d^3) per sweep: fine for d up to a few
// hundred. Each direction's sign is fixed so that its largest component is
// positive, which makes the result deterministic.
func FitPCA(y *tensor.Tensor, k int) (*PCA, error) {
	if y.Dim() < 2 || y.Size(0) < 2 {
		return nil, fmt.Errorf("energy: FitPCA: need a batch [N, d] with N >= 2, got shape %v", y.Shape())
	}
	n, d := y.Size(0), y.Len()/y.Size(0)
	if k < 1 || k > d {
		return nil, fmt.Errorf("energy: FitPCA: %d components asked for data of dimension %d", k, d)
	}
	mean, cov := meanCov(y.Data(), n, d)
	vals, vecs := symEigen(cov, d)
	w := tensor.Zeros(d, k)
	for c := range k {
		big := 0
		for a := range d {
			if math.Abs(vecs[a*d+c]) > math.Abs(vecs[big*d+c]) {
				big = a
			}
		}
		sign := 1.0
		if vecs[big*d+c] < 0 {
			sign = -1
		}
		for a := range d {
			w.Set(float32(sign*vecs[a*d+c]), a, c)
		}
	}
	mu := tensor.Zeros(d)
	for j, v := range mean {
		mu.Data()[j] = float32(v)
	}
	return &PCA{Mean: mu, W: w, Variances: vals}, nil
}

// Encode returns the codes z = W^T (y - mu) of the rows of y, shape [N, k]:
// the minimiser of LatentEnergy over z.
func (p *PCA) Encode(y *tensor.Tensor) *tensor.Tensor {
	return matrixRows("PCA", y, p.W.Size(0)).Sub(p.Mean).Matmul(p.W)
}

// Decode returns mu + W z for codes z ([N, k]), shape [N, d].
func (p *PCA) Decode(z *tensor.Tensor) *tensor.Tensor {
	return tensor.MatmulT(z, p.W, false, true).Add(p.Mean)
}

// Energy returns F(y) = ||(y - mu) - W W^T (y - mu)||^2 for each row of y,
// shape [N]. It is differentiable in y (and in Mean and W).
func (p *PCA) Energy(_, y *tensor.Tensor) *tensor.Tensor {
	r := matrixRows("PCA", y, p.W.Size(0)).Sub(p.Mean)
	return r.Sub(tensor.MatmulT(r.Matmul(p.W), p.W, false, true)).Square().Sum(1)
}

// LatentEnergy returns E(y, z) = ||y - mu - W z||^2 for each row, shape [N].
func (p *PCA) LatentEnergy(_, y, z *tensor.Tensor) *tensor.Tensor {
	return matrixRows("PCA", y, p.W.Size(0)).Sub(p.Decode(z)).Square().Sum(1)
}

// matrixRows views y ([N, ...]) as the matrix [N, d] and panics, naming
// op, if its rows do not have d values.
func matrixRows(op string, y *tensor.Tensor, d int) *tensor.Tensor {
	if y.Dim() < 1 || y.Size(0) == 0 || y.Len()/y.Size(0) != d {
		panic(fmt.Sprintf("energy: %s: input shape %v, want [N, %d]", op, y.Shape(), d))
	}
	if y.Dim() == 2 {
		return y
	}
	return y.Reshape(y.Size(0), d)
}

// meanCov returns the mean ([d]) and the covariance (d x d, row-major,
// divided by n) of the n rows of data, accumulated in float64.
func meanCov(data []float32, n, d int) (mean, cov []float64) {
	mean = make([]float64, d)
	for i := range n {
		for j, v := range data[i*d : (i+1)*d] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov = make([]float64, d*d)
	r := make([]float64, d)
	for i := range n {
		for j, v := range data[i*d : (i+1)*d] {
			r[j] = float64(v) - mean[j]
		}
		for a := range d {
			for b := a; b < d; b++ {
				cov[a*d+b] += r[a] * r[b]
			}
		}
	}
	for a := range d {
		for b := a; b < d; b++ {
			cov[a*d+b] /= float64(n)
			cov[b*d+a] = cov[a*d+b]
		}
	}
	return mean, cov
}

// symEigen returns the eigenvalues of the symmetric n x n matrix a
// (row-major; overwritten) in decreasing order, and the matching unit
// eigenvectors as the columns of an n x n row-major matrix. It uses the
// cyclic Jacobi method (Golub & Van Loan, "Matrix Computations", on the
// symmetric eigenvalue problem): each sweep visits every off-diagonal pair
// (p, q) and applies the plane rotation J = [c s; -s c] that zeroes a_pq,
// with
//
//	tau = (a_qq - a_pp) / (2 a_pq),  t = sign(tau) / (|tau| + sqrt(1 + tau^2)),
//	c = 1 / sqrt(1 + t^2),           s = t c,
//
// and A <- J^T A J, V <- V J, until the off-diagonal mass is negligible.
func symEigen(a []float64, n int) ([]float64, []float64) {
	v := make([]float64, n*n)
	for i := range n {
		v[i*n+i] = 1
	}
	total := 0.0
	for _, x := range a {
		total += x * x
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off <= 1e-30*total {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if apq == 0 {
					continue
				}
				tau := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				t := 1 / (math.Abs(tau) + math.Sqrt(1+tau*tau))
				if tau < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(1+t*t)
				s := t * c
				for k := range n { // A J: columns p and q
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p], a[k*n+q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := range n { // J^T (A J): rows p and q
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k], a[q*n+k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := range n { // V J
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p], v[k*n+q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return a[order[i]*n+order[i]] > a[order[j]*n+order[j]] })
	vals := make([]float64, n)
	vecs := make([]float64, n*n)
	for c, o := range order {
		vals[c] = a[o*n+o]
		for k := range n {
			vecs[k*n+c] = v[k*n+o]
		}
	}
	return vals, vecs
}
