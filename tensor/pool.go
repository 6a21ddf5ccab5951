package tensor

import (
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Buffers of minPooled values or more come from size classes of powers of
// two; Release and the backward pass give them back for the next step.
// The pools drop their contents at garbage collection, like sync.Pool.
const minPooled = 64

var (
	classes [bits.UintSize]sync.Pool // of unsafe.Pointer to the first value
	// allocs numbers the pooled allocations, so the backward pass can
	// tell the buffers it made from those that existed before it.
	allocs atomic.Uint64
)

// empty returns a tensor of the given shape (kept, not copied) whose values
// are not initialised.
func empty(shape []int) *Tensor {
	n := numel(shape)
	if n < minPooled {
		return &Tensor{data: make([]float32, n), shape: shape}
	}
	c := bits.Len(uint(n - 1))
	var data []float32
	if p, _ := classes[c].Get().(unsafe.Pointer); p != nil {
		data = unsafe.Slice((*float32)(p), 1<<c)[:n]
	} else {
		data = make([]float32, n, 1<<c)
	}
	return &Tensor{data: data, shape: shape, pooled: true, gen: allocs.Add(1)}
}

// zeros is Zeros without copying shape.
func zeros(shape []int) *Tensor {
	t := empty(shape)
	clear(t.data)
	return t
}

// release gives t's buffer back to the pool when t owns it, and marks t
// released so that further use panics.
func (t *Tensor) release() {
	if t.pooled {
		put(t.data)
	} else if sh := t.shared.Load(); sh != nil {
		sh.drop()
		t.shared.Store(nil)
	}
	if t.node != nil {
		t.node.free()
	}
	t.data, t.node, t.pooled, t.released = nil, nil, false, true
}

// put gives data, a buffer of the pools, back to its size class.
func put(data []float32) {
	c := bits.Len(uint(cap(data) - 1))
	classes[c].Put(unsafe.Pointer(unsafe.SliceData(data)))
}

// share is a pool buffer that Detach handed to tensors outside the graph
// of its owner: it goes back to the pool once the owner is released
// (with its graph, or by Recycle) and every detached tensor recycled,
// unless it escaped through Data. A detached tensor that is never
// recycled leaves the buffer to the garbage collector, as one that
// escaped does.
type share struct {
	data    []float32
	holders atomic.Int32 // the owner and the detached tensors not yet done
	escaped atomic.Bool
}

// drop ends one holder's use of the buffer.
func (s *share) drop() {
	if s.holders.Add(-1) == 0 && !s.escaped.Load() {
		put(s.data)
	}
}

// shareDetached returns a tensor of t's shape and values that a graph's
// release leaves valid: when t's buffer belongs to the pools, the new
// tensor holds a share of it (see share), and from the first Detach on
// the owner no longer writes to it in place or gives it back alone.
// Goroutines detaching one owner at once agree on its share.
func (t *Tensor) shareDetached() *Tensor {
	d := &Tensor{data: t.data, shape: t.shape}
	o := t.owner()
	sh := o.shared.Load()
	if sh == nil && o.pooled {
		sh = &share{data: o.data}
		sh.holders.Store(1)
		if !o.shared.CompareAndSwap(nil, sh) {
			sh = o.shared.Load()
		}
		o.pooled = false
	}
	if sh == nil {
		// Another goroutine's first Detach may have shared the owner
		// between the two reads above.
		sh = o.shared.Load()
	}
	if sh != nil {
		sh.holders.Add(1)
		d.shared.Store(sh)
	}
	return d
}

// owner returns the tensor whose buffer t's values live in.
func (t *Tensor) owner() *Tensor {
	if t.base != nil {
		return t.base
	}
	return t
}

// escape records that t's buffer is now reachable from outside the
// package (a Data slice), so it must never go back to the pool.
func (t *Tensor) escape() {
	// Only a pooled owner is written to, so that tensors shared between
	// goroutines (parameters) are only read.
	o := t.owner()
	if o.pooled {
		o.pooled = false
	}
	if sh := o.shared.Load(); sh != nil {
		sh.escaped.Store(true)
	}
}

// view returns a tensor of shape that shares t's buffer.
func (t *Tensor) view(shape []int) *Tensor {
	return &Tensor{data: t.data, shape: shape, base: t.owner()}
}

// live panics when t, or the owner of the buffer it views, was released.
func (t *Tensor) live(op string) {
	if t.released || (t.base != nil && t.base.released) {
		panic("tensor: " + op + ": tensor used after its graph was released")
	}
}

// Release ends the graph recorded behind t: every intermediate result of
// it, t included, gives its buffer back to a pool that later operations
// draw from, and is invalidated: using one afterwards panics with "tensor
// used after its graph was released". Leaves (parameters, inputs, anything
// made without recording) are untouched, and so are the buffers handed out
// by Data or shared by Detach, which stay valid. Call it at the end of a
// training step, after reading what is needed (the loss's Item, gradients):
// a step then allocates almost nothing once the pools are warm. Release
// does nothing on a leaf.
func (t *Tensor) Release() {
	if t.node == nil {
		return
	}
	// A tensor reached twice is released once: release clears its node.
	stack := []*Tensor{t}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if u.node == nil {
			continue
		}
		for _, in := range u.node.inputs {
			if in.node != nil {
				stack = append(stack, in)
			}
		}
		for _, a := range u.node.aux {
			a.release()
		}
		u.release()
	}
}

