package nn

import (
	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// convOp is the shape of one convolution, images [N, C, H, W] to maps
// [N, O, OH, OW] with a weight [O, C, KH, KW], whose three products
// (kernel.Conv) are differentiable operations here. The backward pass of
// each is made of the other two, so a convolution can be differentiated
// twice (gradient penalties, Langevin steps through a conv energy).
type convOp struct{ kernel.Conv }

// forward returns the convolution of images x with weight w, plus the
// optional bias [O] on each output channel.
func (c convOp) forward(x, w, bias *tensor.Tensor) *tensor.Tensor {
	oh, ow := c.Win.OutSize(c.H, c.W)
	out := tensor.Empty(c.N, c.O, oh, ow)
	inputs, bd := convInputs(x, w, bias)
	c.Forward(out.Values(), x.Values(), w.Values(), bd)
	return tensor.Custom("Conv2d", out, inputs, func(b *tensor.Backprop) []*tensor.Tensor {
		return c.grads(b, b.Grad)
	})
}

// convInputs returns the operands of a convolution with weight w, x, w
// and the bias when there is one, and the bias's values (nil without).
func convInputs(x, w, bias *tensor.Tensor) ([]*tensor.Tensor, []float32) {
	if bias == nil {
		return []*tensor.Tensor{x, w}, nil
	}
	return []*tensor.Tensor{x, w, bias}, bias.Values()
}

// grads returns the gradients of forward with respect to the operands of
// b (images, weight and, when b has a third, bias) from g, the gradient
// of its maps: as differentiable operations when b is recorded, and the
// first derivatives of images and weight in one pass (BackwardAct with
// no activation) when b wants both, the bias's summed in that pass from
// the maps' gradient as it is read.
func (c convOp) grads(b *tensor.Backprop, g *tensor.Tensor) []*tensor.Tensor {
	x, w := b.In[0], b.In[1]
	grads := make([]*tensor.Tensor, len(b.In))
	bias := len(b.In) > 2 && b.Needs(2)
	if b.Needs(0) && b.Needs(1) && !b.Recorded() {
		grads[0], grads[1] = tensor.Empty(x.Shape()...), tensor.Empty(w.Shape()...)
		var db []float32
		if bias {
			grads[2] = tensor.Empty(c.O)
			db = grads[2].Values()
		}
		c.BackwardAct(grads[0].Values(), grads[1].Values(), db, x.Values(), g.Values(), w.Values(), kernel.ActGrad{})
		return grads
	}
	if b.Needs(0) {
		grads[0] = c.transpose(g, w, nil)
	}
	if b.Needs(1) {
		grads[1] = c.weight(x, g, w.Shape())
	}
	if bias {
		grads[2] = biasGrad(g.Reshape(c.N, c.O, -1), b.Recorded())
	}
	return grads
}

// gradsAct is grads, unrecorded, for a convolution followed by an
// activation: b's gradient is that of the activation's outputs, taken
// through act by the products (kernel.Conv.BackwardAct, InputGradAct).
func (c convOp) gradsAct(b *tensor.Backprop, act kernel.ActGrad) []*tensor.Tensor {
	x, w := b.In[0], b.In[1]
	grads := make([]*tensor.Tensor, len(b.In))
	var dx, db []float32
	if b.Needs(0) {
		grads[0] = tensor.Empty(x.Shape()...)
		dx = grads[0].Values()
	}
	if !needsParams(b) {
		if dx != nil {
			c.InputGradAct(dx, b.Grad.Values(), w.Values(), act)
		}
		return grads
	}
	if len(b.In) > 2 && b.Needs(2) {
		grads[2] = tensor.Empty(c.O)
		db = grads[2].Values()
	}
	// The bias's gradient alone comes with the weight's, dropped.
	dw := tensor.Empty(w.Shape()...)
	c.BackwardAct(dx, dw.Values(), db, x.Values(), b.Grad.Values(), w.Values(), act)
	if b.Needs(1) {
		grads[1] = dw
	} else {
		dw.Recycle()
	}
	return grads
}

// needsParams reports whether b wants the gradient of forward's weight
// or bias.
func needsParams(b *tensor.Backprop) bool {
	return b.Needs(1) || len(b.In) > 2 && b.Needs(2)
}

// transpose returns the transposed convolution of maps m with weight w,
// images [N, C, H, W], plus the optional bias [C] on each image channel:
// ConvTranspose2d, and the gradient of forward with respect to its images.
func (c convOp) transpose(m, w, bias *tensor.Tensor) *tensor.Tensor {
	out := tensor.Empty(c.N, c.C, c.H, c.W)
	inputs, bd := convInputs(m, w, bias)
	c.InputGrad(out.Values(), m.Values(), w.Values(), bd)
	return tensor.Custom("ConvTranspose2d", out, inputs, func(b *tensor.Backprop) []*tensor.Tensor {
		g, m, w := b.Grad, b.In[0], b.In[1]
		grads := make([]*tensor.Tensor, len(inputs))
		if b.Needs(0) && b.Needs(1) && !b.Recorded() {
			// Both products read the windows of g: unfolded once.
			grads[0], grads[1] = tensor.Empty(m.Shape()...), tensor.Empty(w.Shape()...)
			c.ForwardWeightGrad(grads[0].Values(), grads[1].Values(), g.Values(), m.Values(), w.Values())
		} else {
			if b.Needs(0) {
				grads[0] = c.forward(g, w, nil)
			}
			if b.Needs(1) {
				grads[1] = c.weight(g, m, w.Shape())
			}
		}
		if bias != nil && b.Needs(2) {
			grads[2] = biasGrad(g.Reshape(c.N, c.C, -1), b.Recorded())
		}
		return grads
	})
}

// weight returns the gradient of forward with respect to its weight, of
// the given shape, for images x and the gradient m of its maps.
func (c convOp) weight(x, m *tensor.Tensor, shape []int) *tensor.Tensor {
	out := tensor.Empty(shape...)
	c.WeightGrad(out.Values(), x.Values(), m.Values())
	return tensor.Custom("Conv2dWeight", out, []*tensor.Tensor{x, m}, func(b *tensor.Backprop) []*tensor.Tensor {
		g, x, m := b.Grad, b.In[0], b.In[1]
		grads := make([]*tensor.Tensor, 2)
		if b.Needs(0) {
			grads[0] = c.transpose(m, g, nil)
		}
		if b.Needs(1) {
			grads[1] = c.forward(x, g, nil)
		}
		return grads
	})
}
