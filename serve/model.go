package serve

import (
	"fmt"
	"math"
	"slices"

	"github.com/gibbsml/gibbs/attention"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// The names of the tensors a model reads and writes.
const (
	InputName          = "input"          // FP32 [N, D...], or BYTES [N] for a transformer
	EnergyName         = "energy"         // FP32 [N]: energy.Model
	ReconstructionName = "reconstruction" // FP32 [N, D...]: models with Reconstruct
	CodeName           = "code"           // FP32 [N, K]: models with Encode, a VAE's posterior mean
	SamplesName        = "samples"        // FP32 [n, D...]: train.Sampler, from parameters n, seed, steps
	OutputName         = "output"         // BYTES [N]: a transformer's answers
)

// Reconstructor is a model that rebuilds its inputs ([N, D] to [N, D]),
// as autoencoders do.
type Reconstructor interface {
	Reconstruct(y *tensor.Tensor) *tensor.Tensor
}

// Encoder is a model that maps inputs [N, D] to codes [N, K].
type Encoder interface {
	Encode(y *tensor.Tensor) *tensor.Tensor
}

// posterior is a VAE's encoder: the mean and log-variance of q(z | y).
type posterior interface {
	Posterior(y *tensor.Tensor) (mu, logvar *tensor.Tensor)
}

// Model is a trained run as a Server offers it: its name, its input and
// the heads that compute its outputs. Make one with NewModel.
type Model struct {
	Name  string
	Kind  string
	input *tensorMetadata // nil for a model that reads no input
	row   []int           // the shape of one input row, or of one sample
	heads []head
}

// head computes some of a model's outputs from one request.
type head struct {
	outputs   []tensorMetadata
	fromInput bool // reads the request's input (else its parameters)
	run       func(c *call) ([]responseOutput, error)
}

// call is one request's decoded input and parameters.
type call struct {
	rows   *tensor.Tensor // FP32 input [N, D], D the row's size
	shape  []int          // the input's shape as the request gave it
	texts  []string       // BYTES input
	params sampleParams
}

// sampleParams are the parameters of a request for samples.
type sampleParams struct {
	n, steps int
	seed     uint64
}

// NewModel prepares the trained model m (from train.Open) to be served
// under name: it lists what m can compute and puts the modules it can
// reach in evaluation mode. It fails for a model that offers nothing to
// serve.
func NewModel(name string, m train.Model) (*Model, error) {
	if name == "" {
		return nil, fmt.Errorf("a model needs a name")
	}
	if mod, ok := m.(nn.Module); ok {
		nn.SetTraining(mod, false)
	}
	s := &Model{Name: name, Kind: m.Kind()}
	if t, ok := m.(*attention.Transformer); ok {
		s.input = &tensorMetadata{Name: InputName, Datatype: "BYTES", Shape: []int{-1}}
		s.heads = append(s.heads, predictHead(t))
		return s, nil
	}
	s.row = rowShape(m)
	if s.row != nil {
		s.input = &tensorMetadata{Name: InputName, Datatype: "FP32", Shape: append([]int{-1}, s.row...)}
		if e, ok := m.(energy.Model); ok {
			s.heads = append(s.heads, rowsHead(EnergyName, nil, func(y *tensor.Tensor) *tensor.Tensor { return e.Energy(nil, y) }))
		}
		if r, ok := m.(Reconstructor); ok {
			s.heads = append(s.heads, rowsHead(ReconstructionName, s.row, r.Reconstruct))
		}
		if e, ok := m.(Encoder); ok {
			s.heads = append(s.heads, rowsHead(CodeName, []int{-1}, e.Encode))
		} else if p, ok := m.(posterior); ok {
			s.heads = append(s.heads, rowsHead(CodeName, []int{-1}, func(y *tensor.Tensor) *tensor.Tensor {
				mu, _ := p.Posterior(y)
				return mu
			}))
		}
	}
	if smp, ok := m.(train.Sampler); ok && s.row != nil {
		s.heads = append(s.heads, sampleHead(smp, s.row))
	}
	if len(s.heads) == 0 {
		return nil, fmt.Errorf("model %s: a run of kind %s offers nothing to serve", name, m.Kind())
	}
	return s, nil
}

// rowShape returns the shape of one input row of the kinds whose inputs
// are numbers (train.InputShaper), nil for others.
func rowShape(m train.Model) []int {
	if s, ok := m.(train.InputShaper); ok {
		return slices.Clone(s.InputShape())
	}
	return nil
}

// metadata returns the model's description for GET /v2/models/{name}.
func (s *Model) metadata() modelMetadata {
	md := modelMetadata{Name: s.Name, Versions: []string{}, Platform: "gibbs_" + s.Kind, Inputs: []tensorMetadata{}}
	if s.input != nil {
		md.Inputs = append(md.Inputs, *s.input)
	}
	for _, h := range s.heads {
		md.Outputs = append(md.Outputs, h.outputs...)
	}
	return md
}

// rowsHead is the output name of f, which maps input rows [N, D] to [N,
// out...] (out nil: [N]); -1 in out is a size the model decides.
func rowsHead(name string, out []int, f func(*tensor.Tensor) *tensor.Tensor) head {
	return head{
		outputs:   []tensorMetadata{{Name: name, Datatype: "FP32", Shape: append([]int{-1}, out...)}},
		fromInput: true,
		run: func(c *call) ([]responseOutput, error) {
			y := f(c.rows).DetachRelease()
			n := c.rows.Size(0)
			shape := []int{n}
			switch {
			case name == ReconstructionName:
				shape = slices.Clone(c.shape)
			case y.Dim() > 1:
				shape = append(shape, y.Len()/max(n, 1))
			}
			return finite(name, shape, y.Data())
		},
	}
}

// sampleHead draws samples of rows of shape row.
func sampleHead(s train.Sampler, row []int) head {
	return head{
		outputs: []tensorMetadata{{Name: SamplesName, Datatype: "FP32", Shape: append([]int{-1}, row...)}},
		run: func(c *call) ([]responseOutput, error) {
			p := c.params
			x := s.Sample(p.n, p.steps, tensor.NewRNG(p.seed)).DetachRelease()
			return finite(SamplesName, append([]int{p.n}, row...), x.Data())
		},
	}
}

// finite returns the output name of the given shape and values, or an
// error naming the first value that JSON cannot carry.
func finite(name string, shape []int, data []float32) ([]responseOutput, error) {
	for i, v := range data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, &requestError{status: 422, msg: fmt.Sprintf("output %s: value %d is %v, which JSON cannot carry (an input far outside the data?)", name, i, v)}
		}
	}
	return []responseOutput{{Name: name, Datatype: "FP32", Shape: shape, Data: data}}, nil
}

// predictHead answers a transformer's inputs, written as its task's
// inputs are (attention.Config.ParseInput).
func predictHead(t *attention.Transformer) head {
	return head{
		outputs:   []tensorMetadata{{Name: OutputName, Datatype: "BYTES", Shape: []int{-1}}},
		fromInput: true,
		run: func(c *call) ([]responseOutput, error) {
			seqs := make([][]int, len(c.texts))
			for i, s := range c.texts {
				seq, err := t.Config.ParseInput(s)
				if err != nil {
					return nil, badRequest("input %d: %v", i, err)
				}
				seqs[i] = seq
			}
			answers := make([]string, len(seqs))
			// Predict takes sequences of one length; text inputs vary.
			byLength := map[int][]int{}
			for i, s := range seqs {
				byLength[len(s)] = append(byLength[len(s)], i)
			}
			for _, idx := range byLength {
				group := make([][]int, len(idx))
				for j, i := range idx {
					group[j] = seqs[i]
				}
				for j, a := range t.Predict(group) {
					answers[idx[j]] = t.Config.FormatOutput(a)
				}
			}
			return []responseOutput{{Name: OutputName, Datatype: "BYTES", Shape: []int{len(answers)}, Data: answers}}, nil
		},
	}
}
