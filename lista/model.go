package lista

import (
	"fmt"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Kind is the model kind of these runs in config.json.
const Kind = "lista"

func init() { train.Register(Kind, open) }

// Model is a trained run: the sparse coding energy and one LISTA encoder
// per depth.
type Model struct {
	Coding   *energy.SparseCoding
	Encoders []*energy.LISTA // Encoders[d-1] has depth d
	Config   Config
	Step     int // training steps behind the weights
}

// newModel builds the dictionary of cfg, which must be valid, and
// encoders initialised as ISTA.
func newModel(cfg Config) *Model {
	m := &Model{Config: cfg, Coding: energy.NewSparseCoding(tensor.NewRNG(cfg.Seed), cfg.Dy, cfg.Dz, float32(cfg.Lambda))}
	for d := 1; d <= cfg.MaxDepth; d++ {
		m.Encoders = append(m.Encoders, energy.NewLISTA(m.Coding, d))
	}
	return m
}

// weights are the parts of the checkpoint a trained model needs.
func (m *Model) weights() []train.Stateful {
	ps := []train.Stateful{train.Buffer("dict", m.Coding.Dict)}
	for _, e := range m.Encoders {
		ps = append(ps, train.Module(depthPrefix(e.Depth), e))
	}
	return ps
}

func depthPrefix(depth int) string { return fmt.Sprintf("depth%d.", depth) }

// open rebuilds the trained model of a run from its config and weights.
func open(r *train.Run) (train.Model, error) {
	var cfg Config
	if err := r.Config(&cfg); err != nil {
		return nil, err
	}
	m := newModel(cfg)
	step, err := r.Load(m.weights()...)
	if err != nil {
		return nil, err
	}
	m.Step = step
	return m, nil
}

// Kind returns "lista".
func (m *Model) Kind() string { return Kind }

// InputShape returns the shape of one signal the encoders take: [Dy].
func (m *Model) InputShape() []int { return []int{m.Config.Dy} }

// Encode returns the codes of the rows of y ([N, dy]) by the deepest
// encoder, shape [N, dz].
func (m *Model) Encode(y *tensor.Tensor) *tensor.Tensor {
	return m.Encoders[len(m.Encoders)-1].Forward(y)
}
