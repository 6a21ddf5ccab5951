package optim

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// ClipGradNorm rescales the gradients of params so that their joint
// Euclidean norm (all gradients seen as one vector) is at most maxNorm,
// like torch.nn.utils.clip_grad_norm_: when the norm exceeds maxNorm every
// gradient is multiplied by maxNorm/(norm+1e-6). Parameters without a
// gradient are ignored. It returns the norm before clipping; when that is
// not finite the gradients are left as they are, and the caller should
// skip the step. It panics if maxNorm is negative or NaN.
func ClipGradNorm(params []*tensor.Tensor, maxNorm float64) float64 {
	if !(maxNorm >= 0) {
		panic(fmt.Sprintf("optim: ClipGradNorm: invalid maximum norm %v (must be >= 0)", maxNorm))
	}
	var sum float64
	for _, p := range params {
		if g := p.Grad(); g != nil {
			for _, v := range g.Values() {
				sum += float64(v) * float64(v)
			}
		}
	}
	norm := math.Sqrt(sum)
	coef := maxNorm / (norm + 1e-6)
	if math.IsNaN(norm) || math.IsInf(norm, 0) || coef >= 1 {
		return norm
	}
	c := float32(coef)
	for _, p := range params {
		if g := p.Grad(); g != nil {
			d := g.Values()
			for j := range d {
				d[j] *= c
			}
		}
	}
	return norm
}

// ClipGradValue clamps every gradient value of params into [-clip, clip],
// like torch.nn.utils.clip_grad_value_. Parameters without a gradient are
// ignored and NaN values stay NaN. It panics if clip is negative or NaN.
func ClipGradValue(params []*tensor.Tensor, clip float64) {
	if !(clip >= 0) {
		panic(fmt.Sprintf("optim: ClipGradValue: invalid clip value %v (must be >= 0)", clip))
	}
	c := float32(clip)
	for _, p := range params {
		if g := p.Grad(); g != nil {
			d := g.Values()
			for j, v := range d {
				if v > c {
					d[j] = c
				} else if v < -c {
					d[j] = -c
				}
			}
		}
	}
}
