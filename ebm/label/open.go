package label

import (
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

func init() { train.Register(Kind, open) }

// Trained is the model of a run of kind "ebm-label", as train.Open gives
// it back: an energy.Model (F(x, y), and the free energy over the labels
// when called with x == nil) with its config. It draws no samples.
type Trained struct {
	*Model
	Config Config
	Step   int // training steps behind the weights
}

// Kind returns "ebm-label".
func (*Trained) Kind() string { return Kind }

// InputShape returns the shape of one sample of the run's data.
func (t *Trained) InputShape() []int { return t.Config.Shape }

// Networks returns the network of the energies: flattened samples x
// [N, D] to the energies of the K labels, [N, K].
func (t *Trained) Networks() []train.Network {
	layers := []nn.Child{{Name: "", Module: t.Net}}
	if t.Positive {
		layers = append(layers, nn.Child{Module: nn.Softplus()})
	}
	return []train.Network{{Name: "energies", In: "x", Out: "energies", Input: []int{data.Features(t.Config.Shape)}, Layers: layers}}
}

func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.checkShape(cfg.Shape); err != nil || len(cfg.Shape) == 0 || cfg.Classes < 2 {
		return nil, train.Settingf("shape", "the config holds no usable sample shape %v and label count %d", cfg.Shape, cfg.Classes)
	}
	m := &Trained{Model: NewModel(tensor.NewRNG(cfg.Seed), cfg), Config: cfg}
	step, err := r.Load(train.Module("", m.Model))
	m.Step = step
	return m, err
}
