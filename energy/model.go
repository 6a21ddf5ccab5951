// Package energy is the core of gibbs: energy-based models and the methods
// that train and use them.
//
// An energy model gives one scalar F(x, y) per sample, low where y is
// compatible with x (LeCun et al. 2006, "A Tutorial on Energy-Based
// Learning"). Inference is y* = argmin_y F(x, y): over a finite set of
// candidates (ArgminFinite), by gradient descent on a continuous y
// (Descend), or through a latent z whose minimum or soft minimum, the free
// energy F_beta = -1/beta log mean_z exp(-beta E(x, y, z)), defines F
// (MinLatent, FreeEnergy).
//
// Training shapes F by one of two families:
//   - contrastive methods push F down on data and up on other points: the
//     losses of LeCun et al.'s table (Hinge, Log, NLL, ...), with negatives
//     from the most offending incorrect answer (MostOffending) or from
//     samplers (Langevin, its Metropolis-adjusted form MALA, a Replay
//     buffer of persistent chains moved by either, CD-k, HMC);
//     score matching (DenoisingScoreMatching, SlicedScoreMatching) needs no
//     negatives at all, and over several noise levels with a
//     noise-conditional energy (AnnealedDenoisingScore,
//     AnnealedSlicedScore, sampled by AnnealedLangevin) it learns
//     multi-modal data;
//   - architectural and regularized methods limit the volume of low energy:
//     PCA and K-means read as energies, sparse coding (ISTA, FISTA), LISTA,
//     the sparse autoencoder and the discriminative recurrent sparse
//     autoencoder (DrSAE).
//
// An Objective builds the loss of a batch: Contrast (a loss and a sampler
// of negatives), DenoisingScore, SlicedScore or their annealed forms;
// package train's Step turns
// it into an update, and its Loop into a run.
//
// Conditional models take x; unconditional ones are called with x == nil.
package energy

import (
	"fmt"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// Model is an energy F(x, y): given a batch of x ([N, ...], or nil for an
// unconditional model) and y ([N, ...]) it returns the energies, shape [N].
type Model interface {
	Energy(x, y *tensor.Tensor) *tensor.Tensor
}

// Func turns a Go function of tensors into a Model.
type Func func(x, y *tensor.Tensor) *tensor.Tensor

// Energy calls f.
func (f Func) Energy(x, y *tensor.Tensor) *tensor.Tensor { return f(x, y) }

// LatentModel is an energy E(x, y, z) with a latent variable z ([N, ...]).
type LatentModel interface {
	LatentEnergy(x, y, z *tensor.Tensor) *tensor.Tensor
}

// LatentFunc turns a Go function into a LatentModel.
type LatentFunc func(x, y, z *tensor.Tensor) *tensor.Tensor

// LatentEnergy calls f.
func (f LatentFunc) LatentEnergy(x, y, z *tensor.Tensor) *tensor.Tensor { return f(x, y, z) }

// Net is an energy computed by a network from the concatenation [x, y]
// (or y alone when x is nil), whose output of shape [N, 1] (or [N]) is the
// energy. Its parameters are the network's.
type Net struct {
	Layer nn.Layer
}

// NewMLP returns a Net whose network is an MLP in -> hidden... -> 1 with the
// given activation between layers, initialised like PyTorch's Linear.
func NewMLP(rng *tensor.RNG, in int, hidden []int, act func() nn.Layer) *Net {
	var layers []nn.Layer
	width := in
	for _, h := range hidden {
		layers = append(layers, nn.NewLinear(rng, width, h, true), act())
		width = h
	}
	layers = append(layers, nn.NewLinear(rng, width, 1, true))
	return &Net{Layer: nn.NewSequential(layers...)}
}

// Energy returns the network's output for [x, y] as a vector.
func (n *Net) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	in := y
	if x != nil {
		in = tensor.Concat(1, x.Flatten(), y.Flatten())
	}
	out := n.Layer.Forward(in)
	if out.Dim() == 2 && out.Size(1) != 1 {
		panic(fmt.Sprintf("energy: Net: network output shape %v, want [N, 1]", out.Shape()))
	}
	return out.Reshape(-1)
}

// Params returns the network's parameters (names of the inner layer).
func (n *Net) Params() []nn.Param { return n.Layer.Params() }

// PerSample reports whether the network computes each sample's energy
// from that sample alone (see nn.PerSample), so that samplers may take its
// gradients a few samples at a time.
func (n *Net) PerSample() bool { return nn.PerSample(n.Layer) }

// gradY returns dF/dy summed over the batch, i.e. the per-sample gradient
// of each energy with respect to its own y, and the energies. y is a leaf
// the caller owns (a sampler's chains): it requires a gradient during the
// pass only. The graph of the energy is released once its gradient is
// taken, and the caller recycles the two results once read (see
// tensor.Recycle), so that the many steps of a sampler reuse their buffers
// instead of allocating. When values is not nil, it receives the number
// of values the pass's graph held (see tensor.GraphValues).
func gradY(m Model, x, y *tensor.Tensor, values *int) (g, e *tensor.Tensor) {
	y.SetRequiresGrad(true)
	defer y.SetRequiresGrad(false)
	f := m.Energy(x, y)
	total := f.Sum()
	g = tensor.Grad(total, y)[0]
	e = f.Clone()
	if values != nil {
		*values = total.GraphValues()
	}
	total.Release()
	return g, e
}
