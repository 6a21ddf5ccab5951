package ebm

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/gibbsml/gibbs/train"
)

func TestValidateRefusesWithReason(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(c *Config)
		setting string // "" when valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"no Langevin steps", func(c *Config) { c.LangevinSteps = 0 }, "langevin-steps"},
		{"no HMC iterations", func(c *Config) { c.Sampler, c.LangevinSteps = "hmc", 0 }, "langevin-steps"},
		{"score matching needs no sampler", func(c *Config) { c.Loss, c.LangevinSteps = "dsm", 0 }, ""},
		{"alpha 0", func(c *Config) { c.Loss, c.Alpha = "contrastive", 0 }, ""},
		{"beta 0", func(c *Config) { c.Beta = 0 }, "beta"},
		{"energy loss collapses", func(c *Config) { c.Loss = "energy" }, "loss"},
		{"perceptron has no margin", func(c *Config) { c.Loss, c.Sampler = "perceptron", "cd" }, "loss"},
		{"lvq2 needs positive energies", func(c *Config) { c.Loss = "lvq2" }, "loss"},
		{"a margin loss is no density estimator", func(c *Config) { c.Loss, c.Sampler = "log", "hmc" }, "loss"},
		{"CD-k makes a ring", func(c *Config) { c.Sampler = "cd" }, "sampler"},
		{"mce with short runs", func(c *Config) { c.Loss, c.Sampler = "mce", "langevin" }, "sampler"},
		{"mce with replay", func(c *Config) { c.Loss = "mce" }, ""},
		{"score matching ignores the sampler", func(c *Config) { c.Loss, c.Sampler = "dsm", "cd" }, ""},
		{"sigma-max below sigma", func(c *Config) { c.Loss, c.SigmaMax = "dsm", 0.001 }, "sigma-max"},
		{"HMC target 1", func(c *Config) { c.Sampler, c.HMCTarget = "hmc", 1 }, "hmc-target"},
		{"cosine-tail schedule", func(c *Config) { c.LRSchedule = "cosine-tail" }, ""},
		{"unknown schedule", func(c *Config) { c.LRSchedule = "linear" }, "lr-schedule"},
		{"negative weight decay", func(c *Config) { c.WeightDecay = -0.1 }, "weight-decay"},
		{"quadratic features", func(c *Config) { c.Features = "quadratic" }, ""},
		{"unknown features", func(c *Config) { c.Features = "fourier" }, "features"},
		{"feature scale 0", func(c *Config) { c.Features, c.FeatureScale = "quadratic", 0 }, "feature-scale"},
		{"features under score matching", func(c *Config) { c.Loss, c.Features = "dsm", "quadratic" }, "features"},
	} {
		c := DefaultConfig()
		tc.change(&c)
		err := c.Validate()
		var se *train.SettingError
		switch {
		case tc.setting == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.setting != "" && (!errors.As(err, &se) || se.Setting != tc.setting):
			t.Errorf("%s: error %v, want one about %s", tc.name, err, tc.setting)
		}
	}
}

// TestConfigJSONPerRecipe checks that config.json holds the settings of
// the run's recipe and no others, and reads back to the same config, as
// does a config with every setting.
func TestConfigJSONPerRecipe(t *testing.T) {
	for _, tc := range []struct {
		data, loss, sampler string
		has, lacks          []string
	}{
		{"ring8", "nll", "replay", []string{"sampler", "beta", "buffer_size", "jump_width", "step_size", "features"}, []string{"alpha", "sigma", "levels", "leapfrog", "feature_scale"}},
		{"grid25", "nll", "replay", []string{"features", "feature_scale", "step_size", "noise"}, []string{"alpha", "sigma", "leapfrog"}},
		{"grid25", "mce", "hmc", []string{"leapfrog", "max_energy"}, []string{"beta", "alpha", "buffer_size", "reinit", "jump_width", "sigma"}},
		{"ring8", "contrastive", "langevin", []string{"alpha"}, []string{"beta", "jump_uniform", "leapfrog"}},
		{"grid25", "dsm", "replay", []string{"sigma", "sigma_max", "levels", "step_size"}, []string{"sampler", "noise", "beta", "buffer_size", "leapfrog", "max_energy", "features", "feature_scale"}},
		{"ring8", "ssm", "replay", []string{"langevin_steps", "sigma"}, []string{"noise", "sampler"}},
	} {
		c := Recipe(tc.data, tc.loss, tc.sampler)
		if tc.loss == "contrastive" {
			c.Alpha = 0 // an alpha of 0 is kept as 0
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]any
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		for _, k := range tc.has {
			if _, ok := keys[k]; !ok {
				t.Errorf("%s/%s: config.json lacks %s: %s", tc.loss, tc.sampler, k, b)
			}
		}
		for _, k := range tc.lacks {
			if _, ok := keys[k]; ok {
				t.Errorf("%s/%s: config.json holds %s, which does not apply: %s", tc.loss, tc.sampler, k, b)
			}
		}
		full, _ := json.Marshal(configFields(c)) // the earlier format, every setting
		for _, enc := range [][]byte{b, full} {
			var back Config
			if err := json.Unmarshal(enc, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, c) {
				t.Errorf("%s/%s: read back %+v, want %+v", tc.loss, tc.sampler, back, c)
			}
		}
	}
	var c Config
	if err := json.Unmarshal([]byte(`{"data":"ring8","lerning_rate":1}`), &c); err == nil {
		t.Error("unknown key accepted")
	}
	if err := json.Unmarshal([]byte(`{"data":"grid25","margin":1}`), &c); err != nil || c.Data != "grid25" {
		t.Errorf("a config of the earlier format with a margin: %v, data %q", err, c.Data)
	}
	if err := json.Unmarshal([]byte(`{"data":"ring8","mala":true}`), &c); err != nil || c.Data != "ring8" {
		t.Errorf("a config of a run made with --mala: %v, data %q", err, c.Data)
	}
}

