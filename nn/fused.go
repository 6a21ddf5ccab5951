package nn

import "github.com/gibbsml/gibbs/tensor"

// fused records out, computed by a dedicated loop, as the operation name of
// inputs. Its backward pass takes fast, a dedicated loop too, when no graph
// is being recorded (plain first derivatives, the training step); when the
// backward pass is itself recorded (gradients of gradients), it
// differentiates ref, the same function written with differentiable
// operations, so that derivatives of every order stay exact.
func fused(name string, out *tensor.Tensor, inputs []*tensor.Tensor, fast func(g *tensor.Tensor) []*tensor.Tensor, ref func() *tensor.Tensor) *tensor.Tensor {
	return tensor.Custom(name, out, inputs, func(g *tensor.Tensor) []*tensor.Tensor {
		if !tensor.GradEnabled() {
			return fast(g)
		}
		return tensor.VJP(ref(), g, true, inputs...)
	})
}
