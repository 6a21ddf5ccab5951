package tensor

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// Tensor is an N-dimensional row-major array of float32 values. A Tensor
// that requires a gradient records the operations that use it; see Grad.
type Tensor struct {
	data         []float32
	shape        []int
	requiresGrad bool
	grad         *Tensor
	node         *node
	// spare is a gradient that ZeroGrad cleared, whose buffer the next
	// Backward refills; ownGrad is set while grad was made by Backward
	// (and so may become spare).
	spare   *Tensor
	ownGrad bool
	// gradMu guards grad, spare and ownGrad: backward passes that share
	// the tensor add their gradients one at a time.
	gradMu sync.Mutex

	// Buffer ownership (see pool.go): pooled is set on the tensor that
	// owns a pool buffer it may give back; base is the owner of the
	// buffer a view shares; gen numbers pooled allocations; released
	// marks a tensor whose graph was released; shared is set on an owner
	// and the tensors detached from it while its buffer is theirs in
	// common (see share).
	pooled, released bool
	base             *Tensor
	gen              uint64
	shared           atomic.Pointer[share]
}

// New returns a tensor that holds data (not copied) with the given shape.
// With no shape, data becomes a 1-D tensor. It panics if the shape does not
// hold len(data) values.
func New(data []float32, shape ...int) *Tensor {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	if n := checkShape("New", shape); n != len(data) {
		panic(fmt.Sprintf("tensor: New: shape %v holds %d values, data has %d", shape, n, len(data)))
	}
	return &Tensor{data: data, shape: append([]int(nil), shape...)}
}

// Scalar returns a 0-D tensor holding v.
func Scalar(v float32) *Tensor { return &Tensor{data: []float32{v}, shape: []int{}} }

// Zeros returns a tensor of zeros.
func Zeros(shape ...int) *Tensor {
	checkShape("Zeros", shape)
	return zeros(append([]int{}, shape...))
}

// Empty returns a tensor whose values are not initialised, drawn from the
// buffer pool (see Release). It is meant for operations written outside
// the package, which fill the result through Values and hand it to Custom:
// the buffer then goes back to the pool when the graph is released.
func Empty(shape ...int) *Tensor {
	checkShape("Empty", shape)
	return empty(append([]int{}, shape...))
}

// Ones returns a tensor of ones.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Full returns a tensor filled with v.
func Full(v float32, shape ...int) *Tensor {
	checkShape("Full", shape)
	t := empty(append([]int{}, shape...))
	kernel.Fill(t.data, v)
	return t
}

// ZerosLike returns zeros with t's shape.
func ZerosLike(t *Tensor) *Tensor { return Zeros(t.shape...) }

// OnesLike returns ones with t's shape.
func OnesLike(t *Tensor) *Tensor { return Ones(t.shape...) }

// Arange returns the 1-D tensor start, start+step, ... below stop.
func Arange(start, stop, step float32) *Tensor {
	if step == 0 || (stop-start)/step < 0 {
		panic(fmt.Sprintf("tensor: Arange: step %v does not lead from %v to %v", step, start, stop))
	}
	var vals []float32
	for i := 0; ; i++ {
		v := start + float32(i)*step
		if (step > 0 && v >= stop) || (step < 0 && v <= stop) {
			break
		}
		vals = append(vals, v)
	}
	return New(vals, len(vals))
}

// Linspace returns n evenly spaced values from start to stop inclusive.
func Linspace(start, stop float32, n int) *Tensor {
	if n < 0 {
		panic(fmt.Sprintf("tensor: Linspace: negative count %d", n))
	}
	t := Zeros(n)
	// Like PyTorch, the upper half counts back from stop so that both
	// ends are exact.
	step := float64(stop-start) / float64(max(n-1, 1))
	for i := range t.data {
		if i < n/2 || n == 1 {
			t.data[i] = float32(float64(start) + step*float64(i))
		} else {
			t.data[i] = float32(float64(stop) - step*float64(n-1-i))
		}
	}
	return t
}

