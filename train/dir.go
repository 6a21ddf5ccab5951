// Package rundir keeps a training run's folder: config.json, metrics.jsonl,
// checkpoint.safetensors and the pictures. Every file is replaced
// atomically, so a run killed at any moment leaves its last checkpoint
// whole, and a resumed run continues from it with nothing lost.
package rundir

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/checkpoint"
	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// File names inside a run folder.
const (
	ConfigFile     = "config.json"
	MetricsFile    = "metrics.jsonl"
	CheckpointFile = "checkpoint.safetensors"
)

// Dir is a run folder.
type Dir struct {
	Path string
}

// Open prepares the folder at path. A new run needs a folder without a
// checkpoint (it is created if missing); resume needs one with a checkpoint.
func Open(path string, resume bool) (*Dir, error) {
	d := &Dir{Path: path}
	_, err := os.Stat(d.File(CheckpointFile))
	switch {
	case resume && errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("cannot resume: %s has no %s", path, CheckpointFile)
	case !resume && err == nil:
		return nil, fmt.Errorf("%s already holds a run; pass --resume to continue it or choose another --out", path)
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("creating run folder: %w", err)
	}
	return d, nil
}

// File returns the path of a file in the run folder.
func (d *Dir) File(name string) string { return filepath.Join(d.Path, name) }

// WriteConfig stores cfg as indented JSON in config.json.
func (d *Dir) WriteConfig(cfg any) error {
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding config: %w", err)
	}
	return atomicfile.WriteBytes(d.File(ConfigFile), append(b, '\n'))
}

// ReadConfig decodes config.json into cfg, refusing unknown fields.
func (d *Dir) ReadConfig(cfg any) error {
	b, err := os.ReadFile(d.File(ConfigFile))
	if err != nil {
		return fmt.Errorf("reading run config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return fmt.Errorf("reading %s: %w", d.File(ConfigFile), err)
	}
	return nil
}

// AppendMetrics adds v as one JSON line to metrics.jsonl.
func (d *Dir) AppendMetrics(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding metrics: %w", err)
	}
	f, err := os.OpenFile(d.File(MetricsFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("writing metrics: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("writing metrics: %w", err)
	}
	return f.Close()
}

// metricLine is one well-formed line of metrics.jsonl that has a step.
type metricLine struct {
	raw    []byte
	step   float64
	fields map[string]any
}

// metricLines parses metrics.jsonl, skipping lines that are not JSON
// objects with a step (a line torn by a kill); a missing file has none.
func (d *Dir) metricLines() ([]metricLine, error) {
	b, err := os.ReadFile(d.File(MetricsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading metrics: %w", err)
	}
	var lines []metricLine
	for _, raw := range bytes.Split(b, []byte{'\n'}) {
		var fields map[string]any
		if json.Unmarshal(raw, &fields) != nil {
			continue
		}
		if step, ok := fields["step"].(float64); ok {
			lines = append(lines, metricLine{raw: raw, step: step, fields: fields})
		}
	}
	return lines, nil
}

// TrimMetrics drops the metrics lines of steps after step (written after
// the checkpoint a resumed run starts from) and any torn last line.
func (d *Dir) TrimMetrics(step int) error {
	if _, err := os.Stat(d.File(MetricsFile)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	lines, err := d.metricLines()
	if err != nil {
		return err
	}
	var keep bytes.Buffer
	for _, l := range lines {
		if l.step <= float64(step) {
			keep.Write(l.raw)
			keep.WriteByte('\n')
		}
	}
	return atomicfile.WriteBytes(d.File(MetricsFile), keep.Bytes())
}

// Series reads the metrics lines that carry key and returns their steps
// and values, in file order.
func (d *Dir) Series(key string) (steps, values []float64, err error) {
	lines, err := d.metricLines()
	for _, l := range lines {
		if v, ok := l.fields[key].(float64); ok {
			steps, values = append(steps, l.step), append(values, v)
		}
	}
	return steps, values, err
}

// State is what a checkpoint holds: everything a run needs to go on
// exactly where it stopped.
type State struct {
	Step   int
	Config any // stored as JSON in the metadata
	RNG    *tensor.RNG
	Model  nn.Module
	Opt    optim.Optimizer
	// Extra holds further tensors (a sampler's replay buffer, ...),
	// stored under their names with the prefix "extra.".
	Extra map[string]*tensor.Tensor
	// Meta holds further strings (counters, ...).
	Meta map[string]string
}

// Save writes the state to checkpoint.safetensors. Model parameters keep
// their own names (so PyTorch loads them as a state dict); optimizer state
// is prefixed "optim.".
func (d *Dir) Save(s State) error {
	ts := map[string]*tensor.Tensor{}
	for name, t := range nn.StateDict(s.Model) {
		ts[name] = t
	}
	if s.Opt != nil {
		for name, t := range s.Opt.State() {
			ts["optim."+name] = t
		}
	}
	for name, t := range s.Extra {
		ts["extra."+name] = t
	}
	meta := map[string]string{"step": strconv.Itoa(s.Step)}
	for k, v := range s.Meta {
		meta[k] = v
	}
	if s.Config != nil {
		b, err := json.Marshal(s.Config)
		if err != nil {
			return fmt.Errorf("encoding config: %w", err)
		}
		meta["config"] = string(b)
	}
	if s.RNG != nil {
		b, err := s.RNG.MarshalBinary()
		if err != nil {
			return err
		}
		meta["rng"] = base64.StdEncoding.EncodeToString(b)
	}
	return checkpoint.Save(d.File(CheckpointFile), ts, meta)
}

// Load restores a state saved by Save into s's model, optimizer, RNG and
// Extra tensors (which must be allocated with the right shapes), and sets
// s.Step and s.Meta.
func (d *Dir) Load(s *State) error {
	return LoadFile(d.File(CheckpointFile), s)
}

// LoadFile is Load from a checkpoint file anywhere. With s.Opt nil the
// optimizer state is skipped, and with s.Extra nil the extra tensors, so
// that inference can load the model alone.
func LoadFile(path string, s *State) error {
	ts, meta, err := checkpoint.Load(path)
	if err != nil {
		return err
	}
	model := map[string]*tensor.Tensor{}
	opt := map[string]*tensor.Tensor{}
	for name, t := range ts {
		switch {
		case strings.HasPrefix(name, "optim."):
			opt[strings.TrimPrefix(name, "optim.")] = t
		case strings.HasPrefix(name, "extra."):
			if s.Extra == nil {
				continue // inference needs the model alone
			}
			dst, ok := s.Extra[strings.TrimPrefix(name, "extra.")]
			if !ok {
				return fmt.Errorf("%s: unexpected tensor %q", path, name)
			}
			if t.Len() != dst.Len() {
				return fmt.Errorf("%s: %q has shape %v, want %v", path, name, t.Shape(), dst.Shape())
			}
			dst.CopyFrom(t)
		default:
			model[name] = t
		}
	}
	if err := nn.LoadStateDict(s.Model, model); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if s.Opt != nil {
		if err := s.Opt.LoadState(opt); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if s.Step, err = strconv.Atoi(meta["step"]); err != nil {
		return fmt.Errorf("%s: bad step %q in metadata", path, meta["step"])
	}
	if s.RNG != nil {
		b, err := base64.StdEncoding.DecodeString(meta["rng"])
		if err != nil {
			return fmt.Errorf("%s: bad RNG state: %w", path, err)
		}
		if err := s.RNG.UnmarshalBinary(b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	s.Meta = meta
	return nil
}
