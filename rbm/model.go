package rbm

import (
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// RBM is a Bernoulli-Bernoulli restricted Boltzmann machine over V visible
// and H hidden binary units, with the energy
//
//	E(v, h) = -b.v - c.h - v^T W h
//
// Its parameters are named as a PyTorch state dict would name them:
// "weight" W of shape [H, V] (one row per hidden unit, like a Linear
// layer from the visible to the hidden units), "visible_bias" b [V] and
// "hidden_bias" c [H]. As an energy.Model its energy is the free energy
// F(v) (see FreeEnergy).
type RBM struct {
	Weight      *tensor.Tensor // W, [H, V]
	VisibleBias *tensor.Tensor // b, [V]
	HiddenBias  *tensor.Tensor // c, [H]
}

// New returns an RBM with visible and hidden units whose weights are drawn
// from N(0, 0.01^2) and whose biases are zero, the initialisation of
// Hinton's practical guide (2010) and of scikit-learn's BernoulliRBM.
func New(rng *tensor.RNG, visible, hidden int) *RBM {
	return &RBM{
		Weight:      tensor.Randn(rng, hidden, visible).MulScalar(0.01).SetRequiresGrad(true),
		VisibleBias: tensor.Zeros(visible).SetRequiresGrad(true),
		HiddenBias:  tensor.Zeros(hidden).SetRequiresGrad(true),
	}
}

// Params returns weight, visible_bias and hidden_bias.
func (r *RBM) Params() []nn.Param {
	return []nn.Param{{Name: "weight", Tensor: r.Weight}, {Name: "visible_bias", Tensor: r.VisibleBias}, {Name: "hidden_bias", Tensor: r.HiddenBias}}
}

// Visible returns the number of visible units V.
func (r *RBM) Visible() int { return r.Weight.Size(1) }

// Hidden returns the number of hidden units H.
func (r *RBM) Hidden() int { return r.Weight.Size(0) }

// hiddenInput returns c + W v for each row of v ([N, V]), shape [N, H].
func (r *RBM) hiddenInput(v *tensor.Tensor) *tensor.Tensor {
	return tensor.MatmulT(v, r.Weight, false, true).Add(r.HiddenBias)
}

// FreeEnergy returns, for each row v of v ([N, V]),
//
//	F(v) = -log sum_h exp(-E(v, h)) = -b.v - sum_j softplus(c_j + W_j.v)
//
// shape [N]: the hidden units summed out in closed form, so that
// p(v) = exp(-F(v)) / Z. It is differentiable in the parameters.
func (r *RBM) FreeEnergy(v *tensor.Tensor) *tensor.Tensor {
	return v.Mul(r.VisibleBias).Sum(1).Add(r.hiddenInput(v).Softplus().Sum(1)).Neg()
}

// Energy returns the free energy F(y) of each row of y; x is ignored.
func (r *RBM) Energy(_, y *tensor.Tensor) *tensor.Tensor { return r.FreeEnergy(y) }

// JointEnergy returns E(v, h) = -b.v - c.h - v^T W h per row of v [N, V]
// and h [N, H], shape [N].
func (r *RBM) JointEnergy(v, h *tensor.Tensor) *tensor.Tensor {
	vWh := tensor.MatmulT(v, r.Weight, false, true).Mul(h).Sum(1)
	return v.Mul(r.VisibleBias).Sum(1).Add(h.Mul(r.HiddenBias).Sum(1)).Add(vWh).Neg()
}

// frozen returns the RBM's parameters cut from the graph: sampling and
// evaluation compute values only.
func (r *RBM) frozen() *RBM {
	return &RBM{Weight: r.Weight.Detach(), VisibleBias: r.VisibleBias.Detach(), HiddenBias: r.HiddenBias.Detach()}
}

// HiddenProbs returns p(h_j = 1 | v) = sigmoid(c_j + W_j.v) for each row
// of v ([N, V]), shape [N, H], without recording a graph.
func (r *RBM) HiddenProbs(v *tensor.Tensor) *tensor.Tensor {
	return r.frozen().hiddenInput(v).Sigmoid()
}

// VisibleProbs returns p(v_i = 1 | h) = sigmoid(b_i + (W^T h)_i) for each
// row of h ([N, H]), shape [N, V], without recording a graph.
func (r *RBM) VisibleProbs(h *tensor.Tensor) *tensor.Tensor {
	f := r.frozen()
	return h.Matmul(f.Weight).Add(f.VisibleBias).Sigmoid()
}
