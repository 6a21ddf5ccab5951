package energy

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// KMeans is K-means clustering read as an energy (Ranzato, Boureau, Chopra
// & LeCun 2007; LeCun's NYU Deep Learning course): a latent-variable model
// whose code z is a one-hot vector over K prototypes w_k, the rows of
// Centers,
//
//	E(y, z) = ||y - z^T W||^2,   z in {e_1, ..., e_K},
//	F(y)    = min_z E(y, z) = min_k ||y - w_k||^2.
//
// Only K points have zero energy, so the volume of low energy is limited by
// the discreteness of the code instead of by negative samples. Inference
// (Assign, Codes) picks the nearest prototype. The input x is ignored.
type KMeans struct {
	Centers *tensor.Tensor // prototypes w_k as rows, shape [K, d]
}

// FitKMeans clusters the rows of y ([N, d], or [N, ...] flattened) into k
// groups. The prototypes start from k-means++ seeding with rng (Arthur &
// Vassilvitskii 2007: the first uniformly among the rows, each next one
// with probability proportional to the squared distance to the nearest
// chosen one) and are refined by Lloyd's iterations (assign every row to
// its nearest prototype, move each prototype to the mean of its rows),
// at most maxIter of them, until no assignment changes. A prototype left
// without rows is moved to the row farthest from its own prototype.
func FitKMeans(rng *tensor.RNG, y *tensor.Tensor, k, maxIter int) (*KMeans, error) {
	if y.Dim() < 2 || y.Size(0) == 0 {
		return nil, fmt.Errorf("energy: FitKMeans: need a batch [N, d], got shape %v", y.Shape())
	}
	n, d := y.Size(0), y.Len()/y.Size(0)
	if k < 1 || k > n {
		return nil, fmt.Errorf("energy: FitKMeans: %d clusters asked for %d rows", k, n)
	}
	data := y.Data()
	row := func(i int) []float32 { return data[i*d : (i+1)*d] }
	centers := make([]float32, k*d)
	copy(centers, row(rng.IntN(n)))
	best := make([]float64, n) // squared distance to the nearest chosen prototype
	for i := range n {
		best[i] = sqDist(row(i), centers[:d])
	}
	for c := 1; c < k; c++ {
		total := 0.0
		for _, v := range best {
			total += v
		}
		pick := n - 1
		if total > 0 {
			u := rng.Float64() * total
			for i, v := range best {
				if u -= v; u < 0 {
					pick = i
					break
				}
			}
		} else {
			pick = rng.IntN(n)
		}
		copy(centers[c*d:(c+1)*d], row(pick))
		for i := range n {
			best[i] = min(best[i], sqDist(row(i), centers[c*d:(c+1)*d]))
		}
	}
	m := &KMeans{Centers: tensor.New(centers, k, d)}
	assign := make([]int, n)
	for i := range assign {
		assign[i] = -1
	}
	sums := make([]float64, k*d)
	counts := make([]int, k)
	for iter := 0; iter < maxIter; iter++ {
		changed := false
		for i := range n {
			c, dist := m.nearest(row(i))
			best[i] = dist
			if c != assign[i] {
				assign[i], changed = c, true
			}
		}
		if !changed {
			break
		}
		clear(sums)
		clear(counts)
		for i, c := range assign {
			counts[c]++
			for j, v := range row(i) {
				sums[c*d+j] += float64(v)
			}
		}
		for c := range k {
			if counts[c] == 0 {
				far := 0
				for i, v := range best {
					if v > best[far] {
						far = i
					}
				}
				copy(centers[c*d:(c+1)*d], row(far))
				best[far] = 0
				continue
			}
			for j := range d {
				centers[c*d+j] = float32(sums[c*d+j] / float64(counts[c]))
			}
		}
	}
	return m, nil
}

// nearest returns the index of the prototype nearest to v and the squared
// distance to it (the first one on ties).
func (m *KMeans) nearest(v []float32) (int, float64) {
	k, d := m.Centers.Size(0), m.Centers.Size(1)
	cs := m.Centers.Data()
	bi, bd := 0, sqDist(v, cs[:d])
	for c := 1; c < k; c++ {
		if dist := sqDist(v, cs[c*d:(c+1)*d]); dist < bd {
			bi, bd = c, dist
		}
	}
	return bi, bd
}

// sqDist returns ||a - b||^2 accumulated in float64.
func sqDist(a, b []float32) float64 {
	s := 0.0
	for i, v := range a {
		e := float64(v) - float64(b[i])
		s += e * e
	}
	return s
}

// Assign returns, for each row of y, the index of its nearest prototype:
// the argmin over z of E(y, z).
func (m *KMeans) Assign(y *tensor.Tensor) []int {
	d := m.Centers.Size(1)
	data := matrixRows("KMeans", y, d).Data()
	out := make([]int, len(data)/d)
	for i := range out {
		out[i], _ = m.nearest(data[i*d : (i+1)*d])
	}
	return out
}

// Codes returns the optimal codes z* as one-hot rows, shape [N, K].
func (m *KMeans) Codes(y *tensor.Tensor) *tensor.Tensor {
	a := m.Assign(y)
	z := tensor.Zeros(len(a), m.Centers.Size(0))
	for i, c := range a {
		z.Set(1, i, c)
	}
	return z
}

// Energy returns F(y) = min_k ||y - w_k||^2 for each row of y, shape [N].
// It is differentiable in y and in Centers (the gradient goes to the
// nearest prototype).
func (m *KMeans) Energy(_, y *tensor.Tensor) *tensor.Tensor {
	r := matrixRows("KMeans", y, m.Centers.Size(1))
	return r.Unsqueeze(1).Sub(m.Centers).Square().Sum(2).Min(1)
}

// LatentEnergy returns E(y, z) = ||y - z^T W||^2 for each row, shape [N].
// For one-hot z it is the squared distance to the chosen prototype; other
// z are allowed and read as mixtures of prototypes.
func (m *KMeans) LatentEnergy(_, y, z *tensor.Tensor) *tensor.Tensor {
	r := matrixRows("KMeans", y, m.Centers.Size(1))
	return r.Sub(z.Matmul(m.Centers)).Square().Sum(1)
}
