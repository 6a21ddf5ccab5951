package train

import (
	"encoding"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/checkpoint"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// State is what a checkpoint holds: tensors and strings by name. Model
// parameters keep their own names (so PyTorch loads them as a state dict);
// optimizer state lies under "optim.", other tensors (sampler buffers,
// ...) under "extra.".
type State struct {
	Tensors map[string]*tensor.Tensor
	Meta    map[string]string
}

// Stateful is a part of a run that goes into its checkpoint: weights,
// optimizer, RNG, sampler buffers, data order, counters. A run resumes
// exactly when every part that changes during training is one.
type Stateful interface {
	// SaveState adds the part's tensors and strings to s. Tensors are
	// written when the checkpoint is saved, before training goes on.
	SaveState(s *State) error
	// LoadState restores the part from s.
	LoadState(s *State) error
}

// Namespaces of the checkpoint's tensors that are not model weights, and
// that of a moving average of a model's weights (EMA), which a module
// under another prefix ("" included) leaves alone.
const (
	optimPrefix = "optim."
	extraPrefix = "extra."
	emaPrefix   = "ema."
)

// Module is the Stateful of a model's parameters and buffers, stored under
// prefix + their names ("" keeps PyTorch's state dict names); the moving
// average of a model's weights goes under "ema." + their names.
func Module(prefix string, m nn.Module) Stateful { return module{prefix, m} }

type module struct {
	prefix string
	m      nn.Module
}

func (p module) SaveState(s *State) error {
	for name, t := range nn.StateDict(p.m) {
		s.Tensors[p.prefix+name] = t
	}
	return nil
}

// LoadState takes the weights under the prefix; any that the model lacks
// is an error, so a checkpoint of another model is refused.
func (p module) LoadState(s *State) error {
	sd := map[string]*tensor.Tensor{}
	for name, t := range s.Tensors {
		if strings.HasPrefix(name, optimPrefix) || strings.HasPrefix(name, extraPrefix) || !strings.HasPrefix(name, p.prefix) ||
			strings.HasPrefix(name, emaPrefix) && !strings.HasPrefix(p.prefix, emaPrefix) {
			continue
		}
		sd[strings.TrimPrefix(name, p.prefix)] = t
	}
	return nn.LoadStateDict(p.m, sd)
}

// Optimizer is the Stateful of an optimizer's moments and step counts,
// stored under "optim." + name.
func Optimizer(name string, opt optim.Optimizer) Stateful { return optimizer{optimPrefix + name, opt} }

type optimizer struct {
	prefix string
	opt    optim.Optimizer
}

func (p optimizer) SaveState(s *State) error {
	for name, t := range p.opt.State() {
		s.Tensors[p.prefix+name] = t
	}
	return nil
}

func (p optimizer) LoadState(s *State) error {
	st := map[string]*tensor.Tensor{}
	for name, t := range s.Tensors {
		if rest, ok := strings.CutPrefix(name, p.prefix); ok {
			st[rest] = t
		}
	}
	return p.opt.LoadState(st)
}

// Buffer is the Stateful of a tensor the run changes in place (a replay
// buffer's chains, ...), stored under "extra." + name.
func Buffer(name string, t *tensor.Tensor) Stateful { return buffer{extraPrefix + name, t} }

type buffer struct {
	name string
	t    *tensor.Tensor
}

func (p buffer) SaveState(s *State) error {
	s.Tensors[p.name] = p.t
	return nil
}

func (p buffer) LoadState(s *State) error {
	t, ok := s.Tensors[p.name]
	if !ok {
		return fmt.Errorf("no tensor %q", p.name)
	}
	if t.Len() != p.t.Len() {
		return fmt.Errorf("%q has shape %v, want %v", p.name, t.Shape(), p.t.Shape())
	}
	p.t.CopyFrom(t)
	return nil
}

// RNG is the Stateful of a random number generator, stored in the
// metadata under name.
func RNG(name string, rng *tensor.RNG) Stateful { return rngState{name, rng} }

type rngState struct {
	name string
	rng  *tensor.RNG
}

func (p rngState) SaveState(s *State) error {
	b, err := p.rng.MarshalBinary()
	if err != nil {
		return err
	}
	s.Meta[p.name] = base64.StdEncoding.EncodeToString(b)
	return nil
}

func (p rngState) LoadState(s *State) error {
	b, err := base64.StdEncoding.DecodeString(s.Meta[p.name])
	if err != nil {
		return fmt.Errorf("bad RNG state %q: %w", p.name, err)
	}
	return p.rng.UnmarshalBinary(b)
}

// Counter is the Stateful of an integer (acceptance counts, a position in
// the data), stored in the metadata under name. A checkpoint written
// without it leaves the counter as it is.
func Counter(name string, n *int) Stateful { return counter{name, n} }

type counter struct {
	name string
	n    *int
}

func (p counter) SaveState(s *State) error {
	s.Meta[p.name] = strconv.Itoa(*p.n)
	return nil
}

func (p counter) LoadState(s *State) error {
	v, ok := s.Meta[p.name]
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("metadata %s: %v", p.name, err)
	}
	*p.n = n
	return nil
}

// TextState is a value that writes its state as text and reads it back.
type TextState interface {
	encoding.TextMarshaler
	encoding.TextUnmarshaler
}

// Text is the Stateful of a value kept as text in the metadata under name
// (a sampler's adapted step size, ...). A checkpoint written without it
// leaves the value as it is.
func Text(name string, v TextState) Stateful { return text{name, v} }

type text struct {
	name string
	v    TextState
}

func (p text) SaveState(s *State) error {
	b, err := p.v.MarshalText()
	if err != nil {
		return fmt.Errorf("metadata %s: %w", p.name, err)
	}
	s.Meta[p.name] = string(b)
	return nil
}

func (p text) LoadState(s *State) error {
	v, ok := s.Meta[p.name]
	if !ok {
		return nil
	}
	if err := p.v.UnmarshalText([]byte(v)); err != nil {
		return fmt.Errorf("metadata %s: %w", p.name, err)
	}
	return nil
}

// SaveCheckpoint writes the parts' state, the step and meta into the
// safetensors file at path, atomically.
func SaveCheckpoint(path string, step int, meta map[string]string, parts ...Stateful) error {
	s := &State{Tensors: map[string]*tensor.Tensor{}, Meta: map[string]string{}}
	for k, v := range meta {
		s.Meta[k] = v
	}
	for _, p := range parts {
		if err := p.SaveState(s); err != nil {
			return fmt.Errorf("saving checkpoint: %w", err)
		}
	}
	s.Meta["step"] = strconv.Itoa(step)
	return checkpoint.Save(path, s.Tensors, s.Meta)
}

// LoadCheckpoint restores the parts from the checkpoint at path and returns
// its step. Parts not given are skipped, so inference can load the model
// alone.
func LoadCheckpoint(path string, parts ...Stateful) (step int, err error) {
	ts, meta, err := checkpoint.Load(path)
	if err != nil {
		return 0, err
	}
	s := &State{Tensors: ts, Meta: meta}
	for _, p := range parts {
		if err := p.LoadState(s); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
	}
	if step, err = strconv.Atoi(meta["step"]); err != nil {
		return 0, fmt.Errorf("%s: bad step %q in metadata", path, meta["step"])
	}
	return step, nil
}