// Eye returns the n-by-n identity matrix.
func Eye(n int) *Tensor {
	t := Zeros(n, n)
	for i := 0; i < n; i++ {
		t.data[i*n+i] = 1
	}
	return t
}

// Data returns the tensor's values in row-major order. The slice is shared:
// writing to it changes the tensor (optimizers update parameters this way).
func (t *Tensor) Data() []float32 {
	t.live("Data")
	t.escape()
	return t.data
}

// Values returns the tensor's values like Data, but without taking the
// buffer out of the pool's reach: the slice is valid only until the graph
// that t belongs to is released (see Release), or t is recycled (see
// Recycle), after which the buffer may hold another tensor's values. Operations defined outside the package
// (see Custom) read their operands and write their results this way; keep
// a slice across a Release only through Data or Clone.
func (t *Tensor) Values() []float32 {
	t.live("Values")
	return t.data
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return append([]int{}, t.shape...) }

// Dim returns the number of axes.
func (t *Tensor) Dim() int { return len(t.shape) }

// Size returns the length of axis (negative counts from the end).
func (t *Tensor) Size(axis int) int { return t.shape[normAxis("Size", axis, len(t.shape))] }

// Len returns the number of values.
func (t *Tensor) Len() int { return len(t.data) }

// Item returns the only value of a one-value tensor.
func (t *Tensor) Item() float32 {
	t.live("Item")
	if len(t.data) != 1 {
		panic(fmt.Sprintf("tensor: Item: tensor of shape %v holds %d values, want 1", t.shape, len(t.data)))
	}
	return t.data[0]
}

// At returns the value at the given index, one coordinate per axis.
func (t *Tensor) At(idx ...int) float32 {
	t.live("At")
	return t.data[t.offset("At", idx)]
}

// Set stores v at the given index. It writes the data in place and is not
// recorded for differentiation.
func (t *Tensor) Set(v float32, idx ...int) { t.data[t.offset("Set", idx)] = v }

func (t *Tensor) offset(op string, idx []int) int {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("tensor: %s: index %v for shape %v", op, idx, t.shape))
	}
	off := 0
	for i, v := range idx {
		if v < 0 || v >= t.shape[i] {
			panic(fmt.Sprintf("tensor: %s: index %v out of range for shape %v", op, idx, t.shape))
		}
		off = off*t.shape[i] + v
	}
	return off
}

// Clone returns a copy of the tensor's values, detached from any graph.
func (t *Tensor) Clone() *Tensor {
	t.live("Clone")
	out := empty(t.Shape())
	copy(out.data, t.data)
	return out
}

// Detach returns a tensor sharing t's values that is cut from the graph:
// no gradient flows through it. It stays valid after t's graph is
// released. Recycle it once it is no longer needed (or hand it to a
// graph with Adopt), and a buffer of the pools goes back to them once
// the tensor holding it is released too (with its graph, or by Recycle),
// unless it escaped through Data: a GAN's fakes, read detached by the
// discriminator's step and through the graph by the generator's, then
// cost no allocation a step.
func (t *Tensor) Detach() *Tensor {
	t.live("Detach")
	return t.shareDetached()
}

// CopyFrom copies src's values into t in place. The shapes must hold the
// same number of values. It is not recorded for differentiation.
func (t *Tensor) CopyFrom(src *Tensor) {
	if len(src.data) != len(t.data) {
		panic(fmt.Sprintf("tensor: CopyFrom: shapes %v and %v differ in size", t.shape, src.shape))
	}
	copy(t.data, src.data)
}

// String formats the tensor's shape and (up to 16) values.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v[", t.shape)
	for i, v := range t.data {
		if i == 16 {
			b.WriteString(" ...")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.4g", v)
	}
	b.WriteByte(']')
	return b.String()
}

// checkShape validates a shape and returns how many values it holds.
func checkShape(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: %s: negative size in shape %v", op, shape))
		}
		n *= d
	}
	return n
}

// normAxis maps a possibly negative axis into [0, rank).
func normAxis(op string, axis, rank int) int {
	a := axis
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		panic(fmt.Sprintf("tensor: %s: axis %d out of range for rank %d", op, axis, rank))
	}
	return a
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
