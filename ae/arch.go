package ae

import (
	"fmt"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// Architectures lists the names Config.Arch takes.
var Architectures = []string{"mlp", "conv"}

// Activations lists the names Config.Activation takes.
var Activations = []string{"relu", "silu", "tanh", "elu", "gelu", "sigmoid"}

var activations = map[string]func() nn.Layer{
	"relu":    func() nn.Layer { return nn.ReLU() },
	"silu":    func() nn.Layer { return nn.SiLU() },
	"tanh":    func() nn.Layer { return nn.Tanh() },
	"elu":     func() nn.Layer { return nn.ELU(1) },
	"gelu":    func() nn.Layer { return nn.GELU() },
	"sigmoid": func() nn.Layer { return nn.Sigmoid() },
}

// Net describes an encoder and its mirror decoder.
type Net struct {
	// Arch is "mlp" or "conv".
	Arch string
	// Shape is the shape of one sample: [D] or [C, H, W]. A conv net
	// needs [C, H, W] with H and W divisible by 2^len(Hidden).
	Shape []int
	// Hidden are the widths of the MLP's hidden layers, from the input
	// inwards, or the channels of the conv net's stride-2 layers.
	Hidden []int
	// Activation names the nonlinearity between layers (Activations).
	Activation string
}

// Encoder returns the encoder: [N, D] samples (flattened) to [N, out].
func (n Net) Encoder(rng *tensor.RNG, out int) nn.Layer {
	act := activations[n.Activation]
	if n.Arch == "mlp" {
		return mlp(rng, append(append([]int{data.Features(n.Shape)}, n.Hidden...), out), act)
	}
	c, h, w := n.image()
	layers := []nn.Layer{&nn.Unflatten{Shape: []int{c, h, w}}}
	for _, ch := range n.Hidden {
		layers = append(layers, nn.NewConv2d(rng, c, ch, downSpec), act())
		c, h, w = ch, h/2, w/2
	}
	layers = append(layers, nn.Flatten(), nn.NewLinear(rng, c*h*w, out, true))
	return nn.NewSequential(layers...)
}

// Decoder returns the decoder: [N, in] codes to [N, D] outputs, with no
// activation after its last layer (the likelihood reads the outputs: see
// Bernoulli and Gaussian).
func (n Net) Decoder(rng *tensor.RNG, in int) nn.Layer {
	act := activations[n.Activation]
	if n.Arch == "mlp" {
		widths := []int{in}
		for i := len(n.Hidden) - 1; i >= 0; i-- {
			widths = append(widths, n.Hidden[i])
		}
		return mlp(rng, append(widths, data.Features(n.Shape)), act)
	}
	c0, h, w := n.image()
	k := len(n.Hidden)
	c := n.Hidden[k-1]
	h, w = h>>k, w>>k
	layers := []nn.Layer{nn.NewLinear(rng, in, c*h*w, true), act(), &nn.Unflatten{Shape: []int{c, h, w}}}
	for i := k - 1; i >= 0; i-- {
		next := c0
		if i > 0 {
			next = n.Hidden[i-1]
		}
		layers = append(layers, nn.NewConvTranspose2d(rng, c, next, downSpec))
		if i > 0 {
			layers = append(layers, act())
		}
		c = next
	}
	return nn.NewSequential(append(layers, nn.Flatten())...)
}

// Validate checks the description; its errors name the setting.
func (n Net) Validate() error {
	if _, ok := activations[n.Activation]; !ok {
		return fmt.Errorf("activation: unknown activation %q", n.Activation)
	}
	if len(n.Hidden) == 0 {
		return fmt.Errorf("hidden: needs at least one width")
	}
	for _, w := range n.Hidden {
		if w <= 0 {
			return fmt.Errorf("hidden: widths must be positive, got %v", n.Hidden)
		}
	}
	switch n.Arch {
	case "mlp":
		return nil
	case "conv":
		if n.Shape == nil {
			return nil // not known yet
		}
		if len(n.Shape) != 3 {
			return fmt.Errorf("arch: conv needs images, and samples have shape %v", n.Shape)
		}
		if f := 1 << len(n.Hidden); n.Shape[1]%f != 0 || n.Shape[2]%f != 0 {
			return fmt.Errorf("arch: conv with %d stride-2 layers needs image sides divisible by %d, got %dx%d", len(n.Hidden), f, n.Shape[1], n.Shape[2])
		}
		return nil
	}
	return fmt.Errorf("arch: unknown architecture %q (have mlp, conv)", n.Arch)
}

// downSpec halves an image's sides: a 4x4 kernel with stride 2 and padding
// 1 (and its transpose doubles them).
var downSpec = nn.ConvSpec{Kernel: 4, Stride: 2, Padding: 1}

// mlp returns Linear layers through the widths with act between them.
func mlp(rng *tensor.RNG, widths []int, act func() nn.Layer) nn.Layer {
	var layers []nn.Layer
	for i := 0; i+1 < len(widths); i++ {
		if i > 0 {
			layers = append(layers, act())
		}
		layers = append(layers, nn.NewLinear(rng, widths[i], widths[i+1], true))
	}
	return nn.NewSequential(layers...)
}

func (n Net) image() (c, h, w int) { return n.Shape[0], n.Shape[1], n.Shape[2] }
