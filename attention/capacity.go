package attention

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/viz"
)

// CapacityConfig sets up the capacity experiment of a modern Hopfield
// network: how many stored patterns it retrieves from half-masked queries.
type CapacityConfig struct {
	Patterns string    `json:"patterns"` // "binary" (random ±1 vectors) or "mnist" (digits, pixels mapped to [-1, 1])
	Dim      int       `json:"dim"`      // size of binary patterns (MNIST's are 784)
	Counts   []int     `json:"counts"`   // numbers of stored patterns to try
	Betas    []float64 `json:"betas"`    // inverse temperatures to try
	Queries  int       `json:"queries"`  // queries per point, each a stored pattern with its second half zeroed
	Steps    int       `json:"steps"`    // updates per query
	// Tolerance is the largest relative distance ||xi - x|| / ||x|| of a
	// retrieved state from its pattern that counts as retrieved.
	Tolerance float64 `json:"tolerance"`
	Seed      uint64  `json:"seed"`
}

// DefaultCapacityConfig is the experiment on 64-dimensional binary
// patterns, 2 to 16384 of them, for beta from 0.1 to 0.3: over that range
// the number of patterns retrieved grows about fourfold for each 0.05 of
// beta, from 8 to 4096 (below it, states end in mixtures of patterns).
func DefaultCapacityConfig() CapacityConfig {
	return CapacityConfig{
		Patterns: "binary", Dim: 64,
		Counts:  []int{2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384},
		Betas:   []float64{0.1, 0.15, 0.2, 0.25, 0.3},
		Queries: 200, Steps: 5, Tolerance: 0.1, Seed: 1,
	}
}

// Validate checks the config.
func (c CapacityConfig) Validate() error {
	switch {
	case c.Patterns != "binary" && c.Patterns != "mnist":
		return fmt.Errorf("patterns %q, want binary or mnist", c.Patterns)
	case c.Patterns == "binary" && c.Dim < 2:
		return fmt.Errorf("pattern size %d, want at least 2", c.Dim)
	case len(c.Counts) == 0 || len(c.Betas) == 0:
		return fmt.Errorf("needs pattern counts and betas")
	case c.Queries < 1 || c.Steps < 1 || !(c.Tolerance > 0):
		return fmt.Errorf("queries %d, steps %d and tolerance %v must be positive", c.Queries, c.Steps, c.Tolerance)
	}
	for _, n := range c.Counts {
		if n < 1 {
			return fmt.Errorf("pattern count %d, want at least 1", n)
		}
	}
	for _, b := range c.Betas {
		if !(b > 0) || math.IsInf(b, 0) {
			return fmt.Errorf("beta %v, want a positive number", b)
		}
	}
	return nil
}

// CapacityPoint is the retrieval accuracy of one beta and pattern count.
type CapacityPoint struct {
	Beta     float64 `json:"beta"`
	Patterns int     `json:"patterns"`
	Accuracy float64 `json:"accuracy"` // share of queries retrieved
	// Energies is the mean energy of the queries after 0, 1, ... Steps
	// updates.
	Energies []float64 `json:"energies"`
}

// CapacityResult is what the experiment measures.
type CapacityResult struct {
	Points []CapacityPoint `json:"points"` // beta major, in the config's order
}

// PatternPool returns n patterns of the kind c.Patterns as the rows of a
// tensor [n, d]: random ±1 vectors, or the first n MNIST training digits
// (data.Open("mnist", data.Train)) with pixels p mapped to 2p - 1.
func (c CapacityConfig) PatternPool(n int) (*tensor.Tensor, error) {
	if c.Patterns == "binary" {
		return tensor.Rand(tensor.NewRNG(c.Seed), n, c.Dim).Gt(tensor.Scalar(0.5)).MulScalar(2).AddScalar(-1), nil
	}
	set, err := data.Open("mnist", data.Train)
	if err != nil {
		return nil, err
	}
	if set.X.Size(0) < n {
		return nil, fmt.Errorf("mnist has %d training digits, fewer than the %d patterns asked for", set.X.Size(0), n)
	}
	return set.X.Narrow(0, 0, n).MulScalar(2).AddScalar(-1), nil
}

