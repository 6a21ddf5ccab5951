package energy

import (
	"fmt"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// LISTA is the learned ISTA encoder of Gregor & LeCun (2010), "Learning Fast
// Approximations of Sparse Coding": ISTA's iteration written as a layer and
// unrolled Depth times, with its matrices and thresholds made trainable,
//
//	B = We y,  z_1 = h_theta(B),  z_{k+1} = h_theta(B + S z_k),  k < Depth,
//
// where h_theta is the soft threshold (Shrink) with one threshold per code
// unit. Initialised from a dictionary (NewLISTA) it computes exactly Depth
// ISTA iterations from z = 0; trained to imitate the optimal codes
// (package lista) a few layers reach the accuracy of many ISTA or FISTA
// iterations, which makes sparse coding fast enough to be used as an encoder
// at inference time.
type LISTA struct {
	We    *tensor.Tensor // filter matrix, shape [dz, dy]
	S     *tensor.Tensor // mutual inhibition matrix, shape [dz, dz]
	Theta *tensor.Tensor // thresholds, shape [dz]
	Depth int            // number of shrinkage layers, >= 1
}

// NewLISTA returns a LISTA encoder of depth layers initialised with the ISTA
// weights of sc (ISTAWeights): We = D^T / L, S = I - D^T D / L and
// theta = lambda / L for every unit. Its parameters require gradients.
func NewLISTA(sc *SparseCoding, depth int) *LISTA {
	if depth < 1 {
		panic(fmt.Sprintf("energy: NewLISTA: depth %d, want >= 1", depth))
	}
	we, s, theta := sc.ISTAWeights()
	return &LISTA{
		We:    we.SetRequiresGrad(true),
		S:     s.SetRequiresGrad(true),
		Theta: tensor.Full(theta, sc.Dict.Size(1)).SetRequiresGrad(true),
		Depth: depth,
	}
}

// Params returns "We", "S" and "theta".
func (l *LISTA) Params() []nn.Param {
	return []nn.Param{{Name: "We", Tensor: l.We}, {Name: "S", Tensor: l.S}, {Name: "theta", Tensor: l.Theta}}
}

// Forward returns the codes of the rows of y ([N, dy]), shape [N, dz].
func (l *LISTA) Forward(y *tensor.Tensor) *tensor.Tensor {
	b := tensor.MatmulT(matrixRows("LISTA", y, l.We.Size(1)), l.We, false, true)
	z := Shrink(b, l.Theta)
	for k := 1; k < l.Depth; k++ {
		z = Shrink(b.Add(tensor.MatmulT(z, l.S, false, true)), l.Theta)
	}
	return z
}

// CodeError returns the relative squared error of the codes z against the
// reference codes ref (same shape): sum ||z - ref||^2 / sum ||ref||^2.
func CodeError(z, ref *tensor.Tensor) float64 {
	if z.Len() != ref.Len() {
		panic(fmt.Sprintf("energy: CodeError: shapes %v and %v", z.Shape(), ref.Shape()))
	}
	num, den := 0.0, 0.0
	rd := ref.Data()
	for i, v := range z.Data() {
		e := float64(v) - float64(rd[i])
		num += e * e
		den += float64(rd[i]) * float64(rd[i])
	}
	return num / den
}
