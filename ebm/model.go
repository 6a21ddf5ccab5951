package ebm

import (
	"fmt"
	"image"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// Kind is the model kind of these runs in config.json.
const Kind = "ebm"

func init() { train.Register(Kind, open) }

// Model is a trained energy model of 2-D points. It is an energy.Model
// (F(y) for points y of shape [N, 2]; x is ignored), a train.Sampler
// (Langevin chains from uniform noise over the dataset's box) and a
// train.Plotter (points drawn over that box).
type Model struct {
	Net    *energy.Net
	Config Config
	Box    data.Box // the dataset's bounding box
	Step   int      // training steps behind the weights
}

// newModel builds the untrained network of cfg, which must be valid.
func newModel(cfg Config) *Model {
	box, _ := data.Bounds(cfg.Data)
	net := energy.NewMLP(tensor.NewRNG(cfg.Seed+3), 2, cfg.Hidden, activations[cfg.Activation])
	return &Model{Net: net, Config: cfg, Box: box}
}

// open rebuilds the trained model of a run from its config and weights.
func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := newModel(cfg)
	step, err := r.Load(train.Module("", m.Net))
	if err != nil {
		return nil, err
	}
	m.Step = step
	return m, nil
}

// Kind returns "ebm".
func (m *Model) Kind() string { return Kind }

// Energy returns F(y) for each row of y ([N, 2]), shape [N].
func (m *Model) Energy(x, y *tensor.Tensor) *tensor.Tensor { return m.Net.Energy(x, y) }

// InputShape returns [2]: the model reads points of the plane.
func (m *Model) InputShape() []int { return []int{2} }

// bounds returns the box as the interval Langevin chains start in.
func (m *Model) bounds() (lo, hi float32) {
	return float32(min(m.Box.XMin, m.Box.YMin)), float32(max(m.Box.XMax, m.Box.YMax))
}

// DefaultSampleSteps is the number of Langevin steps of Sample with steps 0.
const DefaultSampleSteps = 200

// Sample runs n Langevin chains of steps steps (DefaultSampleSteps when
// 0), with the run's step size, noise and gradient clipping, from uniform
// noise over the box, kept inside it, and returns their ends ([n, 2]).
func (m *Model) Sample(n, steps int, rng *tensor.RNG) *tensor.Tensor {
	if steps == 0 {
		steps = DefaultSampleSteps
	}
	lo, hi := m.bounds()
	c := m.Config
	lang := energy.Langevin{Steps: steps, StepSize: float32(c.StepSize), Noise: float32(c.Noise), ClipGrad: float32(c.ClipGrad), Lo: lo, Hi: hi}
	return lang.Run(m.Net, nil, tensor.Uniform(rng, lo, hi, n, 2), rng)
}

// Plot draws points ([N, 2]) over the dataset's box, titled with the
// model they are said to come from.
func (m *Model) Plot(points *tensor.Tensor) image.Image {
	title := fmt.Sprintf("%d samples of the %s model (%s, step %d)", points.Size(0), m.Config.Data, m.Config.Objective(), m.Step)
	return viz.Scatter{Box: viz.Box(m.Box), Sets: []viz.PointSet{viz.SamplePoints(points)},
		Labels: viz.Labels{Title: title, XLabel: "x", YLabel: "y"}}.Render()
}

// Networks returns the energy network: points [N, 2] in, energies [N] out.
func (m *Model) Networks() []train.Network {
	return []train.Network{{Name: "energy", In: "y", Out: "energy", Input: []int{2}, Layers: []nn.Child{{Module: m.Net.Layer}}, PerSample: true}}
}
