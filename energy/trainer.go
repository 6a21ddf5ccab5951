package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Objective names how a Trainer shapes the energy.
type Objective int

const (
	// ContrastiveObjective pushes down on data and up on sampled negatives
	// through a Loss.
	ContrastiveObjective Objective = iota
	// DenoisingScore minimises DenoisingScoreMatching.
	DenoisingScore
	// SlicedScore minimises SlicedScoreMatching.
	SlicedScore
)

// Optimizer is what a Trainer needs of an optimizer.
type Optimizer interface {
	Step()
	ZeroGrad()
}

// Trainer performs training steps of an unconditional or conditional
// energy model.
type Trainer struct {
	Model     Model
	Objective Objective
	Loss      Loss    // for ContrastiveObjective
	Sampler   Sampler // for ContrastiveObjective
	Sigma     float32 // noise level for DenoisingScore
	Opt       Optimizer
	// MaxEnergy, when positive, bounds |E| on data and negatives: a step
	// that exceeds it (or produces a NaN) returns a DivergenceError before
	// the parameters are updated.
	MaxEnergy float32
}

// StepStats reports one training step.
type StepStats struct {
	Loss      float64
	PosEnergy float64 // mean energy of the data
	NegEnergy float64 // mean energy of the negatives (contrastive only)
	Negatives *tensor.Tensor
}

// DivergenceError reports a training step whose loss or energies blew up.
type DivergenceError struct {
	What  string
	Value float64
}

// Error says what blew up and to what value.
func (e *DivergenceError) Error() string {
	return fmt.Sprintf("energy: training diverged: %s = %g", e.What, e.Value)
}

// Step runs one update on a batch of data y (and x, or nil). The graph of
// the loss is released at the end of the step, its buffers going back to
// the tensor pools.
func (t *Trainer) Step(x, y *tensor.Tensor, rng *tensor.RNG) (StepStats, error) {
	var st StepStats
	var loss *tensor.Tensor
	switch t.Objective {
	case ContrastiveObjective:
		if t.Loss == nil || t.Sampler == nil {
			return st, fmt.Errorf("energy: contrastive training needs a loss and a sampler")
		}
		neg := t.Sampler.Sample(t.Model, x, y, rng)
		ePos, eNeg := t.Model.Energy(x, y), t.Model.Energy(x, neg)
		loss = t.Loss.Pair(ePos, eNeg)
		st.PosEnergy, st.NegEnergy = mean(ePos), mean(eNeg)
		st.Negatives = neg
		if err := t.check(ePos, eNeg); err != nil {
			return st, err
		}
	case DenoisingScore:
		loss = DenoisingScoreMatching(t.Model, y, t.Sigma, rng)
	case SlicedScore:
		loss = SlicedScoreMatching(t.Model, y, rng)
	default:
		return st, fmt.Errorf("energy: unknown objective %d", t.Objective)
	}
	st.Loss = float64(loss.Item())
	if math.IsNaN(st.Loss) || math.IsInf(st.Loss, 0) {
		return st, &DivergenceError{"loss", st.Loss}
	}
	t.Opt.ZeroGrad()
	loss.Backward()
	t.Opt.Step()
	loss.Release()
	return st, nil
}

func (t *Trainer) check(es ...*tensor.Tensor) error {
	for _, e := range es {
		for _, v := range e.Data() {
			if math.IsNaN(float64(v)) || (t.MaxEnergy > 0 && math.Abs(float64(v)) > float64(t.MaxEnergy)) {
				return &DivergenceError{"energy", float64(v)}
			}
		}
	}
	return nil
}

func mean(t *tensor.Tensor) float64 {
	var s float64
	for _, v := range t.Data() {
		s += float64(v)
	}
	return s / float64(max(t.Len(), 1))
}
