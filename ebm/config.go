package ebm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/train"
)

// Config is everything that defines a run; it is saved in config.json.
type Config struct {
	Data            string  `json:"data"`
	Loss            string  `json:"loss"`
	Sampler         string  `json:"sampler"`
	Steps           int     `json:"steps"`
	Batch           int     `json:"batch"`
	LR              float64 `json:"lr"`
	LRSchedule      string  `json:"lr_schedule"`
	WeightDecay     float64 `json:"weight_decay"` // AdamW's decoupled weight decay (Loshchilov & Hutter 2019): each step shrinks the weights by lr times it; 0: Adam
	Hidden          []int   `json:"hidden"`
	Activation      string  `json:"activation"`
	Features        string  `json:"features"`      // what the network reads: "point" (x, y) or "quadratic" (x, y and FeatureScale times x^2, y^2, xy)
	FeatureScale    float64 `json:"feature_scale"` // the factor of the quadratic features
	LangevinSteps   int     `json:"langevin_steps"`
	StepSize        float64 `json:"step_size"`
	Noise           float64 `json:"noise"`
	ClipGrad        float64 `json:"clip_grad"`
	BufferSize      int     `json:"buffer_size"`
	Reinit          float64 `json:"reinit"`
	JumpWidth       float64 `json:"jump_width"`
	JumpUniform     float64 `json:"jump_uniform"`
	Leapfrog        int     `json:"leapfrog"`
	HMCTarget       float64 `json:"hmc_target"`
	HMCWarmUp       int     `json:"hmc_warmup"`
	Alpha           float64 `json:"alpha"`
	Beta            float64 `json:"beta"`
	Sigma           float64 `json:"sigma"`
	SigmaMax        float64 `json:"sigma_max"`
	Levels          int     `json:"levels"`
	TrainSize       int     `json:"train_size"`
	EvalEvery       int     `json:"eval_every"`
	CheckpointEvery int     `json:"checkpoint_every"`
	MaxEnergy       float64 `json:"max_energy"`
	// EMA is the decay of the moving average of the energy network's
	// weights (train.EMA) that evaluations, pictures and the saved model
	// use; training goes on with the raw weights. 0: none.
	EMA  float64 `json:"ema"`
	Seed uint64  `json:"seed"`
}

// DefaultConfig is the replay-buffer Langevin recipe, tuned on ring8 and
// grid25 for the grid-normalised test NLL:
//   - the NLL loss without an energy penalty, which would bias the density;
//   - Langevin at temperature 1 (noise sqrt(2*step)) with a step small
//     enough for modes of std 0.05: on a well of curvature c the chains'
//     stationary variance is 1/(c(1-step*c/2)), so step 0.0005 keeps the
//     learned width within a few percent of the data's;
//   - a small buffer (2048 chains, each continued every 8 steps) whose
//     chains move between modes by a Metropolis-Hastings jump proposed near
//     the data batch (energy.Jump), so that the mass of each mode follows
//     the energy rather than where chains happened to start; 30% of the
//     proposals are uniform over the box, which find the channels of low
//     energy between grid25's wells and so raise them: with 10%, grid25
//     ended 0.103 nats above the true NLL, with 30% 0.036 (50%: 0.057);
//   - an MLP of three hidden SiLU layers: with two, grid25's 25 narrow
//     wells can stay merged into lines for thousands of steps;
//   - Adam at 1e-2 with cosine decay to zero (Loshchilov & Hutter 2017),
//     which settles the modes' relative depths at the end of the run.
//
// Recipe gives grid25 quadratic input features and smaller, longer
// Langevin chains instead (see Recipe).
//
// With --sampler hmc the leapfrog step starts at StepSize and adapts by
// dual averaging (energy.DualAveraging) to an acceptance of 0.65 during
// the first 100 training steps, then stays: the Langevin step, far too
// small for HMC, left it accepting everything and moving nowhere.
func DefaultConfig() Config {
	return Config{
		Data: "ring8", Loss: "nll", Sampler: "replay", Steps: 3000, Batch: 256, LR: 1e-2, LRSchedule: "cosine",
		Hidden: []int{128, 128, 128}, Activation: "silu", Features: "point", FeatureScale: 1,
		LangevinSteps: 10, StepSize: 0.0005, Noise: math.Sqrt(2 * 0.0005), BufferSize: 2048, Reinit: 0.05,
		JumpWidth: 0.07, JumpUniform: 0.3, Leapfrog: 5, HMCTarget: 0.65, HMCWarmUp: 100,
		Alpha: 0.01, Beta: 1, Sigma: 0.01, SigmaMax: 2, Levels: 10,
		TrainSize: 20000, EvalEvery: 500, CheckpointEvery: 250, MaxEnergy: 1e4, Seed: 1,
	}
}

// DemoConfig is the recipe of 'gibbs demo': 1000 steps with two hidden
// layers, which separate ring8's wells in about ten seconds (the third
// layer of the full recipe pays off on grid25), evaluated four times.
func DemoConfig() Config {
	c := DefaultConfig()
	c.Steps, c.EvalEvery, c.CheckpointEvery = 1000, 250, 1000
	c.Hidden = []int{128, 128}
	return c
}