// TestSchedules checks the learning rates of each schedule at its start,
// its milestone and its last step.
func TestSchedules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []int
		want  []float64
	}{
		{"constant", []int{0, 2000, 2999}, []float64{1e-2, 1e-2, 1e-2}},
		{"cosine", []int{0, 1500, 3000}, []float64{1e-2, 5e-3, 0}},
		{"cosine-tail", []int{0, 1000, 2000, 2500, 3000}, []float64{1e-2, 5.5e-3, 1e-3, 5e-4, 0}},
	} {
		c := DefaultConfig()
		c.LRSchedule = tc.name
		s, err := c.schedule()
		if err != nil {
			t.Fatal(err)
		}
		for i, step := range tc.steps {
			if got := s.LR(step); math.Abs(got-tc.want[i]) > 1e-12 {
				t.Errorf("%s: LR(%d) = %v, want %v", tc.name, step, got, tc.want[i])
			}
		}
	}
}

// TestRecipeDefaults checks that each choice starts from its own
// defaults, the default choice from DefaultConfig's, and that grid25
// with the replay sampler reads quadratic features with smaller, longer
// Langevin chains.
func TestRecipeDefaults(t *testing.T) {
	if !reflect.DeepEqual(Recipe("ring8", "nll", "replay"), DefaultConfig()) {
		t.Error("the default recipe differs from DefaultConfig")
	}
	for _, tc := range []struct {
		data, loss, sampler    string
		steps, langevin, valid int
		features               string
		stepSize               float64
	}{
		{"ring8", "nll", "langevin", 1000, 40, 1, "point", 0.0005},
		{"ring8", "nll", "hmc", 1000, 5, 1, "point", 0.0005},
		{"ring8", "hinge", "hmc", 1000, 5, 0, "point", 0.0005},
		{"ring8", "dsm", "replay", 4000, 50, 1, "point", 2e-5},
		{"ring8", "energy", "cd", 3000, 10, 0, "point", 0.0005},
		{"grid25", "nll", "replay", 3000, 13, 1, "quadratic", 0.0003},
		{"grid25", "mce", "replay", 3000, 13, 1, "quadratic", 0.0003},
		{"grid25", "nll", "langevin", 1000, 40, 1, "point", 0.0005},
		{"grid25", "nll", "hmc", 1000, 5, 1, "point", 0.0005},
		{"grid25", "dsm", "replay", 4000, 50, 1, "point", 2e-5},
		{"moons", "nll", "replay", 3000, 10, 1, "point", 0.0005},
	} {
		c := Recipe(tc.data, tc.loss, tc.sampler)
		if c.Data != tc.data || c.Steps != tc.steps || c.LangevinSteps != tc.langevin || (c.Validate() == nil) != (tc.valid == 1) ||
			c.Features != tc.features || c.StepSize != tc.stepSize {
			t.Errorf("%s/%s/%s: data %s, steps %d, langevin steps %d, features %s, step size %g, valid %v",
				tc.data, tc.loss, tc.sampler, c.Data, c.Steps, c.LangevinSteps, c.Features, c.StepSize, c.Validate() == nil)
		}
		if c.Features == "quadratic" && (c.FeatureScale != 3 || c.Noise != math.Sqrt(2*c.StepSize)) {
			t.Errorf("%s/%s/%s: feature scale %g, noise %g", tc.data, tc.loss, tc.sampler, c.FeatureScale, c.Noise)
		}
	}
}
