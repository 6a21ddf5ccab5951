// Package optim updates model parameters from their gradients: stochastic
// gradient descent (with momentum and Nesterov momentum), Adam, AdamW and
// RMSprop, learning-rate schedules and gradient clipping.
//
// An optimizer holds a list of parameter tensors. Each Step reads every
// parameter's accumulated gradient (Grad), skips parameters that have none,
// and updates the parameter's values in place. State buffers (moment
// estimates, momentum) are created for a parameter on its first update;
// after that a Step allocates nothing.
//
// The updates follow PyTorch 1.13 (torch.optim, single-tensor code path)
// operation by operation in float32, with the same defaults and the same
// fused multiply-adds, so that a run here and a run there agree to float32
// precision; the tests replay reference results produced by
// scripts/optim_golden.py (which this package reproduces bit for bit).
//
// State and LoadState export and restore the per-parameter state under
// PyTorch's names ("0.exp_avg", "0.step", ...), so a checkpointed run
// resumes exactly where it stopped. The learning rate is not part of that
// state: a run recomputes it from its schedule and step (see Apply).
package optim
