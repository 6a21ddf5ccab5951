package nn

import (
	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// forwardAct returns act(c.Forward(x)) as one operation whose product
// applies act to each image's maps as they are written (see
// kernel.Conv.ForwardMap), or nil when act is not an activation it can
// apply so: those of storeActivation, and SiLU, whose derivative it keeps
// from the forward pass when a gradient may flow, so that the backward
// pass does not evaluate the sigmoid again; the backward pass takes the
// others' derivative as the products read the maps' gradient
// (kernel.Conv.BackwardAct). Values and gradients are those of Forward
// followed by act.
func (c *Conv2d) forwardAct(x *tensor.Tensor, act *Func) *tensor.Tensor {
	sa, ok := storeActivation(act)
	if !ok && act.Name != "SiLU" {
		return nil
	}
	op, oh, ow := c.op(x)
	w, b := c.Weight, c.Bias
	out := tensor.Empty(op.N, op.O, oh, ow)
	yd := out.Values()
	inputs, bd := convInputs(x, w, b)
	var keep *tensor.Tensor // SiLU's derivative, kept for the backward pass
	apply := func(lo, hi int) { sa.apply(yd[lo:hi], yd[lo:hi]) }
	if !ok {
		apply = func(lo, hi int) { kernel.SiLU(yd[lo:hi], yd[lo:hi]) }
		if anyRequiresGrad(inputs) {
			keep = tensor.Empty(op.N, op.O, oh, ow)
			kd := keep.Values()
			apply = func(lo, hi int) { kernel.SiLUKeep(yd[lo:hi], kd[lo:hi], yd[lo:hi]) }
		}
	}
	op.ForwardMap(yd, x.Values(), w.Values(), bd, apply)
	y := fused("Conv2d+"+act.Name, out, inputs, func(bp *tensor.Backprop) []*tensor.Tensor {
		// The activation's gradient is taken a chunk at a time as the
		// products read it, never stored: SiLU's by its kept derivative.
		if keep != nil {
			return op.gradsAct(bp, kernel.ActGrad{Y: keep.Values()})
		}
		return op.gradsAct(bp, kernel.ActGrad{Y: bp.Out.Values(), Grad: sa.grad})
	}, func() *tensor.Tensor { return act.Forward(op.forward(x, w, b)) })
	if keep != nil {
		y.Adopt(keep)
	}
	return y
}

// anyRequiresGrad reports whether a gradient may flow to one of ts.
func anyRequiresGrad(ts []*tensor.Tensor) bool {
	for _, t := range ts {
		if t.RequiresGrad() {
			return true
		}
	}
	return false
}
