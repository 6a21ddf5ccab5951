// Package traintest holds what the tests of model families share when
// they check a train.Loop client: a context that stops a run after a
// given number of steps, so that a stopped and resumed run can be compared
// with one that never stopped.
package traintest

import "context"

// StopAfter returns a context that reports cancellation from its n+1-th
// check of Err on. A train.Loop checks once before each step, so a run
// under it stops after n steps, at a point fixed in advance.
func StopAfter(n int) context.Context { return &stopAfter{context.Background(), n} }

type stopAfter struct {
	context.Context
	n int
}

func (c *stopAfter) Err() error {
	if c.n == 0 {
		return context.Canceled
	}
	c.n--
	return nil
}
