package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// An Objective is what training minimises to shape an energy: Loss builds
// the loss of a batch of data y (and x, or nil) as a recorded scalar
// tensor, to be differentiated with respect to the model's parameters.
// Contrast, DenoisingScore and SlicedScore are objectives; any type
// with this method is one too.
type Objective interface {
	Loss(m Model, x, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, Stats, error)
}

// Stats reports on the batch a loss was built from.
type Stats struct {
	PosEnergy float64        // mean energy of the data (contrastive only)
	NegEnergy float64        // mean energy of the negatives (contrastive only)
	Negatives *tensor.Tensor // the negatives (contrastive only)
}

// Contrast pushes the energy down on data and up on negatives drawn by
// Sampler, through PairLoss (one of the losses of LeCun et al. 2006).
type Contrast struct {
	PairLoss Loss
	Sampler  Sampler
	// MaxEnergy, when positive, bounds |E| on data and negatives: a batch
	// that exceeds it (or produces a NaN) returns a DivergenceError
	// instead of a loss.
	MaxEnergy float32
}

// Loss draws negatives for y and returns PairLoss.Pair of the energies of the
// data and of the negatives.
func (c Contrast) Loss(m Model, x, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, Stats, error) {
	var st Stats
	if c.PairLoss == nil || c.Sampler == nil {
		return nil, st, fmt.Errorf("energy: contrastive training needs a loss and a sampler")
	}
	neg := c.Sampler.Sample(m, x, y, rng)
	ePos, eNeg := m.Energy(x, y), m.Energy(x, neg)
	st.PosEnergy, st.NegEnergy, st.Negatives = mean(ePos), mean(eNeg), neg
	if err := c.check(ePos, eNeg); err != nil {
		return nil, st, err
	}
	return c.PairLoss.Pair(ePos, eNeg), st, nil
}

func (c Contrast) check(es ...*tensor.Tensor) error {
	for _, e := range es {
		for _, v := range e.Values() {
			if math.IsNaN(float64(v)) || (c.MaxEnergy > 0 && math.Abs(float64(v)) > float64(c.MaxEnergy)) {
				return &DivergenceError{What: "energy", Value: float64(v), Bound: float64(c.MaxEnergy)}
			}
		}
	}
	return nil
}

// DenoisingScore minimises DenoisingScoreMatching at noise level Sigma.
type DenoisingScore struct{ Sigma float32 }

// Loss returns the denoising score matching loss of y.
func (d DenoisingScore) Loss(m Model, _, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, Stats, error) {
	return DenoisingScoreMatching(m, y, d.Sigma, rng), Stats{}, nil
}

// SlicedScore minimises SlicedScoreMatching.
type SlicedScore struct{}

// Loss returns the sliced score matching loss of y.
func (SlicedScore) Loss(m Model, _, y *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, Stats, error) {
	return SlicedScoreMatching(m, y, rng), Stats{}, nil
}

// DivergenceError reports a batch whose energies blew up.
type DivergenceError struct {
	What  string
	Value float64
	Bound float64 // the bound it passed; 0 for a NaN without a bound
}

// Error says what blew up and to what value.
func (e *DivergenceError) Error() string {
	return fmt.Sprintf("energy: training diverged: %s = %g (bound %g)", e.What, e.Value, e.Bound)
}

func mean(t *tensor.Tensor) float64 {
	var s float64
	for _, v := range t.Values() {
		s += float64(v)
	}
	return s / float64(max(t.Len(), 1))
}
