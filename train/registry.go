package train

import (
	"fmt"
	"image"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/gibbsml/gibbs/tensor"
)

// Model is a trained model rebuilt from its run folder by Open. What it
// can do is told by the interfaces it implements, which callers
// type-assert: energy.Model (an energy per sample), Sampler, Plotter, and
// whatever a kind's package documents.
type Model interface {
	// Kind is the model kind of the run, as registered.
	Kind() string
}

// Sampler is a model that draws new points.
type Sampler interface {
	// Sample draws n points. steps sets the sampler's work where it has
	// such a setting (Langevin steps, ...); 0 picks the model's default.
	Sample(n, steps int, rng *tensor.RNG) *tensor.Tensor
}

// Plotter is a model that draws points of its data space as a picture.
type Plotter interface {
	Plot(points *tensor.Tensor) image.Image
}

// InputShaper is a model that says the shape of one sample it reads: [2]
// for points of the plane, [1, 28, 28] for MNIST's images. Its input comes
// flattened, [N, product of the shape].
type InputShaper interface {
	InputShape() []int
}

// Run is a run folder as seen by an Opener: its path and config.json.
type Run struct {
	Path   string
	Header Header
}

// Config decodes the kind's configuration into cfg and, when cfg has a
// Validate method (every kind's config does), checks it: an opener gets
// settings it can build on, or the error that names the bad one.
func (r *Run) Config(cfg any) error {
	if err := r.Header.DecodeConfig(cfg); err != nil {
		return err
	}
	if v, ok := cfg.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}

// Load restores parts (usually the model's weights alone) from the run's
// checkpoint and returns its step.
func (r *Run) Load(parts ...Stateful) (int, error) {
	return LoadCheckpoint(filepath.Join(r.Path, CheckpointFile), parts...)
}

// An Opener rebuilds the trained model of a run of its kind: the model
// from the config and the weights from the checkpoint, without training
// data, optimizer or sampler buffers.
type Opener func(r *Run) (Model, error)

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Opener{}
)

// Register makes a model kind known to Open. A package registers its kinds
// in an init function; importing it for its side effect (import _ ...)
// is enough. It panics if open is nil or kind is registered twice.
func Register(kind string, open Opener) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if open == nil {
		panic("train: Register of kind " + kind + " with a nil Opener")
	}
	if _, dup := kinds[kind]; dup {
		panic("train: kind " + kind + " registered twice")
	}
	kinds[kind] = open
}

// Kinds returns the registered model kinds, sorted.
func Kinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Open returns the trained model of the run folder at path, of any
// registered kind, ready to use. It reads the folder and takes no lock, so
// a run may be opened while it trains (it then gets the last checkpoint).
func Open(path string) (Model, error) {
	h, err := ReadHeader(path)
	if err != nil {
		return nil, err
	}
	kindsMu.RLock()
	open, ok := kinds[h.Kind]
	kindsMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%s: unknown model kind %q (registered: %s; is its package imported?)", path, h.Kind, strings.Join(Kinds(), ", "))
	}
	m, err := open(&Run{Path: path, Header: h})
	if err != nil {
		return nil, fmt.Errorf("opening %s run %s: %w", h.Kind, path, err)
	}
	return m, nil
}
