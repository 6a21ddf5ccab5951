package tensor

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
	"sync"
	"sync/atomic"
	"unsafe"
)

// node records how a tensor was computed: its operands and the rule that
// maps the gradient of the result to the gradients of the operands.
type node struct {
	op       string
	inputs   []*Tensor
	ins      [2]*Tensor // holds inputs for operations of one or two operands
	backward func(g *Tensor) []*Tensor
	aux      []*Tensor // buffers handed to the graph by Adopt
}

// nodes recycles the nodes of released graphs.
var nodes = sync.Pool{New: func() any { return new(node) }}

// passes numbers the graph walks (backward passes and releases), so that a
// walk marks the tensors it has visited by storing its number in them.
var passes atomic.Uint64

// noGradDepth counts the NoGrad calls in progress; recording is off while it
// is positive. It is process-wide.
var noGradDepth atomic.Int32

// NoGrad runs f with gradient recording switched off: operations inside it
// build no graph, which is faster and frees memory sooner. Use it for
// inference and for sampler loops. Recording is switched off for the whole
// process while f runs.
func NoGrad(f func()) {
	noGradDepth.Add(1)
	defer noGradDepth.Add(-1)
	f()
}

// GradEnabled reports whether operations are being recorded.
func GradEnabled() bool { return noGradDepth.Load() == 0 }

// RequiresGrad reports whether gradients flow to or through t.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks a leaf tensor as one whose gradient is wanted
// (parameters, inputs, latents) and returns it. It panics on a tensor that
// is the result of a recorded operation.
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
func (t *Tensor) Grad() *Tensor { return t.grad }

// SetGrad replaces the accumulated gradient (nil clears it).
func (t *Tensor) SetGrad(g *Tensor) { t.grad, t.ownGrad = g, false }