// contrastive reports whether the config trains with a contrastive loss
// and negatives, rather than by score matching.
func (c Config) contrastive() bool {
	_, score := scoreObjectives[c.Loss]
	return !score
}

// unused returns the config.json keys that do not apply to the config's
// recipe: the sampler's settings under score matching, the constants its
// loss does not take, the replay buffer's settings for other samplers,
// and so on. The Langevin steps and step size always apply: pictures and
// 'gibbs sample' draw from the model with them (by annealed Langevin
// dynamics, whose noise follows from the step, under score matching).
func (c Config) unused() []string {
	if !c.contrastive() {
		return []string{"sampler", "noise", "clip_grad", "alpha", "beta", "max_energy", "buffer_size", "reinit", "jump_width", "jump_uniform", "leapfrog", "hmc_target", "hmc_warmup", "features", "feature_scale"}
	}
	out := []string{"sigma", "sigma_max", "levels"}
	if c.Features == "point" {
		out = append(out, "feature_scale")
	}
	for _, k := range []string{"alpha", "beta"} {
		if !slices.Contains(energy.LossConstants(c.Loss), k) {
			out = append(out, k)
		}
	}
	if c.Sampler != "replay" {
		out = append(out, "buffer_size", "reinit", "jump_width", "jump_uniform")
	}
	if c.Sampler != "hmc" {
		out = append(out, "leapfrog", "hmc_target", "hmc_warmup")
	}
	return out
}

// Unused returns the command-line names of the settings that do not apply
// to the config's recipe (see unused): "buffer" for buffer_size, and
// dashes for underscores otherwise.
func (c Config) Unused() []string {
	keys := c.unused()
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.ReplaceAll(k, "_", "-")
		if k == "buffer_size" {
			out[i] = "buffer"
		}
	}
	return out
}

// configFields is Config without its methods, for encoding/json.
type configFields Config

// MarshalJSON writes the settings that apply to the config's recipe (see
// unused), so that config.json says what the run did.
func (c Config) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(configFields(c))
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	for _, k := range c.unused() {
		delete(fields, k)
	}
	return json.Marshal(fields)
}

// UnmarshalJSON reads a config written by MarshalJSON, or one with every
// setting: what is left out keeps its DefaultConfig value. Unknown keys are an
// error, but for two that are ignored: the margin that configs of every
// setting held before the margin losses were refused, and the mala switch
// of the runs made while the command had one.
func (c *Config) UnmarshalJSON(b []byte) error {
	f := struct {
		configFields
		Margin float64 `json:"margin"`
		MALA   bool    `json:"mala"`
	}{configFields: configFields(DefaultConfig())}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return err
	}
	*c = Config(f.configFields)
	return nil
}

// Objective describes the training objective of the config in words:
// the loss and sampler of a contrastive recipe, or the kind of score
// matching.
func (c Config) Objective() string {
	switch c.Loss {
	case "dsm":
		return fmt.Sprintf("denoising score matching, %d noise levels %g to %g", c.Levels, c.SigmaMax, c.Sigma)
	case "ssm":
		return fmt.Sprintf("sliced score matching, %d noise levels %g to %g", c.Levels, c.SigmaMax, c.Sigma)
	}
	return fmt.Sprintf("%s loss, %s sampler", c.Loss, c.Sampler)
}

var activations = map[string]func() nn.Layer{
	"relu":     func() nn.Layer { return nn.ReLU() },
	"silu":     func() nn.Layer { return nn.SiLU() },
	"tanh":     func() nn.Layer { return nn.Tanh() },
	"softplus": func() nn.Layer { return nn.Softplus() },
	"elu":      func() nn.Layer { return nn.ELU(1) },
	"gelu":     func() nn.Layer { return nn.GELU() },
}

// Activations lists the names Config.Activation takes.
var Activations = []string{"relu", "silu", "tanh", "softplus", "elu", "gelu"}

// FeatureSets lists the names Config.Features takes.
var FeatureSets = []string{"point", "quadratic"}

// Samplers lists the names Config.Sampler takes.
var Samplers = []string{"langevin", "replay", "cd", "hmc"}

// Schedules lists the names Config.LRSchedule takes.
var Schedules = []string{"cosine", "cosine-tail", "constant"}

// schedule returns the learning-rate schedule of the config: "cosine"
// decays from LR to 0 over Steps; "cosine-tail" decays from LR to LR/10
// over the first two thirds of the steps and from LR/10 to 0 over the
// last third: a third of the steps at LR/10 and below, where "cosine"
// spends a fifth.
func (c Config) schedule() (optim.Schedule, error) {
	switch c.LRSchedule {
	case "cosine":
		return optim.NewCosineLR(c.LR, 0, c.Steps)
	case "cosine-tail":
		head := max(1, 2*c.Steps/3)
		first, err := optim.NewCosineLR(c.LR, c.LR/10, head)
		if err != nil {
			return nil, err
		}
		tail, err := optim.NewCosineLR(c.LR/10, 0, max(1, c.Steps-head))
		if err != nil {
			return nil, err
		}
		return optim.NewSequential(first, head, tail)
	}
	return optim.Constant(c.LR), nil
}

