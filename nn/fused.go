package nn

import "github.com/gibbsml/gibbs/tensor"

// fused records out, computed by a dedicated loop, as the operation name of
// inputs. Its backward pass takes fast, a dedicated loop too, when the pass
// is not recorded (plain first derivatives, the training step); when it is
// (gradients of gradients), it differentiates ref, the same function
// written with differentiable operations on inputs, so that derivatives of
// every order stay exact. A recorded pass hands a rule the tensors of the
// graph, so ref may use inputs as captured.
func fused(name string, out *tensor.Tensor, inputs []*tensor.Tensor, fast func(b *tensor.Backprop) []*tensor.Tensor, ref func() *tensor.Tensor) *tensor.Tensor {
	return tensor.Custom(name, out, inputs, func(b *tensor.Backprop) []*tensor.Tensor {
		if !b.Recorded() {
			return fast(b)
		}
		var wrt []*tensor.Tensor
		for i, in := range inputs {
			if b.Needs(i) {
				wrt = append(wrt, in)
			}
		}
		gs := tensor.VJP(ref(), b.Grad, true, wrt...)
		grads := make([]*tensor.Tensor, len(inputs))
		for i := range inputs {
			if b.Needs(i) {
				grads[i], gs = gs[0], gs[1:]
			}
		}
		return grads
	})
}
