package attention

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Scaled returns 1/sqrt(d), the beta of scaled dot-product attention on
// vectors of size d (Vaswani et al. 2017).
func Scaled(d int) float32 { return float32(1 / math.Sqrt(float64(d))) }

// Scores returns beta Q K^T for queries q [..., n, d] and keys k [..., t, d]
// (leading axes broadcast): shape [..., n, t].
func Scores(q, k *tensor.Tensor, beta float32) *tensor.Tensor {
	if q.Dim() < 2 || k.Dim() < 2 || q.Size(-1) != k.Size(-1) {
		panic(fmt.Sprintf("attention: queries %v and keys %v, want [..., n, d] and [..., t, d]", q.Shape(), k.Shape()))
	}
	return tensor.MatmulT(q, k, false, true).MulScalar(beta)
}

// Weights returns a = softmax(beta Q K^T) over the keys, one row of weights
// per query: shape [..., n, t].
func Weights(q, k *tensor.Tensor, beta float32) *tensor.Tensor {
	return Scores(q, k, beta).Softmax(-1)
}

// Soft is soft attention: c = a V with a = softmax(beta Q K^T), for queries
// q [..., n, d], keys k [..., t, d] and values v [..., t, dv]. It returns c
// [..., n, dv] and the weights a [..., n, t], both differentiable with
// respect to q, k and v.
func Soft(q, k, v *tensor.Tensor, beta float32) (c, a *tensor.Tensor) {
	checkValues(k, v)
	a = Weights(q, k, beta)
	return a.Matmul(v), a
}

// SelfAttention lets every member of the set x [..., t, d] attend to the
// whole set with inverse temperature beta: Soft(x, x, x, beta). It is
// permutation equivariant: permuting the rows of x permutes the rows of c.
func SelfAttention(x *tensor.Tensor, beta float32) (c, a *tensor.Tensor) {
	return Soft(x, x, x, beta)
}

// checkValues panics unless keys [..., t, d] and values [..., t, dv] have
// the same number of rows.
func checkValues(k, v *tensor.Tensor) {
	if v.Dim() < 2 || k.Dim() < 2 || v.Size(-2) != k.Size(-2) {
		panic(fmt.Sprintf("attention: keys %v and values %v, want [..., t, d] and [..., t, dv]", k.Shape(), v.Shape()))
	}
}