// ZeroGrad clears the accumulated gradient: Grad returns nil until the
// next Backward, which refills the buffer of the cleared gradient when
// Backward made it, so that training steps do not allocate gradients.
func (t *Tensor) ZeroGrad() {
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

// storeGrads adds the gradients grads of the leaves in order (indexed
// alike) to the leaves' accumulated gradients. A gradient made by the
// pass (a pooled buffer numbered after start) that is not also another
// leaf's is moved into the leaf's gradient rather than copied; one already
// owned by the leaf is added to in place.
func storeGrads(order, grads []*Tensor, start uint64) {
	leaf := func(i int) bool { return order[i].node == nil && order[i].requiresGrad && grads[i] != nil }
	uses := make(map[*Tensor]int)
	for i := range order {
		if leaf(i) {
			uses[grads[i]]++
		}
	}
	for i, t := range order {
		if !leaf(i) {
			continue
		}
		g := grads[i]
		switch {
		case t.grad == nil:
			t.setGrad(g, uses[g] == 1 && g.pooled && g.base == nil && g.gen > start)
		case t.ownGrad:
			kernel.AddTo(t.grad.data, g.data)
		default:
			t.grad, t.ownGrad = t.grad.Add(g), true
		}
	}
}

// record attaches a backward rule to out when gradient recording is on and
// any input requires a gradient. backward receives the gradient of out and
// returns one gradient per input (nil where none flows); it is written with
// differentiable operations so it can be recorded in turn. inputs is
// copied, not kept.
func record(out *Tensor, op string, inputs []*Tensor, backward func(g *Tensor) []*Tensor) *Tensor {
	if !GradEnabled() {
		return out
	}
	for _, in := range inputs {
		if in.requiresGrad {
			n := nodes.Get().(*node)
			n.op, n.backward = op, backward
			if len(inputs) <= len(n.ins) {
				n.inputs = append(n.ins[:0], inputs...)
			} else {
				n.inputs = append([]*Tensor(nil), inputs...)
			}
			out.requiresGrad, out.node = true, n
			return out
		}
	}
	return out
}

// free returns n to the pool of nodes once its tensor is released.
func (n *node) free() {
	*n = node{}
	nodes.Put(n)
}

// Grad returns the gradients of the scalar y with respect to each tensor in
// wrt: parameters, inputs, latents or intermediate results alike. A tensor
// that y does not depend on gets zeros. The gradients are not recorded; use
// GradGraph to differentiate them again. Backward passes over graphs that
// share tensors must not run at the same time.
func Grad(y *Tensor, wrt ...*Tensor) []*Tensor { return backprop(y, nil, false, wrt, false) }

// GradGraph is Grad with the backward pass recorded, so the gradients it
// returns can be differentiated again (gradient penalties, score matching).
func GradGraph(y *Tensor, wrt ...*Tensor) []*Tensor { return backprop(y, nil, true, wrt, false) }

// VJP returns the vector-Jacobian products seed^T dy/dx for each x in wrt,
// for a y of any shape; seed has y's shape. With createGraph the result is
// recorded for further differentiation.
func VJP(y, seed *Tensor, createGraph bool, wrt ...*Tensor) []*Tensor {
	if !sameShape(y.shape, seed.shape) {
		panic(fmt.Sprintf("tensor: VJP: seed shape %v differs from output shape %v", seed.shape, y.shape))
	}
	return backprop(y, seed, createGraph, wrt, false)
}

// Backward computes the gradient of the scalar t with respect to every leaf
// that requires a gradient and adds it to that leaf's Grad (so successive
// calls accumulate; clear with ZeroGrad).
func (t *Tensor) Backward() { backprop(t, nil, false, nil, true) }

// Gradients of gradients run a backward pass inside another one (see
// Custom); the inner pass restores the marks it overwrote, so the outer
// one goes on. Passes over shared tensors must not run concurrently.
func backprop(y, seed *Tensor, createGraph bool, wrt []*Tensor, accumulate bool) []*Tensor {
	if seed == nil {
		if len(y.data) != 1 {
			panic(fmt.Sprintf("tensor: Grad: output has shape %v; reduce it to a scalar (Sum, Mean) or use VJP", y.shape))
		}
		seed = OnesLike(y)
	}
	out := make([]*Tensor, len(wrt))
	if !y.requiresGrad {
		for i, x := range wrt {
			out[i] = ZerosLike(x)
		}
		return out
	}
	pass := passes.Add(1)
	order, saved := topoOrder(y, pass)
	defer restoreMarks(saved)
	// grads and wanted are indexed by the tensors' slots: their
	// positions in order.
	grads := make([]*Tensor, len(order))
	grads[y.slot] = seed
	wanted := make([]bool, len(order))
	for _, x := range wrt {
		if x.visit == pass {
			wanted[x.slot] = true
		}
	}
	// Without a recorded backward pass, the gradients made on the way
	// are temporaries: their buffers go back to the pool at the end.
	start := allocs.Load()
	var made []*Tensor
	run := func() {
		for i := len(order) - 1; i >= 0; i-- {
			t := order[i]
			g := grads[i]
			if g == nil || t.node == nil {
				continue
			}
			if !wanted[i] && !accumulate {
				grads[i] = nil
				made = append(made, g)
			}
			gs := t.node.backward(g)
			for j, in := range t.node.inputs {
				if j >= len(gs) || gs[j] == nil {
					continue
				}
				if !in.requiresGrad {
					made = append(made, gs[j]) // computed, then not needed
					continue
				}
				if !sameShape(gs[j].shape, in.shape) {
					panic(fmt.Sprintf("tensor: backward of %s: gradient shape %v for operand %d of shape %v", t.node.op, gs[j].shape, j, in.shape))
				}
				if prev := grads[in.slot]; prev != nil {
					grads[in.slot] = prev.Add(gs[j])
					made = append(made, prev, gs[j])
				} else {
					grads[in.slot] = gs[j]
				}
			}
		}
	}
	if createGraph {
		run()
	} else {
		NoGrad(run)
	}
	if accumulate {
		NoGrad(func() { storeGrads(order, grads, start) })
	}
	for i, x := range wrt {
		if x.visit == pass && grads[x.slot] != nil {
			out[i] = grads[x.slot]
		} else {
			out[i] = ZerosLike(x)
		}
	}
	if !createGraph {
		for _, g := range grads {
			if g != nil {
				made = append(made, g)
			}
		}
		releaseTemps(made, start, out)
	}
	return out
}

// releaseTemps gives back the buffers of the gradients in made that were
// allocated after start (so not the seed, nor any tensor of the forward
// pass) and are not shared with a result in keep.
func releaseTemps(made []*Tensor, start uint64, keep []*Tensor) {
	kept := make(map[*float32]bool, len(keep))
	for _, k := range keep {
		kept[unsafe.SliceData(k.data)] = true
	}
	for _, t := range made {
		o := t.owner()
		if o.pooled && o.gen > start && !kept[unsafe.SliceData(o.data)] {
			o.release()
		}
	}
}

// mark is a tensor's visit mark and slot before a pass overwrote them.
type mark struct {
	t     *Tensor
	visit uint64
	slot  int
}

// topoOrder lists the tensors y depends on through recorded operations,
// each after all of its inputs (y last), marking each with pass and its
// position in the list. It returns the marks it overwrote.
func topoOrder(y *Tensor, pass uint64) (order []*Tensor, saved []mark) {
	type frame struct {
		t    *Tensor
		next int
	}
	visit := func(t *Tensor) {
		saved = append(saved, mark{t, t.visit, t.slot})
		t.visit = pass
	}
	stack := make([]frame, 1, 32)
	stack[0] = frame{t: y}
	visit(y)
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.t.node != nil && f.next < len(f.t.node.inputs) {
			in := f.t.node.inputs[f.next]
			f.next++
			if in.requiresGrad && in.visit != pass {
				visit(in)
				stack = append(stack, frame{t: in})
			}
			continue
		}
		f.t.slot = len(order)
		order = append(order, f.t)
		stack = stack[:len(stack)-1]
	}
	return order, saved
}

// restoreMarks puts back the marks a pass overwrote, newest first.
func restoreMarks(saved []mark) {
	for i := len(saved) - 1; i >= 0; i-- {
		m := saved[i]
		m.t.visit, m.t.slot = m.visit, m.slot
	}
}

// Custom defines a differentiable operation from outside the package: out
// holds the already computed result, inputs are its operands, and backward
// maps the gradient of out to one gradient per input (nil where none flows).
// For the result to be differentiable twice, write backward with tensor
// operations on its arguments, as the built-in operations do. An out made
// by Empty, and gradients made by Empty in backward, go back to the buffer
// pool with the graph; read operands and fill results with Values, which
// (unlike Data) leaves the buffers in the pool's reach.
func Custom(name string, out *Tensor, inputs []*Tensor, backward func(g *Tensor) []*Tensor) *Tensor {
	out.live(name)
	r := out.view(out.shape)
	if out.base == nil && out.pooled {
		// r takes over out's buffer, so releasing r's graph returns it.
		r.base, r.pooled, r.gen = nil, true, out.gen
		out.base, out.pooled = r, false
	}
	return record(r, name, inputs, backward)
}
