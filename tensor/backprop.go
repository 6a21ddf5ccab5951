package tensor

import (
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// Grad returns the gradients of the scalar y with respect to each tensor in
// wrt: parameters, inputs, latents or intermediate results alike. A tensor
// that y does not depend on gets zeros. The pass walks only the operations
// on a path from y to the tensors in wrt, so a sampler's gradient with
// respect to its input computes nothing for the model's weights. The
// gradients are not recorded; use GradGraph to differentiate them again.
// Passes keep their bookkeeping to themselves: goroutines may run them at
// once over graphs that share tensors (one model's parameters).
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
// calls accumulate; clear with ZeroGrad). Passes that share leaves may run
// at once: each adds its gradients under the leaf's lock.
func (t *Tensor) Backward() { backprop(t, nil, false, nil, true) }

// BackwardTo is Backward for the listed leaves only: it adds the gradient
// of the scalar t to the Grad of each of them and walks only the
// operations on a path from t to them, so the weight gradients of a
// network that only passes a gradient on (a GAN's discriminator in the
// generator's step) are never computed. Other leaves' Grad is left as it
// is; a listed tensor that is not a leaf t depends on gets nothing.
func (t *Tensor) BackwardTo(leaves ...*Tensor) {
	if leaves == nil {
		leaves = []*Tensor{}
	}
	backprop(t, nil, false, leaves, true)
}

// pass is the bookkeeping of one backward pass, indexed by the tensors'
// positions in order. It lives in the pass, never in the tensors; its
// buffers are recycled by the next pass (see passes).
type pass struct {
	order []*Tensor       // what y depends on through recorded operations, inputs first
	slot  map[*Tensor]int // each tensor's position in order
	// reach marks a tensor that is differentiated or lies on a path to
	// one that is; feeds marks one with an operand in reach, whose rule
	// runs; target marks one of the tensors asked for.
	reach, feeds, target []bool
	grads                []*Tensor
	// own marks a gradient in grads that is a buffer of this pass, or a
	// view of one, which nothing else refers to: rules may add into it
	// (Gathered), the pass adds a second gradient into it, the rule it
	// goes to may overwrite it (GradFree), and its buffer goes back to the
	// pool as soon as that rule has run. sums holds what run offers the
	// rule it runs.
	own  []bool
	sums []*Tensor
	// plain holds views cut from the graph, made as an unrecorded pass
	// first hands a tensor to a rule.
	plain []*Tensor
	// b, in and need are reused by every rule the pass runs.
	b     Backprop
	in    []*Tensor
	need  []bool
	stack []frame // of topoOrder
	made  []*Tensor
}

// passes recycles the bookkeeping of finished passes, so that a sampler's
// many small passes allocate almost nothing.
var passes = sync.Pool{New: func() any { return &pass{slot: make(map[*Tensor]int)} }}

// resized returns s with length n and every element zero, reusing its array.
func resized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// free clears p, dropping every reference to tensors, and recycles it.
func (p *pass) free() {
	clear(p.slot)
	clear(p.order)
	clear(p.grads)
	clear(p.plain)
	clear(p.in)
	clear(p.made)
	clear(p.sums[:cap(p.sums)])
	p.order, p.grads, p.plain, p.in, p.made = p.order[:0], p.grads[:0], p.plain[:0], p.in[:0], p.made[:0]
	p.sums = p.sums[:0]
	p.b = Backprop{}
	passes.Put(p)
}

// frame is a tensor on topoOrder's stack and the next of its operands to
// visit.
type frame struct {
	t    *Tensor
	next int
}

// newPass orders the graph behind y and marks the paths to the targets:
// the tensors of wrt and, with leaves set, every leaf that requires a
// gradient.
func newPass(y *Tensor, wrt []*Tensor, leaves, recorded bool) *pass {
	p := passes.Get().(*pass)
	p.topoOrder(y)
	n := len(p.order)
	p.reach, p.feeds, p.target, p.grads = resized(p.reach, n), resized(p.feeds, n), resized(p.target, n), resized(p.grads, n)
	p.own = resized(p.own, n)
	for _, x := range wrt {
		if i, ok := p.slot[x]; ok {
			p.reach[i], p.target[i] = true, true
		}
	}
	for i, t := range p.order {
		if leaves && t.node == nil {
			p.reach[i] = true
		}
		if t.node == nil {
			continue
		}
		for _, in := range t.node.inputs {
			if in.requiresGrad && p.reach[p.slot[in]] {
				p.feeds[i] = true
				p.reach[i] = true
			}
		}
	}
	p.b.rec = recorded
	if !recorded {
		p.plain = resized(p.plain, n)
	}
	return p
}

// topoOrder lists the tensors y depends on through recorded operations,
// each after all of its operands (y last), and numbers them.
func (p *pass) topoOrder(y *Tensor) {
	stack := append(p.stack[:0], frame{t: y})
	p.slot[y] = -1
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.t.node != nil && f.next < len(f.t.node.inputs) {
			in := f.t.node.inputs[f.next]
			f.next++
			if _, seen := p.slot[in]; in.requiresGrad && !seen {
				p.slot[in] = -1
				stack = append(stack, frame{t: in})
			}
			continue
		}
		p.slot[f.t] = len(p.order)
		p.order = append(p.order, f.t)
		stack = stack[:len(stack)-1]
	}
	p.stack = stack[:0]
}