// MeasureCapacity runs the experiment: for each count N, the first N
// patterns of the pool are stored; queries are stored patterns with their
// second half set to zero; each is updated up to c.Steps times, and counts
// as retrieved when it ends within c.Tolerance of its pattern.
func MeasureCapacity(c CapacityConfig) (*CapacityResult, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	most := 0
	for _, n := range c.Counts {
		most = max(most, n)
	}
	pool, err := c.PatternPool(most)
	if err != nil {
		return nil, err
	}
	rng := tensor.NewRNG(c.Seed + 1)
	res := &CapacityResult{}
	for _, beta := range c.Betas {
		for _, n := range c.Counts {
			h, err := NewHopfield(pool.Narrow(0, 0, n), float32(beta))
			if err != nil {
				return nil, err
			}
			idx := make([]int, min(c.Queries, n))
			for i := range idx {
				if len(idx) == n {
					idx[i] = i
				} else {
					idx[i] = rng.IntN(n)
				}
			}
			targets := h.Patterns.IndexSelect(0, idx)
			state := HalfMasked(targets)
			var energies []float64
			for step := 0; ; step++ {
				energies = append(energies, float64(h.Energy(nil, state).Mean().Item()))
				if step == c.Steps {
					break
				}
				state = h.Update(state)
			}
			res.Points = append(res.Points, CapacityPoint{Beta: beta, Patterns: n, Accuracy: retrieved(state, targets, c.Tolerance), Energies: energies})
		}
	}
	return res, nil
}

// HalfMasked returns the queries x [B, d] with their second half of
// coordinates set to zero.
func HalfMasked(x *tensor.Tensor) *tensor.Tensor {
	d := x.Size(1)
	keep := tensor.Zeros(1, d)
	for j := range d / 2 {
		keep.Set(1, 0, j)
	}
	return x.Mul(keep)
}

// retrieved returns the share of rows of states within tol (relative) of
// the same row of targets.
func retrieved(states, targets *tensor.Tensor, tol float64) float64 {
	d := states.Size(1)
	s, t := states.Data(), targets.Data()
	hits := 0
	for i := 0; i < states.Size(0); i++ {
		var diff, norm float64
		for j := i * d; j < (i+1)*d; j++ {
			diff += float64((s[j] - t[j]) * (s[j] - t[j]))
			norm += float64(t[j] * t[j])
		}
		if math.Sqrt(diff) <= tol*math.Sqrt(norm) {
			hits++
		}
	}
	return float64(hits) / float64(states.Size(0))
}

// CapacityPlot draws the retrieval accuracy against the number of stored
// patterns (log scale), one curve per beta.
func (r *CapacityResult) CapacityPlot(c CapacityConfig) image.Image {
	var series []viz.Series
	for i, beta := range c.Betas {
		s := viz.Series{Color: viz.Palette(i), Name: "beta " + strconv.FormatFloat(beta, 'g', 3, 64)}
		for _, p := range r.Points {
			if p.Beta == beta {
				s.X = append(s.X, math.Log2(float64(p.Patterns)))
				s.Y = append(s.Y, p.Accuracy)
			}
		}
		series = append(series, s)
	}
	what := "binary patterns of size " + strconv.Itoa(c.Dim)
	if c.Patterns == "mnist" {
		what = "MNIST digits"
	}
	return viz.LinePlot{Series: series, LineWidth: 2, Labels: viz.Labels{
		Title:  "Hopfield retrieval from half-masked queries, " + what,
		XLabel: "log2 of stored patterns",
		YLabel: "accuracy",
	}}.Render()
}

// EnergyPlot draws the mean energy of the queries over the updates, one
// curve per beta, with the middle count of the config's stored.
func (r *CapacityResult) EnergyPlot(c CapacityConfig) image.Image {
	n := c.Counts[len(c.Counts)/2]
	var series []viz.Series
	for _, p := range r.Points {
		if p.Patterns == n {
			series = append(series, viz.Series{Y: p.Energies, Name: fmt.Sprintf("beta %g: %.0f%% retrieved", p.Beta, 100*p.Accuracy)})
		}
	}
	return viz.LinePlot{Series: series, LineWidth: 2, Labels: viz.Labels{
		Title:  "Hopfield energy of half-masked queries, " + strconv.Itoa(n) + " patterns stored",
		XLabel: "updates",
		YLabel: "energy",
	}}.Render()
}

// Save writes the experiment into the folder dir (created if needed):
// capacity.json (the config and the result), capacity.png (CapacityPlot)
// and energy.png (EnergyPlot).
func (r *CapacityResult) Save(dir string, c CapacityConfig) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(struct {
		Config CapacityConfig  `json:"config"`
		Result *CapacityResult `json:"result"`
	}{c, r}, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, "capacity.json"), append(b, '\n')); err != nil {
		return err
	}
	if err := viz.SavePNG(filepath.Join(dir, "capacity.png"), r.CapacityPlot(c)); err != nil {
		return err
	}
	return viz.SavePNG(filepath.Join(dir, "energy.png"), r.EnergyPlot(c))
}
