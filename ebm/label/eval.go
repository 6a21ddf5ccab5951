package label

import (
	"fmt"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// evalChunk is the number of samples whose energies are computed at once.
const evalChunk = 1000

// AllEnergies returns the energies of every sample of x ([N, D]) and
// label, [N, K], computed a chunk at a time without gradients.
func (m *Model) AllEnergies(x *tensor.Tensor) *tensor.Tensor {
	n := x.Size(0)
	var parts []*tensor.Tensor
	for lo := 0; lo < n; lo += evalChunk {
		parts = append(parts, m.Energies(x.Narrow(0, lo, min(evalChunk, n-lo))).DetachRelease())
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return tensor.Concat(0, parts...)
}

// Eval is how well the energies of a labelled set fit its labels.
type Eval struct {
	// Accuracy is the share of samples whose label has the lowest energy.
	Accuracy float64
	// Margin is the mean over samples of E(most offending incorrect
	// answer) - E(correct answer): positive where the correct answer wins.
	Margin float64
	// Loss is the mean training loss on the set.
	Loss float64
}

// Evaluate measures the model on a labelled set with the loss it trains
// on.
func Evaluate(m *Model, loss energy.Loss, set *data.Set) (Eval, error) {
	if err := checkLabels(set, m.Classes); err != nil {
		return Eval{}, err
	}
	e := m.AllEnergies(set.X)
	return evalEnergies(e, loss, set.Labels), nil
}

// evalEnergies measures energies [N, K] against the labels.
func evalEnergies(e *tensor.Tensor, loss energy.Loss, labels []int) Eval {
	n := e.Size(0)
	pred := e.Argmin(1).Data()
	right := 0
	for i, p := range pred {
		if int(p) == labels[i] {
			right++
		}
	}
	margin := energy.MostOffending(e, labels).Sub(energy.Correct(e, labels)).Mean()
	return Eval{
		Accuracy: float64(right) / float64(n),
		Margin:   float64(margin.Item()),
		Loss:     float64(loss.Finite(e, labels).Item()),
	}
}

// checkLabels checks that a set has a label in [0, classes) for every
// sample.
func checkLabels(set *data.Set, classes int) error {
	if set.Labels == nil {
		return fmt.Errorf("%s has no labels (a CSV file needs a column named label)", set.Name)
	}
	for i, l := range set.Labels {
		if l < 0 || l >= classes {
			return fmt.Errorf("%s: sample %d has label %d, outside the %d labels the model knows (0 to %d)", set.Name, i+1, l, classes, classes-1)
		}
	}
	return nil
}

// Scores are out-of-distribution scores of samples, higher meaning
// farther from the training data.
type Scores struct {
	// Energy is the free energy over the labels, -log sum_k exp(-F(x, k))
	// (Liu et al. 2020's energy score).
	Energy []float64
	// MSP is minus the largest probability of the Gibbs distribution over
	// the labels, softmax(-F(x, .)): the maximum softmax probability
	// baseline of Hendrycks & Gimpel 2017, negated.
	MSP []float64
}

// Energies is a model with an energy for each of a finite set of labels,
// such as a *Model: AllEnergies returns them for samples x ([N, D]),
// [N, K], without gradients. A classifier is one, its energies the
// negated logits.
type Energies interface {
	AllEnergies(x *tensor.Tensor) *tensor.Tensor
}

// Score returns the out-of-distribution scores of samples x ([N, D])
// under m.
func Score(m Energies, x *tensor.Tensor) Scores {
	e := m.AllEnergies(x)
	free := freeEnergy(e).Data()
	msp := e.Neg().Softmax(1).Max(1).Data()
	s := Scores{Energy: make([]float64, len(free)), MSP: make([]float64, len(msp))}
	for i := range free {
		s.Energy[i], s.MSP[i] = float64(free[i]), -float64(msp[i])
	}
	return s
}

// OODResult is how well two scores tell samples of the training
// distribution (in) from others (out).
type OODResult struct {
	// Inside and Outside are the scores of the in-distribution and the
	// out-of-distribution samples.
	Inside, Outside Scores
	// EnergyAUROC and MSPAUROC are the areas under the ROC curve of the
	// scores of Scores, out-of-distribution samples being the positives:
	// the probability that an outside sample scores above an inside one.
	EnergyAUROC, MSPAUROC float64
}

// OOD scores the in-distribution samples in ([N, D], usually the test
// split of the training data) and the out-of-distribution samples out,
// and returns the AUROC of each score.
func OOD(m Energies, in, out *tensor.Tensor) (OODResult, error) {
	if in.Size(1) != out.Size(1) {
		return OODResult{}, fmt.Errorf("label: in-distribution samples have %d features and out-of-distribution ones %d", in.Size(1), out.Size(1))
	}
	si, so := Score(m, in), Score(m, out)
	truth := make([]bool, len(si.Energy)+len(so.Energy))
	for i := len(si.Energy); i < len(truth); i++ {
		truth[i] = true
	}
	res := OODResult{Inside: si, Outside: so}
	var err error
	if res.EnergyAUROC, err = energy.AUROC(append(si.Energy, so.Energy...), truth); err != nil {
		return res, err
	}
	res.MSPAUROC, err = energy.AUROC(append(si.MSP, so.MSP...), truth)
	return res, err
}
