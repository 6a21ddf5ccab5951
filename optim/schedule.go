package optim

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate for each step (or epoch) of a run,
// counting from 0. Schedules are pure functions of the step, so a resumed
// run needs nothing but its step to continue the schedule.
type Schedule interface {
	LR(step int) float64
}

// Apply sets opt's learning rate to s.LR(step) and returns it. Call it
// before each Step (or at the start of each epoch, for epoch schedules).
func Apply(opt Optimizer, s Schedule, step int) float64 {
	lr := s.LR(step)
	opt.SetLR(lr)
	return lr
}

// Constant is a schedule that always gives the same learning rate.
type Constant float64

// LR returns the constant learning rate.
func (c Constant) LR(int) float64 { return float64(c) }

// StepLR multiplies the base learning rate by Gamma every StepSize steps,
// like torch.optim.lr_scheduler.StepLR: LR(t) = base * gamma^floor(t/StepSize).
type StepLR struct {
	base, gamma float64
	stepSize    int
}

// NewStepLR returns a StepLR schedule, or an error if base is negative,
// stepSize is not positive or gamma is not positive.
func NewStepLR(base float64, stepSize int, gamma float64) (*StepLR, error) {
	if err := checkNonNeg("StepLR", "base learning rate", base); err != nil {
		return nil, err
	}
	if stepSize <= 0 {
		return nil, fmt.Errorf("optim: StepLR: invalid step size %d (must be > 0)", stepSize)
	}
	if !(gamma > 0) || math.IsInf(gamma, 1) {
		return nil, fmt.Errorf("optim: StepLR: invalid gamma %v (must be > 0 and finite)", gamma)
	}
	return &StepLR{base: base, gamma: gamma, stepSize: stepSize}, nil
}

// LR returns the learning rate at step t.
func (s *StepLR) LR(t int) float64 {
	return s.base * math.Pow(s.gamma, float64(t/s.stepSize))
}

// CosineLR anneals the learning rate from base to a minimum along half a
// cosine over TMax steps (Loshchilov & Hutter 2017, without restarts), in
// the closed form of torch.optim.lr_scheduler.CosineAnnealingLR:
//
//	LR(t) = min + (base-min) * (1 + cos(pi*t/TMax)) / 2
//
// Past TMax the cosine continues, rising back to base at 2*TMax, as
// PyTorch's scheduler does.
type CosineLR struct {
	base, min float64
	tMax      int
}

// NewCosineLR returns a CosineLR schedule, or an error if the rates are
// negative or tMax is not positive.
func NewCosineLR(base, min float64, tMax int) (*CosineLR, error) {
	if err := firstErr(
		checkNonNeg("CosineLR", "base learning rate", base),
		checkNonNeg("CosineLR", "minimum learning rate", min),
	); err != nil {
		return nil, err
	}
	if tMax <= 0 {
		return nil, fmt.Errorf("optim: CosineLR: invalid period %d (must be > 0)", tMax)
	}
	return &CosineLR{base: base, min: min, tMax: tMax}, nil
}

// LR returns the learning rate at step t.
func (s *CosineLR) LR(t int) float64 {
	return s.min + (s.base-s.min)*(1+math.Cos(math.Pi*float64(t)/float64(s.tMax)))/2
}

// Sequential follows one schedule up to a milestone step and another
// after it, which starts from its own step 0, like
// torch.optim.lr_scheduler.SequentialLR with two schedulers:
//
//	LR(t) = first.LR(t)               for t < milestone
//	LR(t) = after.LR(t - milestone)   otherwise
type Sequential struct {
	first, after Schedule
	milestone    int
}

// NewSequential returns a Sequential schedule, or an error if milestone is
// negative or a schedule is nil.
func NewSequential(first Schedule, milestone int, after Schedule) (*Sequential, error) {
	if milestone < 0 {
		return nil, fmt.Errorf("optim: Sequential: invalid milestone %d (must be >= 0)", milestone)
	}
	if first == nil || after == nil {
		return nil, fmt.Errorf("optim: Sequential: needs two schedules")
	}
	return &Sequential{first: first, after: after, milestone: milestone}, nil
}

// LR returns the learning rate at step t.
func (s *Sequential) LR(t int) float64 {
	if t < s.milestone {
		return s.first.LR(t)
	}
	return s.after.LR(t - s.milestone)
}

// Warmup ramps the learning rate up linearly over its first steps and then
// hands over to another schedule, which starts from its own step 0:
//
//	LR(t) = after.LR(0) * (start + (1-start)*t/steps)   for t < steps
//	LR(t) = after.LR(t - steps)                          otherwise
//
// This is torch.optim.lr_scheduler.LinearLR(start_factor=start,
// total_iters=steps) followed by the other schedule.
type Warmup struct {
	steps int
	start float64
	after Schedule
}

// NewWarmup returns a Warmup schedule, or an error if steps is negative,
// start is outside (0, 1] or after is nil.
func NewWarmup(steps int, start float64, after Schedule) (*Warmup, error) {
	if steps < 0 {
		return nil, fmt.Errorf("optim: Warmup: invalid number of steps %d (must be >= 0)", steps)
	}
	if !(start > 0 && start <= 1) {
		return nil, fmt.Errorf("optim: Warmup: invalid start factor %v (must be in (0, 1])", start)
	}
	if after == nil {
		return nil, fmt.Errorf("optim: Warmup: no schedule to hand over to")
	}
	return &Warmup{steps: steps, start: start, after: after}, nil
}

// LR returns the learning rate at step t.
func (w *Warmup) LR(t int) float64 {
	if t >= w.steps {
		return w.after.LR(t - w.steps)
	}
	return w.after.LR(0) * (w.start + (1-w.start)*float64(t)/float64(w.steps))
}
