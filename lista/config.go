package lista

import "github.com/gibbsml/gibbs/train"

// Config defines a run: a sparse coding problem and the sweep of Gregor &
// LeCun (2010) over encoder depths 1..MaxDepth.
type Config struct {
	Dy              int     `json:"dy"`               // signal size
	Dz              int     `json:"dz"`               // code size (dictionary atoms)
	Lambda          float64 `json:"lambda"`           // L1 weight of the sparse coding energy
	Sparsity        int     `json:"sparsity"`         // non-zero entries of the codes that generate the signals
	Noise           float64 `json:"noise"`            // noise added to the signals
	Train           int     `json:"train"`            // training signals
	Test            int     `json:"test"`             // test signals
	MaxDepth        int     `json:"max_depth"`        // deepest encoder
	FISTAIters      int     `json:"fista_iters"`      // FISTA iterations to match
	TargetIters     int     `json:"target_iters"`     // FISTA iterations that define the optimal codes
	Steps           int     `json:"steps"`            // Adam steps per encoder
	Batch           int     `json:"batch"`            // signals per step
	LR              float64 `json:"lr"`               // Adam learning rate
	CheckpointEvery int     `json:"checkpoint_every"` // steps between checkpoints
	Seed            uint64  `json:"seed"`
}

// DefaultConfig is the setting of Gregor & LeCun's experiments: a 4x
// overcomplete dictionary, 3-sparse signals, encoders of depth 1 to 5.
func DefaultConfig() Config {
	return Config{Dy: 16, Dz: 64, Lambda: 0.1, Sparsity: 3, Noise: 0.05, Train: 5000, Test: 1000,
		MaxDepth: 5, FISTAIters: 20, TargetIters: 2000, Steps: 2000, Batch: 100, LR: 3e-3, CheckpointEvery: 1000, Seed: 21}
}

// Validate checks the config; its errors are *train.SettingError naming
// the setting as the command line does.
func (c Config) Validate() error {
	for _, p := range []struct {
		name string
		v    int
	}{{"dy", c.Dy}, {"dz", c.Dz}, {"train", c.Train}, {"test", c.Test}, {"depth", c.MaxDepth}, {"fista-iters", c.FISTAIters},
		{"target-iters", c.TargetIters}, {"steps", c.Steps}, {"batch", c.Batch}, {"checkpoint-every", c.CheckpointEvery}} {
		if p.v <= 0 {
			return train.Settingf(p.name, "must be positive, got %d", p.v)
		}
	}
	switch {
	case c.Sparsity < 0 || c.Sparsity > c.Dz:
		return train.Settingf("sparsity", "must be in [0, dz=%d], got %d", c.Dz, c.Sparsity)
	case !(c.Lambda > 0):
		return train.Settingf("lambda", "must be positive, got %v", c.Lambda)
	case !(c.LR > 0):
		return train.Settingf("lr", "must be positive, got %v", c.LR)
	case !(c.Noise >= 0):
		return train.Settingf("noise", "must be zero or positive, got %v", c.Noise)
	case c.TargetIters < max(c.FISTAIters, c.MaxDepth):
		return train.Settingf("target-iters", "must be at least --fista-iters and --depth, got %d", c.TargetIters)
	}
	return nil
}
