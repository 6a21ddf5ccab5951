package imgebm

import (
	"math"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/train"
)

// Config is everything that defines a run of either kind; it is saved in
// config.json.
type Config struct {
	// Data is the image data set (mnist, fashion-mnist, idx:...); JEM
	// needs its labels.
	Data string `json:"data"`
	// Shape is the shape of one image, [C, H, W], and Classes the number
	// of labels (JEM only): both come from the data set when a run starts.
	Shape   []int `json:"shape,omitempty"`
	Classes int   `json:"classes,omitempty"`
	Steps   int   `json:"steps"`
	// Batch is the number of data images and of negatives per step.
	Batch int     `json:"batch"`
	LR    float64 `json:"lr"`
	// Channels are the output channels of the 3x3 stride-2 convolutions,
	// Hidden the width of a fully connected SiLU layer after them (0:
	// none) before the output (one energy, or the logits of JEM).
	Channels      []int   `json:"channels"`
	Hidden        int     `json:"hidden"`
	LangevinSteps int     `json:"langevin_steps"`
	StepSize      float64 `json:"step_size"`
	Noise         float64 `json:"noise"`
	// ClipGrad, when positive, clips each Langevin gradient value to
	// [-ClipGrad, ClipGrad].
	ClipGrad   float64 `json:"clip_grad"`
	BufferSize int     `json:"buffer_size"`
	Reinit     float64 `json:"reinit"`
	// Alpha weighs the penalty on the energies' squares.
	Alpha float64 `json:"alpha"`
	// DataNoise is the standard deviation of Gaussian noise added to the
	// data images of each step (Du & Mordatch 2019 add a little, so that
	// the energy is smooth around the data).
	DataNoise float64 `json:"data_noise"`
	// SampleSteps is the length of the chains that start from uniform
	// noise: the pictures' and Model.Sample's.
	SampleSteps int `json:"sample_steps"`
	// TrainSize trains on the first TrainSize training images (0: all).
	TrainSize       int     `json:"train_size"`
	EvalEvery       int     `json:"eval_every"`
	CheckpointEvery int     `json:"checkpoint_every"`
	MaxEnergy       float64 `json:"max_energy"`
	Seed            uint64  `json:"seed"`
}

// DefaultConfig is the recipe of the MNIST image energy: the sampler of
// the reference benchmark (20 Langevin steps of size 1 with noise 0.005,
// 5% of the chains restarted from noise; alpha 0.1; Adam 1e-4 with beta1
// = 0) and its convolutions (1->32 and 32->64, 3x3 stride 2, SiLU), with
// Gaussian noise of std 0.005 on the data (Du & Mordatch 2019) and two
// changes which, together, made digits appear within 30 minutes on two
// cores (docs/IMAGE_ENERGY.md): a hidden layer of 128 units before the
// energy (a linear head over the convolutions' features sums local
// scores and draws strokes, not digits) and a buffer of 2000 chains
// instead of 10000 (each chain then takes five times as many Langevin
// steps in a short run).
func DefaultConfig() Config {
	return Config{
		Data: "mnist", Steps: 2000, Batch: 64, LR: 1e-4, Channels: []int{32, 64}, Hidden: 128,
		LangevinSteps: 20, StepSize: 1, Noise: 0.005, BufferSize: 2000, Reinit: 0.05, Alpha: 0.1,
		DataNoise: 0.005, SampleSteps: 100, EvalEvery: 250, CheckpointEvery: 250, MaxEnergy: 1e4, Seed: 1,
	}
}

// DefaultJEMConfig is the JEM recipe on MNIST: DefaultConfig's network
// (with one output per class) and sampler, with Grathwohl et al. 2019's
// SGLD noise of 0.01, and Adam at 2e-4 for 1500 steps, so that the
// classifier learns within a short run.
func DefaultJEMConfig() Config {
	c := DefaultConfig()
	c.Noise, c.Steps, c.LR = 0.01, 1500, 2e-4
	return c
}

// Validate checks the config; its errors are *train.SettingError naming
// the setting.
func (c Config) Validate() error {
	if c.Data == "" {
		return train.Settingf("data", "needs an image data set (mnist, fashion-mnist, idx:IMAGES[,LABELS])")
	}
	if _, toy := data.Bounds(c.Data); toy {
		return train.Settingf("data", "%s is a set of 2-D points; image energies need images (mnist, fashion-mnist, idx:...)", c.Data)
	}
	if c.Shape != nil && !data.IsImage(c.Shape) {
		return train.Settingf("data", "samples of shape %v are not images [C, H, W]", c.Shape)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"steps", float64(c.Steps)}, {"batch", float64(c.Batch)}, {"lr", c.LR}, {"langevin-steps", float64(c.LangevinSteps)},
		{"step-size", c.StepSize}, {"buffer", float64(c.BufferSize)}, {"sample-steps", float64(c.SampleSteps)},
		{"eval-every", float64(c.EvalEvery)}, {"checkpoint-every", float64(c.CheckpointEvery)},
	} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be positive, got %v", p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"noise", c.Noise}, {"clip-grad", c.ClipGrad}, {"alpha", c.Alpha}, {"data-noise", c.DataNoise},
		{"max-energy", c.MaxEnergy}, {"hidden", float64(c.Hidden)}, {"train-size", float64(c.TrainSize)},
	} {
		if !(p.v >= 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be zero or positive, got %v", p.v)
		}
	}
	if !(c.Reinit >= 0 && c.Reinit <= 1) {
		return train.Settingf("reinit", "must be in [0, 1], got %v", c.Reinit)
	}
	if len(c.Channels) == 0 {
		return train.Settingf("channels", "needs at least one convolution")
	}
	for _, ch := range c.Channels {
		if ch <= 0 {
			return train.Settingf("channels", "must be positive, got %v", c.Channels)
		}
	}
	return nil
}
