// Package tensor provides gibbs's N-dimensional float32 tensor and its
// reverse-mode automatic differentiation.
//
// A Tensor is a row-major array of float32 values with a shape. Operations
// are eager: each one computes its result at once. When an operand requires a
// gradient (see RequiresGrad) or is itself the result of a recorded
// operation, the operation also records how to propagate a gradient back to
// its operands. Recording follows from the operands alone: there is no mode
// to switch. To compute without recording, use operands cut from the graph
// (Detach, a per-tensor stop-gradient); to keep only the values of a
// recorded computation, use DetachRelease.
//
// Each operation's backward rule is written with differentiable operations, so
// the backward pass can itself be recorded: GradGraph returns gradients that
// can be differentiated again, which is what gradient penalties, score
// matching and Langevin sampling on a learned energy rely on. Whether a pass
// is recorded is a property of that pass (Grad or GradGraph): an unrecorded
// pass hands each rule its operands cut from the graph (see Backprop).
//
// A backward pass walks only the operations on a path from its output to
// the tensors it differentiates with respect to, and keeps its bookkeeping
// to itself. Goroutines may therefore run passes at once over graphs that
// share tensors: eight samplers differentiating one model with respect to
// their own inputs, or inference beside training, each get the bits they
// would get alone. Backward adds to a shared leaf's gradient under a lock.
//
// Buffers come from a pool and go back to it so that a training step or a
// sampler's step allocates almost nothing: Release ends a step's graph,
// and Recycle gives back a tensor made outside any graph that the caller
// alone holds (a gradient Grad returned, once read). Values reads a
// tensor without taking its buffer out of the pool's reach; Data hands
// the buffer out for good.
//
// Binary element-wise operations broadcast like NumPy: shapes are aligned on
// their trailing axes and an axis of size 1 stretches to match the other.
// Axis arguments may be negative, counting from the last axis.
//
// Shape errors inside the math are programming errors: they panic with a
// message that names the operation and the shapes involved.
package tensor