// scoreObjectives maps the Config.Loss values that select score matching,
// which is noise-conditional (Song & Ermon 2019): one network learns the
// scores of the data blurred at each of Levels noise levels.
var scoreObjectives = map[string]func(c Config) energy.Objective{
	"dsm": func(c Config) energy.Objective { return energy.AnnealedDenoisingScore{Sigmas: c.sigmas()} },
	"ssm": func(c Config) energy.Objective { return energy.AnnealedSlicedScore{Sigmas: c.sigmas()} },
}

// sigmas returns the noise levels of a score matching config, largest
// first.
func (c Config) sigmas() []float32 { return energy.GeometricSigmas(c.SigmaMax, c.Sigma, c.Levels) }

// Validate checks the config; its errors are *train.SettingError naming
// the setting.
func (c Config) Validate() error {
	if _, ok := data.Bounds(c.Data); !ok {
		return train.Settingf("data", "unknown dataset %q (have %s)", c.Data, strings.Join(data.ToyNames(), ", "))
	}
	if _, ok := scoreObjectives[c.Loss]; !ok {
		if _, err := energy.LossByName(c.Loss, energy.DefaultLossConfig()); err != nil {
			return train.Settingf("loss", "unknown loss %q (have %s, dsm, ssm)", c.Loss, strings.Join(energy.LossNames(), ", "))
		}
	}
	for _, s := range []struct {
		setting, value string
		have           []string
	}{{"sampler", c.Sampler, Samplers}, {"lr-schedule", c.LRSchedule, Schedules}, {"activation", c.Activation, Activations}, {"features", c.Features, FeatureSets}} {
		if !slices.Contains(s.have, s.value) {
			return train.Settingf(s.setting, "unknown %s %q (have %s)", s.setting, s.value, strings.Join(s.have, ", "))
		}
	}
	if setting, why := c.refusal(); why != "" {
		return train.Settingf(setting, "%s", why)
	}
	positive := []struct {
		name string
		v    float64
	}{
		{"steps", float64(c.Steps)}, {"batch", float64(c.Batch)}, {"lr", c.LR}, {"step-size", c.StepSize},
		{"buffer", float64(c.BufferSize)}, {"train-size", float64(c.TrainSize)}, {"eval-every", float64(c.EvalEvery)},
		{"checkpoint-every", float64(c.CheckpointEvery)}, {"sigma", c.Sigma}, {"beta", c.Beta}, {"leapfrog", float64(c.Leapfrog)},
		{"levels", float64(c.Levels)}, {"feature-scale", c.FeatureScale},
	}
	for _, p := range positive {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be positive, got %v", p.v)
		}
	}
	nonNeg := []struct {
		name string
		v    float64
	}{
		{"langevin-steps", float64(c.LangevinSteps)}, {"weight-decay", c.WeightDecay}, {"noise", c.Noise}, {"clip-grad", c.ClipGrad},
		{"alpha", c.Alpha}, {"max-energy", c.MaxEnergy}, {"jump-width", c.JumpWidth}, {"hmc-warmup", float64(c.HMCWarmUp)},
	}
	for _, p := range nonNeg {
		if !(p.v >= 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be zero or positive, got %v", p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"reinit", c.Reinit}, {"jump-uniform", c.JumpUniform}} {
		if !(p.v >= 0 && p.v <= 1) {
			return train.Settingf(p.name, "must be in [0, 1], got %v", p.v)
		}
	}
	if !(c.EMA >= 0 && c.EMA < 1) {
		return train.Settingf("ema", "the decay must be in [0, 1), got %v", c.EMA)
	}
	if !(c.HMCTarget > 0 && c.HMCTarget < 1) {
		return train.Settingf("hmc-target", "must be strictly between 0 and 1 (an acceptance probability to adapt to), got %v", c.HMCTarget)
	}
	if !c.contrastive() && c.Features != "point" {
		return train.Settingf("features", "score matching reads (log sigma, y); --features %s needs a contrastive loss", c.Features)
	}
	if c.contrastive() && c.LangevinSteps == 0 {
		what := "Langevin steps"
		if c.Sampler == "hmc" {
			what = "HMC iterations"
		}
		return train.Settingf("langevin-steps", "must be positive for a contrastive loss: with 0 %s the negatives never leave where they start", what)
	}
	if !(c.SigmaMax >= c.Sigma) || math.IsInf(c.SigmaMax, 0) {
		return train.Settingf("sigma-max", "must be at least --sigma (%v), got %v", c.Sigma, c.SigmaMax)
	}
	if len(c.Hidden) == 0 {
		return train.Settingf("hidden", "needs at least one width")
	}
	for _, w := range c.Hidden {
		if w <= 0 {
			return train.Settingf("hidden", "widths must be positive, got %v", c.Hidden)
		}
	}
	return nil
}
