package rbm

import (
	"math"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Kind is the model kind of RBM runs in config.json.
const Kind = "rbm"

// Config is the configuration of a run of kind "rbm".
type Config struct {
	Data string `json:"data"`
	// Shape is the shape of one sample, taken from the data when the run
	// starts.
	Shape []int `json:"shape"`
	// Binarize is how the data's values in [0, 1] become binary:
	// BinarizeSample or BinarizeThreshold.
	Binarize string `json:"binarize"`
	Hidden   int    `json:"hidden"`
	// K is the number of Gibbs steps of the negative chains per update.
	K int `json:"k"`
	// Persistent keeps Batch chains across updates (PCD, Tieleman 2008)
	// instead of restarting them at each batch (CD-k).
	Persistent bool `json:"persistent"`
	Epochs     int  `json:"epochs"`
	Batch      int  `json:"batch"`
	// LR, Momentum and WeightDecay are torch.optim.SGD's settings, on the
	// mean gradient of a batch; the weight decay applies to every
	// parameter, biases included.
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum"`
	WeightDecay float64 `json:"weight_decay"`
	// TrainSize keeps the first TrainSize training samples; 0 keeps all.
	TrainSize int `json:"train_size"`
	// AISRuns and AISBetas set the annealed importance sampling of log Z
	// at the end of the run; AISBetas 0 skips it.
	AISRuns         int    `json:"ais_runs"`
	AISBetas        int    `json:"ais_betas"`
	CheckpointEvery int    `json:"checkpoint_every"` // steps
	Seed            uint64 `json:"seed"`
}

// DefaultConfig is CD-1 with 500 hidden units on MNIST binarised by
// sampling, as in Salakhutdinov & Murray (2008): batches of 100, SGD at
// 0.05 with momentum 0.5 and weight decay 2e-4 (Hinton's practical
// guide), 5 epochs, and AIS with the paper's 14500 intermediate
// distributions and 100 runs at the end.
func DefaultConfig() Config {
	return Config{
		Data: "mnist", Binarize: BinarizeSample, Hidden: 500, K: 1, Epochs: 5, Batch: 100,
		LR: 0.05, Momentum: 0.5, WeightDecay: 2e-4, AISRuns: 100, AISBetas: 14500,
		CheckpointEvery: 200, Seed: 1,
	}
}

// Validate checks the settings; its errors are *train.SettingError.
func (c Config) Validate() error {
	if c.Data == "" {
		return train.Settingf("data", "needs a data set")
	}
	if c.Binarize != BinarizeSample && c.Binarize != BinarizeThreshold {
		return train.Settingf("binarize", "unknown binarisation %q (have %s)", c.Binarize, strings.Join([]string{BinarizeSample, BinarizeThreshold}, ", "))
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"hidden", float64(c.Hidden)}, {"k", float64(c.K)}, {"epochs", float64(c.Epochs)}, {"batch", float64(c.Batch)},
		{"lr", c.LR}, {"checkpoint-every", float64(c.CheckpointEvery)}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be positive, got %v", p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"momentum", c.Momentum}, {"weight-decay", c.WeightDecay}, {"train-size", float64(c.TrainSize)},
		{"ais-runs", float64(c.AISRuns)}, {"ais-betas", float64(c.AISBetas)}} {
		if !(p.v >= 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be zero or positive, got %v", p.v)
		}
	}
	if c.AISBetas > 0 && c.AISRuns < 2 {
		return train.Settingf("ais-runs", "AIS needs at least 2 runs, got %d", c.AISRuns)
	}
	return nil
}

// visible is the number of visible units of the config's samples.
func (c Config) visible() int {
	n := 1
	for _, s := range c.Shape {
		n *= s
	}
	return n
}

// NewModel returns the untrained RBM of a config whose Shape is set,
// initialised from its seed (see New).
func NewModel(c Config) *RBM { return New(tensor.NewRNG(c.Seed), c.visible(), c.Hidden) }
