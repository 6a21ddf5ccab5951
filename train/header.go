package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Version is the version of gibbs, written into every run's config.json.
const Version = "0.1.0"

// Header is the content of config.json: the kind of model, which selects
// the package that can rebuild it (Register), the gibbs version that wrote
// the run, and the kind's own configuration.
type Header struct {
	Kind    string `json:"kind"`
	Version string `json:"gibbs_version"`
	// Demo marks a run made by 'gibbs demo', which a later demo may replace.
	Demo   bool            `json:"demo,omitempty"`
	Config json.RawMessage `json:"config"`
}

// NewHeader returns the header of a run of kind with configuration cfg.
func NewHeader(kind string, cfg any) (Header, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return Header{}, fmt.Errorf("encoding %s config: %w", kind, err)
	}
	return Header{Kind: kind, Version: Version, Config: b}, nil
}

// DecodeConfig decodes the kind's configuration into cfg, refusing
// unknown fields.
func (h Header) DecodeConfig(cfg any) error {
	dec := json.NewDecoder(bytes.NewReader(h.Config))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return fmt.Errorf("%s config: %w", h.Kind, err)
	}
	return nil
}

// ErrNoRun is returned by ReadHeader for a folder without config.json.
var ErrNoRun = errors.New("no run here")

// ReadHeader reads the config.json of the run folder at path.
func ReadHeader(path string) (Header, error) {
	file := filepath.Join(path, ConfigFile)
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return Header{}, fmt.Errorf("reading run config: %s: %w (no %s)", path, ErrNoRun, ConfigFile)
	}
	if err != nil {
		return Header{}, fmt.Errorf("reading run config: %w", err)
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return Header{}, fmt.Errorf("reading %s: %w", file, err)
	}
	if h.Kind == "" {
		return Header{}, fmt.Errorf("reading %s: no model kind", file)
	}
	return h, nil
}

// SettingError is a configuration value a kind refuses. Setting is its
// name as the command line spells it ("steps", "lr-schedule").
type SettingError struct {
	Setting string
	Problem string
}

func (e *SettingError) Error() string { return e.Setting + ": " + e.Problem }

// Settingf returns a *SettingError.
func Settingf(setting, format string, a ...any) error {
	return &SettingError{Setting: setting, Problem: fmt.Sprintf(format, a...)}
}
