package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// SparseAE is a sparse autoencoder read as an energy (the NYU Deep Learning
// course; Ranzato, Poultney, Chopra & LeCun 2006; Rolfe & LeCun 2013 for
// the unit-norm decoder): an encoder z = ReLU(We y + be) predicts the code
// that a sparse coding energy would infer, a linear decoder maps it back,
//
//	E(y, z) = ||y - Wd z - bd||^2 + lambda |z|_1,
//	F(y)    = E(y, enc(y)).
//
// It is trained by minimising F on the data alone (TrainSparseAE): no
// negative samples are needed, because the L1 penalty on the code, with the
// decoder's columns held at unit norm so that the penalty cannot be dodged
// by scaling, keeps the set of well-reconstructed points small. The input
// x is ignored.
type SparseAE struct {
	Encoder *nn.Linear // dy -> dz, with bias
	Decoder *nn.Linear // dz -> dy, with bias; columns of weight kept at unit norm
	Lambda  float32    // weight of the L1 penalty, >= 0
}

// NewSparseAE returns a sparse autoencoder from dy inputs to dz codes,
// initialised like PyTorch's Linear layers and then with unit-norm decoder
// columns.
func NewSparseAE(rng *tensor.RNG, dy, dz int, lambda float32) *SparseAE {
	a := &SparseAE{Encoder: nn.NewLinear(rng, dy, dz, true), Decoder: nn.NewLinear(rng, dz, dy, true), Lambda: lambda}
	a.normalizeDecoder()
	return a
}

// Children names the layers "encoder" and "decoder".
func (a *SparseAE) Children() []nn.Child {
	return []nn.Child{{Name: "encoder", Module: a.Encoder}, {Name: "decoder", Module: a.Decoder}}
}

// Params returns "encoder.weight", "encoder.bias", "decoder.weight" and
// "decoder.bias".
func (a *SparseAE) Params() []nn.Param { return nn.ChildParams(a.Children()) }

// Encode returns the codes ReLU(We y + be) of the rows of y, shape [N, dz].
func (a *SparseAE) Encode(y *tensor.Tensor) *tensor.Tensor {
	return a.Encoder.Forward(matrixRows("SparseAE", y, a.Encoder.Weight.Size(1))).ReLU()
}

// Decode returns the reconstructions Wd z + bd, shape [N, dy].
func (a *SparseAE) Decode(z *tensor.Tensor) *tensor.Tensor { return a.Decoder.Forward(z) }

// LatentEnergy returns E(y, z) = ||y - Wd z - bd||^2 + lambda |z|_1 for each
// row, shape [N].
func (a *SparseAE) LatentEnergy(_, y, z *tensor.Tensor) *tensor.Tensor {
	r := matrixRows("SparseAE", y, a.Decoder.Weight.Size(0)).Sub(a.Decode(z))
	return r.Square().Sum(1).Add(z.Abs().Sum(1).MulScalar(a.Lambda))
}

// Energy returns F(y) = E(y, enc(y)) for each row of y, shape [N].
func (a *SparseAE) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	return a.LatentEnergy(x, y, a.Encode(y))
}

// TrainSparseAE minimises the mean energy of minibatches of the rows of y
// with Adam, scaling the decoder's columns back to unit norm after every
// step, and returns the loss of every step.
func TrainSparseAE(a *SparseAE, y *tensor.Tensor, cfg FitConfig) ([]float64, error) {
	return fitAdam("TrainSparseAE", nn.Tensors(a), y.Size(0), cfg, func(idx []int) *tensor.Tensor {
		return a.Energy(nil, y.IndexSelect(0, idx)).Mean()
	}, a.normalizeDecoder)
}

// normalizeDecoder scales every column of the decoder's weight (one per
// code unit) to unit norm.
func (a *SparseAE) normalizeDecoder() { unitColumns(a.Decoder.Weight) }

// FitConfig sets a minibatch Adam run (Kingma & Ba 2014, with PyTorch's
// default betas and eps) of TrainSparseAE.
type FitConfig struct {
	Steps     int     // optimizer steps, >= 1
	BatchSize int     // rows per step, >= 1 (all rows when larger)
	LR        float64 // learning rate, > 0
	Seed      uint64  // fixes the order of the minibatches
}

// fitAdam minimises loss over minibatches of n rows drawn without
// replacement in a fresh seeded order every epoch, and returns the loss of
// every step; project, when not nil, runs after every step (to keep the
// parameters in a constraint set). It stops with an error naming op if the
// loss is not finite.
func fitAdam(op string, params []*tensor.Tensor, n int, cfg FitConfig, loss func(idx []int) *tensor.Tensor, project func()) ([]float64, error) {
	if cfg.Steps < 1 || cfg.BatchSize < 1 || !(cfg.LR > 0) {
		return nil, fmt.Errorf("energy: %s: steps %d, batch size %d and learning rate %v must be positive", op, cfg.Steps, cfg.BatchSize, cfg.LR)
	}
	ac := optim.DefaultAdamConfig()
	ac.LR = cfg.LR
	opt, err := optim.NewAdam(params, ac)
	if err != nil {
		return nil, fmt.Errorf("energy: %s: %w", op, err)
	}
	bs := min(cfg.BatchSize, n)
	rng := tensor.NewRNG(cfg.Seed)
	perm, pos := rng.Perm(n), 0
	losses := make([]float64, cfg.Steps)
	for step := range cfg.Steps {
		if pos+bs > n {
			perm, pos = rng.Perm(n), 0
		}
		opt.ZeroGrad()
		l := loss(perm[pos : pos+bs])
		pos += bs
		losses[step] = float64(l.Item())
		if math.IsNaN(losses[step]) || math.IsInf(losses[step], 0) {
			return losses[:step+1], fmt.Errorf("energy: %s: loss %v at step %d", op, losses[step], step)
		}
		l.Backward()
		opt.Step()
		if project != nil {
			project()
		}
	}
	return losses, nil
}
