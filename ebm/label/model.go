package label

import (
	"fmt"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// Model is the energy F(x, k) of a sample x and each label k < Classes.
// Net maps flattened samples [N, D] to one output per label, [N, K]; the
// outputs are the energies, through a softplus when Positive.
type Model struct {
	Net      *nn.Sequential
	Positive bool
	Classes  int
}

// NewModel returns the untrained model of a config whose Shape and
// Classes are set, initialised from rng like PyTorch's layers: an MLP
// D -> Hidden... -> K with ReLU between layers, or for Arch "conv" one
// 4x4 stride-2 convolution (padding 1) with ReLU per entry of Hidden, then
// a Linear layer to K.
func NewModel(rng *tensor.RNG, c Config) *Model {
	var layers []nn.Layer
	if c.Arch == "conv" {
		ch, h, w := c.Shape[0], c.Shape[1], c.Shape[2]
		layers = append(layers, &nn.Unflatten{Shape: []int{ch, h, w}})
		for _, out := range c.Hidden {
			layers = append(layers, nn.NewConv2d(rng, ch, out, nn.ConvSpec{Kernel: 4, Stride: 2, Padding: 1}), nn.ReLU())
			ch, h, w = out, h/2, w/2
		}
		layers = append(layers, nn.Flatten(), nn.NewLinear(rng, ch*h*w, c.Classes, true))
	} else {
		width := data.Features(c.Shape)
		for _, h := range c.Hidden {
			layers = append(layers, nn.NewLinear(rng, width, h, true), nn.ReLU())
			width = h
		}
		layers = append(layers, nn.NewLinear(rng, width, c.Classes, true))
	}
	return &Model{Net: nn.NewSequential(layers...), Positive: c.PositiveEnergies(), Classes: c.Classes}
}

// Params returns the network's parameters, named as in a PyTorch
// nn.Sequential of the same layers ("0.weight", ...).
func (m *Model) Params() []nn.Param { return m.Net.Params() }

// Energies returns F(x, k) for every sample of x ([N, D]) and label k,
// shape [N, K].
func (m *Model) Energies(x *tensor.Tensor) *tensor.Tensor {
	e := m.Net.Forward(x)
	if m.Positive {
		e = e.Softplus()
	}
	return e
}

// Energy returns F(x, y) = sum_k y_k F(x, k) for samples x [N, D] and
// labels y as one-hot rows [N, K], shape [N]. With x == nil it returns the
// free energy of the samples y ([N, D]) over the labels (FreeEnergy), so
// that the model scores samples like any unconditional energy.
func (m *Model) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	if x == nil {
		return m.FreeEnergy(y)
	}
	if y.Dim() != 2 || y.Size(0) != x.Size(0) || y.Size(1) != m.Classes {
		panic(fmt.Sprintf("label: Energy of samples %v and labels %v: want labels as one-hot rows [%d, %d]", x.Shape(), y.Shape(), x.Size(0), m.Classes))
	}
	return m.Energies(x).Mul(y).Sum(1)
}

// FreeEnergy returns F(x) = -log sum_k exp(-F(x, k)) for samples x
// ([N, D]), shape [N]: the soft minimum of the energies over the labels,
// low on samples to which some label fits well. With the NLL loss it is
// the negative logsumexp of the logits, the energy score of Liu et al.
// 2020.
func (m *Model) FreeEnergy(x *tensor.Tensor) *tensor.Tensor { return freeEnergy(m.Energies(x)) }

// freeEnergy returns -log sum_k exp(-e[i, k]) for energies e [N, K].
func freeEnergy(e *tensor.Tensor) *tensor.Tensor { return e.Neg().LogSumExp(1).Neg() }

// Predict returns argmin_k F(x, k) for every sample of x, computed without
// gradients.
func (m *Model) Predict(x *tensor.Tensor) []int {
	am := m.Energies(x).DetachRelease().Argmin(1).Data()
	out := make([]int, len(am))
	for i, v := range am {
		out[i] = int(v)
	}
	return out
}