// Recycle gives the buffer of t, a tensor that no recorded operation made
// and that the caller alone holds (a gradient Grad returned, a sampler's
// chains after their last read), back to the pool at once, so that the
// next operations draw it instead of allocating: a loop of many small
// passes (Langevin steps) then allocates nothing per step. Afterwards t,
// and every view of it, is invalid: using it panics with "tensor used
// after its graph was released". A tensor that Detach made gives back
// its share of the buffer (see Detach). Other buffers t does not own (t
// views another tensor's values, or its buffer was handed out by Data)
// are left to the garbage collector. Read a tensor that is to
// be recycled with Values, which leaves its buffer in the pool's reach.
// Recycle panics on the result of a recorded operation: end its graph
// with Release.
func (t *Tensor) Recycle() {
	if t.node != nil {
		panic(fmt.Sprintf("tensor: Recycle: tensor %v is the result of %s; release its graph with Release", t.shape, t.node.op))
	}
	t.release()
}

// Adopt hands aux, tensors made outside the graph for the operation whose
// result is t (positions saved for the backward pass, results of
// operations that were not recorded because no operand needed a
// gradient), to t's graph: releasing the graph (see Release) gives their
// buffers back to the pool as well, after which they must not be used.
// It returns t. On a tensor that no recorded operation made, Adopt does
// nothing, and the buffers are left to the garbage collector.
func (t *Tensor) Adopt(aux ...*Tensor) *Tensor {
	if t.node != nil {
		t.node.aux = append(t.node.aux, aux...)
	}
	return t
}

// detached is Detach for the package's own use: a view cut from the graph
// whose buffer does not escape.
func (t *Tensor) detached() *Tensor { return t.view(t.shape) }

// GraphValues returns the number of values held by the graph recorded
// behind t: the results of its operations, t included, and the buffers
// handed to them by Adopt, each buffer once (a view shares its owner's).
// Leaves are not counted. It tells a caller how much memory a pass over
// one batch keeps live.
func (t *Tensor) GraphValues() int {
	n := 0
	walked, counted := map[*Tensor]bool{}, map[*Tensor]bool{}
	count := func(o *Tensor) {
		if !counted[o] {
			counted[o] = true
			n += len(o.data)
		}
	}
	stack := []*Tensor{t}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if u.node == nil || walked[u] {
			continue
		}
		walked[u] = true
		if o := u.owner(); o.node != nil {
			count(o) // a view of a leaf holds nothing of its own
		}
		for _, in := range u.node.inputs {
			stack = append(stack, in)
		}
		for _, a := range u.node.aux {
			count(a.owner())
		}
	}
	return n
}
