package energy

import (
	"fmt"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// DrSAE is the discriminative recurrent sparse autoencoder of Rolfe &
// LeCun 2013: a recurrent encoder of rectified units, unrolled Steps
// times from z_0 = 0,
//
//	z_{t+1} = ReLU(E y + S z_t - b),
//
// a linear decoder D with unit-norm columns, and the sparse coding energy
// of the last code,
//
//	E(y, z) = ||y - D z||^2 + lambda |z|_1,   F(y) = E(y, z_Steps).
//
// Initialised from a dictionary it is the non-negative ISTA of that
// dictionary (E = D^T / L, S = I - D^T D / L, b = lambda / L), like LISTA;
// training then learns the encoder and the dictionary together. With a
// classifier C on the normalised code, z / ||z||, the discriminative loss
// (cross-entropy) joins the energy during training; Rolfe & LeCun find
// that the units then split into "part" units, which reconstruct, and
// "categorical" units, which carry the class. The input x is ignored.
type DrSAE struct {
	E          *tensor.Tensor // encoder, [dz, dy]
	S          *tensor.Tensor // explaining-away matrix, [dz, dz]
	B          *tensor.Tensor // thresholds, [dz]
	D          *tensor.Tensor // decoder, atoms as unit-norm columns, [dy, dz]
	Classifier *tensor.Tensor // [classes, dz]; nil without a discriminative part
	Steps      int            // recurrent iterations, >= 1
	Lambda     float32        // weight of the L1 penalty, >= 0
}

// NewDrSAE returns a DrSAE from dy inputs to dz codes, initialised as
// Steps iterations of non-negative ISTA on a random unit-norm dictionary,
// with a classifier of classes outputs (initialised like PyTorch's Linear)
// when classes > 0.
func NewDrSAE(rng *tensor.RNG, dy, dz, classes, steps int, lambda float32) *DrSAE {
	if steps < 1 || lambda < 0 || classes < 0 {
		panic(fmt.Sprintf("energy: NewDrSAE: %d steps, lambda %v, %d classes", steps, lambda, classes))
	}
	sc := NewSparseCoding(rng, dy, dz, lambda)
	we, s, theta := sc.ISTAWeights()
	a := &DrSAE{
		E: we.SetRequiresGrad(true), S: s.SetRequiresGrad(true), B: tensor.Full(theta, dz).SetRequiresGrad(true),
		D: sc.Dict.Detach().SetRequiresGrad(true), Steps: steps, Lambda: lambda,
	}
	if classes > 0 {
		a.Classifier = nn.NewLinear(rng, dz, classes, false).Weight
	}
	return a
}

// Params returns "encoder", "explain", "threshold", "decoder" and, with a
// classifier, "classifier".
func (a *DrSAE) Params() []nn.Param {
	ps := []nn.Param{{Name: "encoder", Tensor: a.E}, {Name: "explain", Tensor: a.S}, {Name: "threshold", Tensor: a.B}, {Name: "decoder", Tensor: a.D}}
	if a.Classifier != nil {
		ps = append(ps, nn.Param{Name: "classifier", Tensor: a.Classifier})
	}
	return ps
}

// Encode returns the codes z_Steps of the rows of y ([N, dy]), shape [N, dz].
func (a *DrSAE) Encode(y *tensor.Tensor) *tensor.Tensor {
	in := tensor.MatmulT(matrixRows("DrSAE", y, a.E.Size(1)), a.E, false, true).Sub(a.B)
	z := in.ReLU()
	for t := 1; t < a.Steps; t++ {
		z = in.Add(tensor.MatmulT(z, a.S, false, true)).ReLU()
	}
	return z
}

// LatentEnergy returns E(y, z) = ||y - D z||^2 + lambda |z|_1 for each row,
// shape [N].
func (a *DrSAE) LatentEnergy(_, y, z *tensor.Tensor) *tensor.Tensor {
	r := matrixRows("DrSAE", y, a.D.Size(0)).Sub(tensor.MatmulT(z, a.D, false, true))
	return r.Square().Sum(1).Add(z.Abs().Sum(1).MulScalar(a.Lambda))
}

// Energy returns F(y) = E(y, z_Steps(y)) for each row of y, shape [N].
func (a *DrSAE) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	return a.LatentEnergy(x, y, a.Encode(y))
}

// Logits returns the classifier's scores of the normalised codes of y,
// shape [N, classes]. It panics without a classifier.
func (a *DrSAE) Logits(y *tensor.Tensor) *tensor.Tensor {
	if a.Classifier == nil {
		panic("energy: DrSAE.Logits: the model has no classifier")
	}
	return a.classify(a.Encode(y))
}

// classify returns the classifier's scores of the normalised codes z.
func (a *DrSAE) classify(z *tensor.Tensor) *tensor.Tensor {
	norm := z.Square().Sum(1).AddScalar(1e-8).Sqrt().Unsqueeze(1)
	return tensor.MatmulT(z.Div(norm), a.Classifier, false, true)
}

// TrainDrSAE minimises the mean energy of minibatches of the rows of y
// plus, when labels is not nil, weight times the cross-entropy of the
// classifier on them, with Adam, scaling the decoder's columns back to
// unit norm after every step; it returns the loss of every step.
func TrainDrSAE(a *DrSAE, y *tensor.Tensor, labels []int, weight float64, cfg FitConfig) ([]float64, error) {
	if labels != nil && (a.Classifier == nil || len(labels) != y.Size(0)) {
		return nil, fmt.Errorf("energy: TrainDrSAE: %d labels for %d rows, and a classifier: %v", len(labels), y.Size(0), a.Classifier != nil)
	}
	return fitAdam("TrainDrSAE", nn.Tensors(a), y.Size(0), cfg, func(idx []int) *tensor.Tensor {
		rows := y.IndexSelect(0, idx)
		z := a.Encode(rows)
		loss := a.LatentEnergy(nil, rows, z).Mean()
		if labels == nil {
			return loss
		}
		targets := tensor.Zeros(len(idx))
		for i, j := range idx {
			targets.Data()[i] = float32(labels[j])
		}
		return loss.Add(nn.CrossEntropyLoss(a.classify(z), targets).MulScalar(float32(weight)))
	}, func() { unitColumns(a.D) })
}
