// Package tensor provides gibbs's N-dimensional float32 tensor and its
// reverse-mode automatic differentiation.
//
// A Tensor is a row-major array of float32 values with a shape. Operations
// are eager: each one computes its result at once. When an operand requires a
// gradient (see RequiresGrad) and gradient recording is on (see NoGrad), the
// operation also records how to propagate a gradient back to its operands.
// Each operation's backward rule is written with differentiable operations, so
// the backward pass can itself be recorded: GradGraph returns gradients that
// can be differentiated again, which is what gradient penalties, score
// matching and Langevin sampling on a learned energy rely on.
//
// Binary element-wise operations broadcast like NumPy: shapes are aligned on
// their trailing axes and an axis of size 1 stretches to match the other.
// Axis arguments may be negative, counting from the last axis.
//
// Shape errors inside the math are programming errors: they panic with a
// message that names the operation and the shapes involved.
package tensor
