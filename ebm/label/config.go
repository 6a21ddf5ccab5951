package label

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/train"
)

// Kind is the model kind of label-energy runs in config.json.
const Kind = "ebm-label"

// Config is everything that defines a run; it is saved in config.json.
type Config struct {
	// Data is the training set: mnist, fashion-mnist, a .csv file with a
	// label column, or idx:IMAGES,LABELS (data.Open).
	Data string `json:"data"`
	// TestData is the test set; empty takes the test split of Data (for a
	// CSV or IDX file, its own rows again: see data.Open).
	TestData string `json:"test_data,omitempty"`
	// Shape is the shape of one sample and Classes the number of labels K,
	// taken from the training data when the run starts.
	Shape   []int `json:"shape"`
	Classes int   `json:"classes"`
	// Loss names a loss of energy.LossByName, except "energy".
	Loss string `json:"loss"`
	// Arch is "mlp" or "conv" (stride-2 convolutions, for images).
	Arch string `json:"arch"`
	// Hidden are the MLP's hidden widths, or the channels of the conv
	// net's stride-2 layers.
	Hidden []int   `json:"hidden"`
	Epochs int     `json:"epochs"`
	Batch  int     `json:"batch"`
	LR     float64 `json:"lr"`
	// The constants of the losses (energy.LossConfig); each loss uses
	// those energy.LossConstants lists.
	Margin float64 `json:"margin"`
	Beta   float64 `json:"beta"`
	Gamma  float64 `json:"gamma"`
	Delta  float64 `json:"delta"`
	Alpha  float64 `json:"alpha"`
	// TrainSize keeps the first TrainSize training samples; 0 keeps all.
	TrainSize       int    `json:"train_size"`
	CheckpointEvery int    `json:"checkpoint_every"` // steps
	Seed            uint64 `json:"seed"`
}

// DefaultConfig is the recipe of the Fashion-MNIST benchmark's MLPs: a
// 784-256-128-10 ReLU MLP trained on the NLL loss (the cross-entropy) by
// Adam at 1e-3 with batches of 128 for 10 epochs. The loss constants are
// those of energy.DefaultLossConfig.
func DefaultConfig() Config {
	return Config{
		Data: "fashion-mnist", Loss: "nll", Arch: "mlp", Hidden: []int{256, 128}, Epochs: 10, Batch: 128, LR: 1e-3,
		Margin: 1, Beta: 1, Gamma: 1, Delta: 1, Alpha: 0.1,
		CheckpointEvery: 500, Seed: 1,
	}
}

// DefaultHidden is the hidden widths of an architecture: 256,128 for the
// MLP, stride-2 layers of 32 and 64 channels for the conv net.
func DefaultHidden(arch string) []int {
	if arch == "conv" {
		return []int{32, 64}
	}
	return []int{256, 128}
}

// Architectures lists the names Config.Arch takes.
var Architectures = []string{"mlp", "conv"}

// nonNegative lists the losses written for non-negative energies (LeCun
// et al. 2006, table 1): their model ends in a softplus. LVQ2 divides by
// the offending energy, so a negative one would flip its sign.
var nonNegative = []string{"lvq2", "square-square", "square-exp"}

// Losses lists the names Config.Loss takes: every loss of energy.LossNames
// but "energy".
func Losses() []string {
	var names []string
	for _, n := range energy.LossNames() {
		if n != "energy" {
			names = append(names, n)
		}
	}
	return names
}

// PositiveEnergies reports whether the config's loss needs non-negative
// energies, which the model then gives through a softplus.
func (c Config) PositiveEnergies() bool { return slices.Contains(nonNegative, c.Loss) }

// LossFunc returns the config's loss, or a *train.SettingError.
func (c Config) LossFunc() (energy.Loss, error) {
	if c.Loss == "energy" {
		return nil, train.Settingf("loss", "the energy loss has no margin: it only pulls the correct answer's energy down and nothing "+
			"pushes the other answers up, so with an output per label every energy falls without bound (LeCun et al. 2006, section 2.2); "+
			"use one of %s", strings.Join(Losses(), ", "))
	}
	if !slices.Contains(Losses(), c.Loss) {
		return nil, train.Settingf("loss", "unknown loss %q (have %s)", c.Loss, strings.Join(Losses(), ", "))
	}
	l, err := energy.LossByName(c.Loss, energy.LossConfig{Margin: float32(c.Margin), Beta: float32(c.Beta),
		Gamma: float32(c.Gamma), Delta: float32(c.Delta), Alpha: float32(c.Alpha)})
	if err != nil {
		name := "margin"
		if cs := energy.LossConstants(c.Loss); len(cs) > 0 {
			name = cs[0]
		}
		return nil, train.Settingf(name, "%v", strings.TrimPrefix(err.Error(), "energy: "))
	}
	return l, nil
}

// Validate checks the settings that do not depend on the data; its errors
// are *train.SettingError naming the setting.
func (c Config) Validate() error {
	if c.Data == "" {
		return train.Settingf("data", "needs a data set")
	}
	if _, err := c.LossFunc(); err != nil {
		return err
	}
	if !slices.Contains(Architectures, c.Arch) {
		return train.Settingf("arch", "unknown architecture %q (have %s)", c.Arch, strings.Join(Architectures, ", "))
	}
	if len(c.Hidden) == 0 {
		return train.Settingf("hidden", "needs at least one width")
	}
	for _, w := range c.Hidden {
		if w <= 0 {
			return train.Settingf("hidden", "widths must be positive, got %v", c.Hidden)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"epochs", float64(c.Epochs)}, {"batch", float64(c.Batch)}, {"lr", c.LR}, {"checkpoint-every", float64(c.CheckpointEvery)}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be positive, got %v", p.v)
		}
	}
	if c.TrainSize < 0 {
		return train.Settingf("train-size", "must be zero (all) or positive, got %d", c.TrainSize)
	}
	return nil
}

// checkShape checks that samples of the given shape suit the
// architecture.
func (c Config) checkShape(shape []int) error {
	if c.Arch != "conv" {
		return nil
	}
	if len(shape) != 3 {
		return train.Settingf("arch", "conv needs images, and %s has samples of shape %v", c.Data, shape)
	}
	if f := 1 << len(c.Hidden); shape[1]%f != 0 || shape[2]%f != 0 {
		return train.Settingf("arch", "conv with %d stride-2 layers needs image sides divisible by %d, got %dx%d", len(c.Hidden), f, shape[1], shape[2])
	}
	return nil
}

// String describes the recipe in words, for titles.
func (c Config) String() string {
	return fmt.Sprintf("%s loss, %s %v", c.Loss, c.Arch, c.Hidden)
}