// view returns t as the pass hands it to a rule: t itself in a recorded
// pass or when t is not part of the graph, else a view cut from the graph.
func (p *pass) view(t *Tensor) *Tensor {
	if p.b.rec || !t.requiresGrad {
		return t
	}
	i := p.slot[t]
	if p.plain[i] == nil {
		p.plain[i] = t.detached()
	}
	return p.plain[i]
}

// run applies the rule of the operation that made order[i] to its
// gradient g.
func (p *pass) run(i int, g *Tensor, free bool) []*Tensor {
	t := p.order[i]
	n := t.node
	p.sums = p.sums[:0]
	if n.linear != nil {
		return n.linear(g)
	}
	p.in, p.need = p.in[:0], p.need[:0]
	for _, in := range n.inputs {
		p.in = append(p.in, p.view(in))
		p.need = append(p.need, in.requiresGrad && p.reach[p.slot[in]])
	}
	b := &p.b
	b.Grad, b.Out, b.need = g, p.view(t), p.need
	if b.rec {
		b.In = n.inputs
	} else {
		b.In = p.in
		b.sums = p.offer(n.inputs)
		b.free = free
	}
	gs := n.backward(b)
	b.Grad, b.In, b.Out, b.sums, b.free = nil, nil, nil, nil, false
	return gs
}

// offer returns, for each operand of inputs, the gradient the pass has
// gathered for it when a rule may add into it (see Gathered): one the pass
// owns, offered once for an operand that appears twice.
func (p *pass) offer(inputs []*Tensor) []*Tensor {
	p.sums = resized(p.sums, len(inputs))
	for j, in := range inputs {
		if !p.need[j] || slices.Contains(inputs[:j], in) {
			continue
		}
		if s := p.slot[in]; p.own[s] {
			p.sums[j] = p.grads[s]
		}
	}
	return p.sums
}

// owned reports whether gs[j], the gradient a rule that received g
// returned for its operand j, is a buffer of the pass that nothing else
// refers to, not sharing a buffer with the rule's other gradients: one
// allocated by the pass (after start) other than g, or g's own buffer
// (g itself or a view of it, as a Reshape's gradient) where gFree says
// that the pass held g alone and drops it after the rule.
func owned(gs []*Tensor, j int, g *Tensor, gFree bool, start uint64) bool {
	gj := gs[j]
	o := gj.owner()
	switch {
	case gFree && o == g.owner() && o.pooled: // not escaped through Data
	case !gj.pooled || gj.base != nil || gj.gen <= start || gj == g:
		return false
	}
	for k, other := range gs {
		if k != j && other != nil && other.owner() == o {
			return false
		}
	}
	return true
}

