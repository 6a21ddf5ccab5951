package nn

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// Embedding is a lookup table of Num vectors of size Dim, its "weight"
// [num, dim] as in PyTorch.
type Embedding struct {
	Weight *tensor.Tensor
}

// NewEmbedding returns a table of num vectors of size dim drawn from
// N(0, 1), PyTorch's default.
func NewEmbedding(rng *tensor.RNG, num, dim int) *Embedding {
	if num <= 0 || dim <= 0 {
		panic(fmt.Sprintf("nn: Embedding: invalid size %d x %d", num, dim))
	}
	return &Embedding{Weight: tensor.Randn(rng, num, dim).SetRequiresGrad(true)}
}

// Params returns "weight".
func (e *Embedding) Params() []Param { return []Param{{"weight", e.Weight}} }

// PerSample reports true: each index is looked up alone.
func (e *Embedding) PerSample() bool { return true }

// Forward looks up the rows named by idx, a tensor of whole numbers in
// [0, num) of any shape, and returns a tensor of shape idx.shape + [dim].
// The gradient flows to the weight, not to idx.
func (e *Embedding) Forward(idx *tensor.Tensor) *tensor.Tensor {
	num, dim := e.Weight.Size(0), e.Weight.Size(1)
	ids := make([]int, idx.Len())
	for i, v := range idx.Values() {
		k := int(v)
		if float32(k) != v || k < 0 || k >= num {
			panic(fmt.Sprintf("nn: Embedding: index %v (input shape %v) is not a whole number in [0, %d)", v, idx.Shape(), num))
		}
		ids[i] = k
	}
	return e.Weight.IndexSelect(0, ids).Reshape(append(idx.Shape(), dim)...)
}
