package tensor

import (
	"fmt"
	"sync"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// node records how a tensor was computed: its operands and the rule that
// maps the gradient of the result to the gradients of the operands. A rule
// that needs only that gradient (reshapes, sums, additions) is linear;
// the others receive the whole Backprop.
type node struct {
	op       string
	inputs   []*Tensor
	ins      [2]*Tensor // holds inputs for operations of one or two operands
	linear   func(g *Tensor) []*Tensor
	backward func(b *Backprop) []*Tensor
	aux      []*Tensor // buffers handed to the graph by Adopt
}

// nodes recycles the nodes of released graphs.
var nodes = sync.Pool{New: func() any { return new(node) }}

// Backprop is what an operation's backward rule receives during a backward
// pass: the gradient of the operation's result, and its operands and
// result as this pass sees them. In a recorded pass (GradGraph, or VJP
// with createGraph) they are the tensors of the graph, so that what the
// rule computes from them is recorded in turn; in any other pass they are
// views of the same values cut from the graph, so that nothing the rule
// computes is recorded. A rule must read its operands and result through
// Backprop, not through tensors it captured when it was recorded, and must
// not keep the Backprop after it returns.
type Backprop struct {
	Grad *Tensor   // the gradient of the result
	In   []*Tensor // the operands, in the order they were recorded
	Out  *Tensor   // the result
	need []bool
	rec  bool
	sums []*Tensor // of Gathered, nil where there is none to offer
	free bool      // of GradFree
}

// Needs reports whether the pass wants the gradient of operand i: the
// operand lies on a path to a tensor the pass differentiates with respect
// to. A rule may return nil for an operand it does not need.
func (b *Backprop) Needs(i int) bool { return b.need[i] }

// Recorded reports whether the pass is recorded: whether the gradients it
// computes are to be differentiated again.
func (b *Backprop) Recorded() bool { return b.rec }

// Gathered returns the gradient that the pass has gathered so far for
// operand i from the other operations that use it, when the rule may add
// its own gradient of that operand into it in place, and nil otherwise:
// only an unrecorded pass offers one, and only a buffer of its own that
// nothing else refers to. A rule that adds into it returns it as the
// operand's gradient, and the pass adds nothing more; a dense layer's
// weight gradient goes so straight into the sum of the weight's uses
// (kernel.SgemmAdd), without a sum of its own over the weights.
func (b *Backprop) Gathered(i int) *Tensor {
	if b.sums == nil {
		return nil
	}
	return b.sums[i]
}

// GradFree reports whether the rule may overwrite the values of Grad:
// in an unrecorded pass, a buffer of the pass's own that nothing reads
// after the rule (not a gradient the pass returns, nor one another
// tensor's gradient shares). A rule can then write a gradient it forms
// on the way, as an activation's at its input, over Grad rather than
// into a new buffer.
func (b *Backprop) GradFree() bool { return b.free }

// RequiresGrad reports whether gradients flow to or through t.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks a leaf tensor as one whose gradient is wanted
// (parameters, inputs, latents) and returns it. It panics on a tensor that
// is the result of a recorded operation. Set it when the tensor is made,
// before other goroutines use it: it is not synchronised.
func (t *Tensor) SetRequiresGrad(on bool) *Tensor {
	if t.node != nil {
		panic(fmt.Sprintf("tensor: SetRequiresGrad: tensor %v is the result of %s, not a leaf; Detach it first", t.shape, t.node.op))
	}
	t.requiresGrad = on
	return t
}

// IsLeaf reports whether t was created directly rather than computed by a
// recorded operation.
func (t *Tensor) IsLeaf() bool { return t.node == nil }

// Grad returns the gradient accumulated in t by Backward, or nil. After
// ZeroGrad, a later Backward may refill the same tensor: Clone a gradient
// to keep its values across steps.
func (t *Tensor) Grad() *Tensor {
	t.gradMu.Lock()
	defer t.gradMu.Unlock()
	return t.grad
}

// SetGrad replaces the accumulated gradient (nil clears it).
func (t *Tensor) SetGrad(g *Tensor) {
	t.gradMu.Lock()
	defer t.gradMu.Unlock()
	t.grad, t.ownGrad = g, false
}

// ZeroGrad clears the accumulated gradient: Grad returns nil until the
// next Backward, which refills the buffer of the cleared gradient when
// Backward made it, so that training steps do not allocate gradients.
func (t *Tensor) ZeroGrad() {
	t.gradMu.Lock()
	defer t.gradMu.Unlock()
	if t.grad != nil && t.ownGrad {
		t.spare = t.grad
	}
	t.grad, t.ownGrad = nil, false
}

// setGrad stores g as t's new gradient, in the spare tensor when there is
// one of t's shape. When swap is true, g is a temporary of the backward
// pass that nothing else refers to, and the spare tensor takes g's buffer
// instead of a copy of its values; g is left with the spare's buffer,
// which goes back to the pool with the other temporaries.
func (t *Tensor) setGrad(g *Tensor, swap bool) {
	sp := t.spare
	t.spare = nil
	switch {
	case sp == nil || !sameShape(sp.shape, t.shape):
		sp = g.Clone()
	case swap && sp.pooled && sp.base == nil:
		sp.data, g.data = g.data, sp.data
	default:
		copy(sp.data, g.data)
	}
	t.grad, t.ownGrad = sp, true
}

// accumulate adds g, a gradient of t computed by a backward pass, to t's
// accumulated gradient. movable says that g is a temporary of the pass
// that nothing else refers to, whose buffer t may take. Passes that share
// the leaf t (goroutines training one model) add their gradients one at a
// time.
func (t *Tensor) accumulate(g *Tensor, movable bool) {
	t.gradMu.Lock()
	defer t.gradMu.Unlock()
	switch {
	case t.grad == nil:
		t.setGrad(g, movable)
	case t.ownGrad:
		kernel.AddTo(t.grad.data, g.data)
	default:
		t.grad, t.ownGrad = t.grad.detached().Add(g.detached()), true
	}
}

// record attaches to out the backward rule of an operation when any of its
// operands requires a gradient; recording follows from the operands, never
// from a mode. backward receives the gradient of out and returns one
// gradient per operand (nil where none flows); it is written with
// differentiable operations on its Backprop, so that it can be recorded in
// turn. inputs is copied, not kept.
func record(out *Tensor, op string, inputs []*Tensor, backward func(b *Backprop) []*Tensor) *Tensor {
	if n := newNode(out, op, inputs); n != nil {
		n.backward = backward
	}
	return out
}

// recordLinear is record for a rule that needs only the gradient of the
// result: the operation is linear in its operands (reshapes, sums,
// additions), so its rule reads no operand.
func recordLinear(out *Tensor, op string, inputs []*Tensor, backward func(g *Tensor) []*Tensor) *Tensor {
	if n := newNode(out, op, inputs); n != nil {
		n.linear = backward
	}
	return out
}

// newNode makes out the result of a recorded operation when an operand
// requires a gradient, and returns its node (nil when nothing is recorded).
func newNode(out *Tensor, op string, inputs []*Tensor) *node {
	for _, in := range inputs {
		if in.requiresGrad {
			n := nodes.Get().(*node)
			n.op = op
			if len(inputs) <= len(n.ins) {
				n.inputs = append(n.ins[:0], inputs...)
			} else {
				n.inputs = append([]*Tensor(nil), inputs...)
			}
			out.requiresGrad, out.node = true, n
			return n
		}
	}
	return nil
}

// free returns n to the pool of nodes once its tensor is released.
func (n *node) free() {
	*n = node{}
	nodes.Put(n)
}

// Custom defines a differentiable operation from outside the package: out
// holds the already computed result, inputs are its operands, and backward
// maps the gradient of out to one gradient per input (nil where none flows
// or where b.Needs says none is wanted). For the result to be
// differentiable twice, write backward with tensor operations on the
// tensors of its Backprop, as the built-in operations do. An out made by
// Empty, and gradients made by Empty in backward, go back to the buffer
// pool with the graph; read operands and fill results with Values, which
// (unlike Data) leaves the buffers in the pool's reach.
func Custom(name string, out *Tensor, inputs []*Tensor, backward func(b *Backprop) []*Tensor) *Tensor {
	out.live(name)
	r := out.view(out.shape)
	if out.base == nil && out.pooled {
		// r takes over out's buffer, so releasing r's graph returns it.
		r.base, r.pooled, r.gen = nil, true, out.gen
		out.base, out.pooled = r, false
	}
	return record(r, name, inputs, backward)
}

// DetachRelease returns t's values cut from the graph and releases the
// graph recorded behind t (see Release): what inference keeps of a
// computation on a model whose parameters require gradients. On a tensor
// that no recorded operation made it returns t. Recycling the result
// gives a buffer of the pools back to them (see Detach).
func (t *Tensor) DetachRelease() *Tensor {
	if t.node == nil {
		return t
	}
	d := t.Detach()
	t.Release()
	return d
}