func backprop(y, seed *Tensor, createGraph bool, wrt []*Tensor, accumulate bool) []*Tensor {
	if seed == nil {
		if len(y.data) != 1 {
			panic(fmt.Sprintf("tensor: Grad: output has shape %v; reduce it to a scalar (Sum, Mean) or use VJP", y.shape))
		}
		seed = OnesLike(y)
	} else if !createGraph && seed.requiresGrad {
		seed = seed.detached()
	}
	// An accumulating pass returns nothing: wrt, when not nil, only
	// narrows it to those leaves.
	nout := len(wrt)
	if accumulate {
		nout = 0
	}
	out := make([]*Tensor, nout)
	if !y.requiresGrad {
		for i := range out {
			out[i] = ZerosLike(wrt[i])
		}
		return out
	}
	p := newPass(y, wrt, accumulate && wrt == nil, createGraph)
	defer p.free()
	last := len(p.order) - 1
	p.grads[last] = seed
	// Without a recorded pass, the gradients made on the way are
	// temporaries: their buffers go back to the pool, those the pass owns
	// alone once the rule that took them has run, the others at the end.
	start := allocs.Load()
	made := p.made
	for i := last; i >= 0; i-- {
		t, g := p.order[i], p.grads[i]
		if g == nil || !p.feeds[i] {
			continue
		}
		if !p.target[i] {
			p.grads[i] = nil
		}
		// free: the pass holds g alone and drops it after its rule.
		free := p.own[i] && !p.target[i]
		gs := p.run(i, g, free)
		for j, in := range t.node.inputs {
			if j >= len(gs) || gs[j] == nil {
				continue
			}
			gj := gs[j]
			if !in.requiresGrad || !p.reach[p.slot[in]] {
				made = append(made, gj) // computed, then not needed
				continue
			}
			if !sameShape(gj.shape, in.shape) {
				panic(fmt.Sprintf("tensor: backward of %s: gradient shape %v for operand %d of shape %v", t.node.op, gj.shape, j, in.shape))
			}
			if !createGraph && gj.requiresGrad {
				gj = gj.detached() // a rule that computed from captured tensors
			}
			s := p.slot[in]
			switch prev := p.grads[s]; {
			case prev == nil:
				p.grads[s] = gj
				p.own[s] = !createGraph && owned(gs, j, g, free, start)
			case gj == prev && j < len(p.sums) && p.sums[j] == prev:
				// The rule added its gradient into the sum (Gathered).
			case createGraph:
				p.grads[s] = prev.Add(gj)
				made = append(made, prev, gj)
			case p.own[s]:
				// The sum goes into a buffer the pass owns alone, the
				// one gathered so far or else the new one, with the
				// bits of prev.Add(gj).
				kernel.AddTo(prev.data, gj.data)
				made = append(made, gj)
			case owned(gs, j, g, free, start):
				kernel.AddTo(gj.data, prev.data)
				p.grads[s], p.own[s] = gj, true
				made = append(made, prev)
			default:
				p.grads[s] = prev.Add(gj)
				p.own[s] = true
				made = append(made, prev, gj)
			}
		}
		switch {
		case free && !sharesOwner(gs, g):
			// Nothing reads g any more: its buffer goes back to the
			// pool now, for the next gradient of its size to be
			// written while it is still in cache.
			g.owner().release()
		case !p.target[i]:
			made = append(made, g)
		}
	}
	if accumulate {
		p.storeLeafGrads(start)
	}
	for i, x := range wrt[:nout] {
		if s, ok := p.slot[x]; ok && p.grads[s] != nil {
			out[i] = p.grads[s]
		} else {
			out[i] = ZerosLike(x)
		}
	}
	if !createGraph {
		for _, g := range p.grads {
			if g != nil {
				made = append(made, g)
			}
		}
		for i := range out {
			ownBuffer(out, i, start)
		}
		releaseTemps(made, start, out)
	}
	p.made = made
	return out
}

// sharesOwner reports whether a gradient in gs holds its values in g's
// buffer.
func sharesOwner(gs []*Tensor, g *Tensor) bool {
	o := g.owner()
	for _, x := range gs {
		if x != nil && x.owner() == o {
			return true
		}
	}
	return false
}

// storeLeafGrads adds the gradients of the leaves to their accumulated
// gradients. A gradient made by the pass (a pooled buffer numbered after
// start) that is not also another leaf's is moved into the leaf's
// gradient rather than copied.
func (p *pass) storeLeafGrads(start uint64) {
	uses := make(map[*Tensor]int)
	for i, t := range p.order {
		if t.node == nil && p.grads[i] != nil {
			uses[p.grads[i]]++
		}
	}
	for i, t := range p.order {
		g := p.grads[i]
		if t.node != nil || g == nil {
			continue
		}
		t.accumulate(g, uses[g] == 1 && g.pooled && g.base == nil && g.gen > start)
	}
}

// ownBuffer makes out[i], a result of an unrecorded pass that views a
// buffer the pass allocated (the gradient of a Reshape's operand), the
// owner of that buffer, unless another result shares it: the caller can
// then give the buffer back with Recycle.
func ownBuffer(out []*Tensor, i int, start uint64) {
	g := out[i]
	o := g.base
	if o == nil || !o.pooled || o.gen <= start {
		return
	}
	for j, k := range out {
		if j != i && k.owner() == o {
			return
		}
	}
	g.base, g.pooled, g.gen = nil, true, o.gen
	o.base, o.pooled = g, false
}

// releaseTemps gives back the buffers of the gradients in made that were
// allocated after start (so not the seed, nor any tensor of the forward
// pass) and are not shared with a result in keep.
func releaseTemps(made []*Tensor, start uint64, keep []*Tensor) {
	for _, t := range made {
		o := t.owner()
		if o.pooled && o.gen > start && !sharesBuffer(o, keep) {
			o.release()
		}
	}
}

// sharesBuffer reports whether o's buffer holds the values of a tensor in
// keep (a few results of a pass: a scan beats a map).
func sharesBuffer(o *Tensor, keep []*Tensor) bool {
	d := unsafe.SliceData(o.data)
	for _, k := range keep {
		if unsafe.SliceData(k.data) == d {
			return true
		}
	}
	return false
}
