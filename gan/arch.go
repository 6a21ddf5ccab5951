package gan

import (
	"fmt"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// MLP describes a multilayer perceptron by its hidden layers.
type MLP struct {
	Hidden []int
	// Activation makes the nonlinearity after each hidden layer.
	Activation func() nn.Layer
	// BatchNorm puts a BatchNorm1d between each hidden Linear layer and
	// its activation (PacGAN's generator).
	BatchNorm bool
	// Maxout, when above 1, makes each hidden layer a maxout layer of that
	// many pieces (PacGAN's discriminator: LinearMaxout with 5) in place
	// of Activation: a Linear layer to width*Maxout values, then the
	// largest of each unit's pieces.
	Maxout int
}

// Build returns the MLP from [N, in] to [N, out], with final after the
// last Linear layer (nil for none). Layers keep PyTorch's default
// initialisation and its Sequential names ("0.weight", ...).
func (m MLP) Build(rng *tensor.RNG, in, out int, final nn.Layer) *nn.Sequential {
	var layers []nn.Layer
	for _, w := range m.Hidden {
		if m.Maxout > 1 {
			layers = append(layers, nn.NewLinear(rng, in, w*m.Maxout, true), Maxout{Pieces: m.Maxout})
			in = w
			continue
		}
		layers = append(layers, nn.NewLinear(rng, in, w, true))
		if m.BatchNorm {
			layers = append(layers, nn.NewBatchNorm1d(w))
		}
		layers = append(layers, m.Activation())
		in = w
	}
	layers = append(layers, nn.NewLinear(rng, in, out, true))
	if final != nil {
		layers = append(layers, final)
	}
	return nn.NewSequential(layers...)
}

// Maxout is the activation of maxout units (Goodfellow et al. 2013): from
// [N, U*Pieces] it keeps the largest of each unit's Pieces consecutive
// values, [N, U].
type Maxout struct {
	Pieces int
}

// Params returns none: a maxout unit's weights are its Linear layer's.
func (Maxout) Params() []nn.Param { return nil }

// Forward returns the largest piece of each unit.
func (m Maxout) Forward(x *tensor.Tensor) *tensor.Tensor {
	n, d := x.Size(0), x.Size(1)
	if d%m.Pieces != 0 {
		panic(fmt.Sprintf("gan: Maxout: %d values do not split into units of %d pieces", d, m.Pieces))
	}
	return x.Reshape(n, d/m.Pieces, m.Pieces).Max(2)
}

// DCGAN describes the convolutional generator and discriminator of
// Radford et al. 2016 for small images (28x28): two stride-2 layers of
// 4x4 kernels, BatchNorm, ReLU in the generator and LeakyReLU(0.2) in the
// discriminator, tanh output, and weights drawn from N(0, 0.02) (Init).
type DCGAN struct {
	// Shape is one image's [C, H, W], with H and W divisible by 4.
	Shape []int
	// Channels are the widths of the two stride-2 layers, from the image
	// inwards (64, 128 in the paper's spirit).
	Channels [2]int
}

// Validate checks that the images suit the nets.
func (d DCGAN) Validate() error {
	if len(d.Shape) != 3 || d.Shape[1]%4 != 0 || d.Shape[2]%4 != 0 {
		return fmt.Errorf("dcgan needs images of shape [C, H, W] with H and W divisible by 4, got %v", d.Shape)
	}
	if d.Channels[0] <= 0 || d.Channels[1] <= 0 {
		return fmt.Errorf("dcgan needs positive channels, got %v", d.Channels)
	}
	return nil
}

var down = nn.ConvSpec{Kernel: 4, Stride: 2, Padding: 1}

// Generator returns the generator from [N, latent] codes to [N, C*H*W]
// images in [-1, 1]: Linear to 1/4-size maps, BatchNorm, ReLU, then two
// ConvTranspose2d layers doubling the sides.
func (d DCGAN) Generator(rng *tensor.RNG, latent int) *nn.Sequential {
	c, h, w := d.Shape[0], d.Shape[1]/4, d.Shape[2]/4
	c1, c2 := d.Channels[0], d.Channels[1]
	g := nn.NewSequential(
		nn.NewLinear(rng, latent, c2*h*w, false), nn.NewBatchNorm1d(c2*h*w), nn.ReLU(), &nn.Unflatten{Shape: []int{c2, h, w}},
		nn.NewConvTranspose2d(rng, c2, c1, down), nn.NewBatchNorm2d(c1), nn.ReLU(),
		nn.NewConvTranspose2d(rng, c1, c, down), nn.Tanh(), nn.Flatten(),
	)
	Init(rng, g)
	return g
}

// Discriminator returns the discriminator from [N, pack*C*H*W] (pack
// images joined along the channels, see Pack) to [N, 1] logits.
func (d DCGAN) Discriminator(rng *tensor.RNG, pack int) *nn.Sequential {
	c, h, w := d.Shape[0]*pack, d.Shape[1], d.Shape[2]
	c1, c2 := d.Channels[0], d.Channels[1]
	net := nn.NewSequential(
		&nn.Unflatten{Shape: []int{c, h, w}},
		nn.NewConv2d(rng, c, c1, down), nn.LeakyReLU(0.2),
		nn.NewConv2d(rng, c1, c2, down), nn.NewBatchNorm2d(c2), nn.LeakyReLU(0.2),
		nn.Flatten(), nn.NewLinear(rng, c2*(h/4)*(w/4), 1, true),
	)
	Init(rng, net)
	return net
}

// Init gives m the DCGAN initialisation: the weights of Linear and
// convolution layers from N(0, 0.02), BatchNorm scales from N(1, 0.02),
// all biases zero.
func Init(rng *tensor.RNG, m nn.Module) {
	walk(m, func(l nn.Module) {
		switch l := l.(type) {
		case *nn.Linear:
			initLayer(rng, l.Weight, l.Bias, 0)
		case *nn.Conv2d:
			initLayer(rng, l.Weight, l.Bias, 0)
		case *nn.ConvTranspose2d:
			initLayer(rng, l.Weight, l.Bias, 0)
		case *nn.BatchNorm:
			if l.Weight != nil {
				initLayer(rng, l.Weight, l.Bias, 1)
			}
		}
	})
}

// initLayer draws w from N(mean, 0.02) and zeroes b when there is one.
func initLayer(rng *tensor.RNG, w, b *tensor.Tensor, mean float64) {
	nn.Normal(rng, w, mean, 0.02)
	if b != nil {
		nn.Zeros(b)
	}
}

// walk calls f on m and its descendants, parents first.
func walk(m nn.Module, f func(nn.Module)) {
	f(m)
	if p, ok := m.(nn.Parent); ok {
		for _, c := range p.Children() {
			walk(c.Module, f)
		}
	}
}
