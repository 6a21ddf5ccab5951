package ebm

import (
	"encoding/json"
	"errors"
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
		{"margin 0", func(c *Config) { c.Loss, c.Margin = "hinge", 0 }, ""},
		{"alpha 0", func(c *Config) { c.Loss, c.Alpha = "contrastive", 0 }, ""},
		{"beta 0", func(c *Config) { c.Beta = 0 }, "beta"},
		{"energy loss collapses", func(c *Config) { c.Loss = "energy" }, "loss"},
		{"perceptron has no margin", func(c *Config) { c.Loss, c.Sampler = "perceptron", "cd" }, "loss"},
		{"lvq2 needs positive energies", func(c *Config) { c.Loss = "lvq2" }, "loss"},
		{"sigma-max below sigma", func(c *Config) { c.Loss, c.SigmaMax = "dsm", 0.001 }, "sigma-max"},
		{"HMC target 1", func(c *Config) { c.Sampler, c.HMCTarget = "hmc", 1 }, "hmc-target"},
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
		loss, sampler string
		has, lacks    []string
	}{
		{"nll", "replay", []string{"sampler", "beta", "buffer_size", "jump_width", "step_size"}, []string{"margin", "alpha", "sigma", "levels", "leapfrog"}},
		{"hinge", "hmc", []string{"margin", "leapfrog", "max_energy"}, []string{"beta", "buffer_size", "reinit", "sigma"}},
		{"contrastive", "langevin", []string{"alpha"}, []string{"margin", "beta", "jump_uniform", "leapfrog"}},
		{"dsm", "replay", []string{"sigma", "sigma_max", "levels", "step_size"}, []string{"sampler", "noise", "beta", "buffer_size", "leapfrog", "max_energy"}},
		{"ssm", "replay", []string{"langevin_steps", "sigma"}, []string{"noise", "sampler"}},
	} {
		c := DefaultConfig()
		c.Loss, c.Sampler = tc.loss, tc.sampler
		if tc.loss == "hinge" {
			c.Margin = 0 // a margin of 0 is kept as 0
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
}

// TestRecipeDefaults checks that each choice starts from its own
// defaults, the default choice from DefaultConfig's.
func TestRecipeDefaults(t *testing.T) {
	if !reflect.DeepEqual(Recipe("nll", "replay"), DefaultConfig()) {
		t.Error("the default recipe differs from DefaultConfig")
	}
	for _, tc := range []struct {
		loss, sampler          string
		steps, langevin, valid int
	}{
		{"nll", "langevin", 1000, 40, 1},
		{"hinge", "hmc", 1000, 5, 1},
		{"dsm", "replay", 4000, 50, 1},
		{"energy", "cd", 3000, 10, 0},
	} {
		c := Recipe(tc.loss, tc.sampler)
		if c.Steps != tc.steps || c.LangevinSteps != tc.langevin || (c.Validate() == nil) != (tc.valid == 1) {
			t.Errorf("%s/%s: steps %d, langevin steps %d, valid %v", tc.loss, tc.sampler, c.Steps, c.LangevinSteps, c.Validate() == nil)
		}
	}
}
