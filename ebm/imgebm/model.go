package imgebm

import (
	"fmt"
	"image"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// The model kinds of these runs in config.json.
const (
	Kind    = "ebm-image"
	KindJEM = "jem"
)

func init() {
	train.Register(Kind, func(r *train.Run) (train.Model, error) { return open(r, Kind) })
	train.Register(KindJEM, func(r *train.Run) (train.Model, error) { return open(r, KindJEM) })
}

// Model is a trained image energy (kind "ebm-image") or JEM classifier
// (kind "jem") over images given as rows [N, C*H*W] of pixels in [0, 1].
// It is an energy.Model: Energy(nil, y) is E(y) of images y, and for JEM
// Energy(x, y) with x the one-hot labels [N, Classes] is E(y, label) =
// -f(y)[label]. It is a train.Sampler (Langevin chains from uniform
// noise) and a train.Plotter (image grids).
type Model struct {
	// Net maps images to the energy ([N, 1]) or, for JEM, to the logits
	// ([N, Classes]).
	Net    *nn.Sequential
	Config Config
	Step   int // training steps behind the weights
	kind   string
}

// newModel builds the untrained network of a valid config whose Shape
// (and, for JEM, Classes) is set.
func newModel(cfg Config, kind string) *Model {
	rng := tensor.NewRNG(cfg.Seed + 3)
	c, h, w := cfg.Shape[0], cfg.Shape[1], cfg.Shape[2]
	layers := []nn.Layer{&nn.Unflatten{Shape: cfg.Shape}}
	spec := nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1}
	for _, ch := range cfg.Channels {
		layers = append(layers, nn.NewConv2d(rng, c, ch, spec), nn.SiLU())
		c, h, w = ch, (h-1)/2+1, (w-1)/2+1
	}
	layers = append(layers, nn.Flatten())
	width, out := c*h*w, 1
	if kind == KindJEM {
		out = cfg.Classes
	}
	if cfg.Hidden > 0 {
		layers = append(layers, nn.NewLinear(rng, width, cfg.Hidden, true), nn.SiLU())
		width = cfg.Hidden
	}
	layers = append(layers, nn.NewLinear(rng, width, out, true))
	return &Model{Net: nn.NewSequential(layers...), Config: cfg, kind: kind}
}

// open rebuilds the trained model of a run of kind from its config and
// weights.
func open(r *train.Run, kind string) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.checkData(kind); err != nil {
		return nil, err
	}
	m := newModel(cfg, kind)
	step, err := r.Load(train.Module("", m.Net))
	if err != nil {
		return nil, err
	}
	m.Step = step
	return m, nil
}

// checkData checks the settings that come from the data set.
func (c Config) checkData(kind string) error {
	if len(c.Shape) != 3 {
		return fmt.Errorf("imgebm: config has image shape %v, want [C, H, W]", c.Shape)
	}
	if kind == KindJEM && c.Classes < 2 {
		return fmt.Errorf("imgebm: JEM needs labelled images of at least two classes, %s has %d", c.Data, c.Classes)
	}
	return nil
}

// Kind returns "ebm-image" or "jem".
func (m *Model) Kind() string { return m.kind }

// InputShape returns the shape of one image, [C, H, W].
func (m *Model) InputShape() []int { return append([]int{}, m.Config.Shape...) }

// Logits returns JEM's class logits f(y) of images y, [N, Classes]; for
// the image energy, the energies as [N, 1].
func (m *Model) Logits(y *tensor.Tensor) *tensor.Tensor { return m.Net.Forward(y) }

// Energy returns one energy per image of y ([N, C*H*W]): E(y), or for
// JEM with x the one-hot labels ([N, Classes]) E(y, x) = -f(y) . x.
func (m *Model) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	out := m.Net.Forward(y)
	switch {
	case m.kind != KindJEM:
		return out.Reshape(-1)
	case x == nil:
		return out.LogSumExp(1).Neg()
	}
	return out.Mul(x).Sum(1).Neg()
}

// PerSample reports whether the network computes each image's energy
// from that image alone (see nn.PerSample), as JEM's energies then are.
func (m *Model) PerSample() bool { return nn.PerSample(m.Net) }

// langevin is the run's sampler with chains kept in the pixels' range.
func (m *Model) langevin(steps int) energy.Langevin {
	c := m.Config
	return energy.Langevin{Steps: steps, StepSize: float32(c.StepSize), Noise: float32(c.Noise), ClipGrad: float32(c.ClipGrad), Lo: 0, Hi: 1}
}

// Sample runs n Langevin chains of steps steps (the config's SampleSteps
// when 0) on E(x) from uniform noise and returns their ends, [n, C*H*W].
func (m *Model) Sample(n, steps int, rng *tensor.RNG) *tensor.Tensor {
	if steps == 0 {
		steps = m.Config.SampleSteps
	}
	return m.langevin(steps).Run(m, nil, m.noise(n, rng), rng)
}

// SampleClasses runs, for JEM, one Langevin chain of steps steps (the
// config's SampleSteps when 0) on E(x, label) from uniform noise per
// label and returns their ends, [len(labels), C*H*W].
func (m *Model) SampleClasses(labels []int, steps int, rng *tensor.RNG) *tensor.Tensor {
	if steps == 0 {
		steps = m.Config.SampleSteps
	}
	return m.langevin(steps).Run(m, oneHot(labels, m.Config.Classes), m.noise(len(labels), rng), rng)
}

// noise returns n images of uniform noise in [0, 1].
func (m *Model) noise(n int, rng *tensor.RNG) *tensor.Tensor {
	return tensor.Uniform(rng, 0, 1, n, m.Config.Shape[0]*m.Config.Shape[1]*m.Config.Shape[2])
}

// oneHot returns the one-hot rows [len(labels), classes] of labels.
func oneHot(labels []int, classes int) *tensor.Tensor {
	t := tensor.Zeros(len(labels), classes)
	for i, l := range labels {
		t.Set(1, i, l)
	}
	return t
}

// Plot draws images ([N, C*H*W]) as a grid titled with the model they are
// said to come from.
func (m *Model) Plot(images *tensor.Tensor) image.Image {
	return m.grid(images, 8, fmt.Sprintf("%d samples of the %s %s model (step %d)", images.Size(0), m.Config.Data, m.kind, m.Step))
}

// grid tiles images ([N, C*H*W]) cols a row under a title.
func (m *Model) grid(images *tensor.Tensor, cols int, title string) image.Image {
	s := m.Config.Shape
	g := viz.ImageGrid{Images: images.Reshape(images.Size(0), s[0], s[1], s[2]), Cols: cols, Zoom: max(2, 56/s[1])}
	return viz.Annotate(g.Render(), viz.Labels{Title: title})
}

// Networks returns the network: images in, the energy (or JEM's logits)
// out.
func (m *Model) Networks() []train.Network {
	if m.kind == KindJEM {
		return []train.Network{{Name: "classifier", In: "x", Out: "logits", Input: m.InputShape(), Layers: []nn.Child{{Module: m.Net}}}}
	}
	return []train.Network{{Name: "energy", In: "y", Out: "energy", Input: m.InputShape(), Layers: []nn.Child{{Module: m.Net}}, PerSample: true}}
}
