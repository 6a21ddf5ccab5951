package nn

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// SinusoidalEncoding returns the fixed positional encoding of Vaswani et al.
// 2017 (section 3.5) for positions 0..length-1, of shape [length, dim]:
//
//	PE(pos, 2i)   = sin(pos / 10000^(2i/dim))
//	PE(pos, 2i+1) = cos(pos / 10000^(2i/dim))
//
// An odd dim ends with a sine column. Add it to embeddings of shape
// [B, length, dim]; it broadcasts over the batch.
func SinusoidalEncoding(length, dim int) *tensor.Tensor {
	if length < 0 || dim <= 0 {
		panic(fmt.Sprintf("nn: SinusoidalEncoding: length %d and size %d, want length >= 0 and size > 0", length, dim))
	}
	pe := tensor.Zeros(length, dim)
	d := pe.Data()
	for pos := 0; pos < length; pos++ {
		for i := 0; i < dim; i += 2 {
			angle := float64(pos) / math.Pow(10000, float64(i)/float64(dim))
			d[pos*dim+i] = float32(math.Sin(angle))
			if i+1 < dim {
				d[pos*dim+i+1] = float32(math.Cos(angle))
			}
		}
	}
	return pe
}

// LearnedPositional is a trained positional embedding: one vector per
// position, up to a maximum length, added to the input.
type LearnedPositional struct {
	Weight *tensor.Tensor // [maxLen, dim]
}

// NewLearnedPositional returns a positional embedding for sequences of up to
// maxLen positions, initialised like PyTorch's nn.Embedding: standard
// normal.
func NewLearnedPositional(rng *tensor.RNG, maxLen, dim int) *LearnedPositional {
	return &LearnedPositional{Weight: Normal(rng, param(maxLen, dim), 0, 1)}
}

// Params returns "weight".
func (p *LearnedPositional) Params() []Param { return []Param{{"weight", p.Weight}} }

// Forward returns x + weight[:T] for x of shape [B, T, dim].
func (p *LearnedPositional) Forward(x *tensor.Tensor) *tensor.Tensor {
	s := x.Shape()
	maxLen, dim := p.Weight.Size(0), p.Weight.Size(1)
	if len(s) != 3 || s[1] > maxLen || s[2] != dim {
		panic(fmt.Sprintf("nn: LearnedPositional: input shape %v, want [B, T <= %d, %d]", s, maxLen, dim))
	}
	return x.Add(p.Weight.Narrow(0, 0, s[1]))
}
