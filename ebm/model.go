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
//
// A score matching run's network is noise-conditional, F(log sigma, y)
// (see energy.AnnealedDenoisingScore): the model's energy is then that at
// the smallest noise level, and its samples come from Langevin dynamics
// annealed down the levels.
type Model struct {
	Net    *energy.Net
	Config Config
	Box    data.Box // the dataset's bounding box
	Step   int      // training steps behind the weights
}

// newModel builds the untrained network of cfg, which must be valid.
func newModel(cfg Config) *Model {
	box, _ := data.Bounds(cfg.Data)
	in := 2
	if !cfg.contrastive() {
		in = 3 // log sigma, y
	}
	if cfg.Features == "quadratic" {
		in += in * (in + 1) / 2 // the squares and the pairs' products (nn.Quadratic)
	}
	net := energy.NewMLP(tensor.NewRNG(cfg.Seed+3), in, cfg.Hidden, activations[cfg.Activation])
	if cfg.Features == "quadratic" {
		net.Layer = nn.NewSequential(&nn.Quadratic{Scale: float32(cfg.FeatureScale)}, net.Layer)
	}
	return &Model{Net: net, Config: cfg, Box: box}
}

// density returns the model's unconditional energy F(y): the network
// itself, or a noise-conditional network at its smallest level.
func (m *Model) density() energy.Model {
	if m.Config.contrastive() {
		return m.Net
	}
	return energy.AtNoise{Model: m.Net, Sigma: float32(m.Config.Sigma)}
}

// open rebuilds the trained model of a run from its config and weights:
// their moving average when the run kept one.
func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	m := newModel(cfg)
	prefix := ""
	if cfg.EMA > 0 {
		prefix = "ema." // the moving average of the weights
	}
	step, err := r.Load(train.Module(prefix, m.Net))
	if err != nil {
		return nil, err
	}
	m.Step = step
	return m, nil
}

// Kind returns "ebm".
func (m *Model) Kind() string { return Kind }

// Energy returns F(y) for each row of y ([N, 2]), shape [N].
func (m *Model) Energy(_, y *tensor.Tensor) *tensor.Tensor { return m.density().Energy(nil, y) }

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
// For a score matching run, steps is the number of steps at each noise
// level of annealed Langevin dynamics (the run's --langevin-steps when 0),
// whose step at the smallest level is the run's step size.
func (m *Model) Sample(n, steps int, rng *tensor.RNG) *tensor.Tensor {
	lo, hi := m.bounds()
	c := m.Config
	y0 := tensor.Uniform(rng, lo, hi, n, 2)
	if !c.contrastive() {
		if steps == 0 {
			steps = c.LangevinSteps
		}
		a := energy.AnnealedLangevin{Sigmas: c.sigmas(), Steps: steps, Epsilon: float32(c.StepSize), Lo: lo, Hi: hi}
		return a.Run(m.Net, y0, rng)
	}
	if steps == 0 {
		steps = DefaultSampleSteps
	}
	lang := energy.Langevin{Steps: steps, StepSize: float32(c.StepSize), Noise: float32(c.Noise), ClipGrad: float32(c.ClipGrad), Lo: lo, Hi: hi}
	return lang.Run(m.Net, nil, y0, rng)
}

// Plot draws points ([N, 2]) over the dataset's box, titled with the
// model they are said to come from.
func (m *Model) Plot(points *tensor.Tensor) image.Image {
	title := fmt.Sprintf("%d samples of the %s model (%s, step %d)", points.Size(0), m.Config.Data, m.Config.Objective(), m.Step)
	return viz.Scatter{Box: viz.Box(m.Box), Sets: []viz.PointSet{viz.SamplePoints(points)},
		Labels: viz.Labels{Title: title, XLabel: "x", YLabel: "y"}}.Render()
}

// Networks returns the energy network: points [N, 2] in, energies [N] out;
// for a score matching run, rows [log sigma, y] ([N, 3]) in.
func (m *Model) Networks() []train.Network {
	in, shape := "y", []int{2}
	if !m.Config.contrastive() {
		in, shape = "log_sigma_y", []int{3}
	}
	return []train.Network{{Name: "energy", In: in, Out: "energy", Input: shape, Layers: []nn.Child{{Module: m.Net.Layer}}, PerSample: true}}
}
