package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/internal/rundir"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/viz"
)

// listaConfig defines a LISTA run: a sparse coding problem and the sweep
// of Gregor & LeCun (2010) over encoder depths.
type listaConfig struct {
	Dy          int     `json:"dy"`
	Dz          int     `json:"dz"`
	Lambda      float64 `json:"lambda"`
	Sparsity    int     `json:"sparsity"`
	Noise       float64 `json:"noise"`
	Train       int     `json:"train"`
	Test        int     `json:"test"`
	MaxDepth    int     `json:"max_depth"`
	FISTAIters  int     `json:"fista_iters"`
	TargetIters int     `json:"target_iters"`
	Steps       int     `json:"steps"`
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`
	Seed        uint64  `json:"seed"`
}

// trainLISTACommand is 'gibbs train lista': it trains LISTA encoders of
// depth 1..max to imitate FISTA's sparse codes and reports how many FISTA
// iterations each depth is worth.
func trainLISTACommand(args []string, out io.Writer) error {
	c := listaConfig{Dy: 16, Dz: 64, Lambda: 0.1, Sparsity: 3, Noise: 0.05, Train: 5000, Test: 1000,
		MaxDepth: 5, FISTAIters: 20, TargetIters: 2000, Steps: 2000, Batch: 100, LR: 3e-3, Seed: 21}
	fs := flag.NewFlagSet("train lista", flag.ContinueOnError)
	fs.IntVar(&c.Dy, "dy", c.Dy, "signal size")
	fs.IntVar(&c.Dz, "dz", c.Dz, "code size (dictionary atoms)")
	fs.Float64Var(&c.Lambda, "lambda", c.Lambda, "L1 weight of the sparse coding energy")
	fs.IntVar(&c.Sparsity, "sparsity", c.Sparsity, "non-zero entries of the codes that generate the signals")
	fs.Float64Var(&c.Noise, "noise", c.Noise, "noise added to the signals")
	fs.IntVar(&c.Train, "train", c.Train, "training signals")
	fs.IntVar(&c.Test, "test", c.Test, "test signals")
	fs.IntVar(&c.MaxDepth, "depth", c.MaxDepth, "deepest LISTA encoder")
	fs.IntVar(&c.FISTAIters, "fista-iters", c.FISTAIters, "FISTA iterations to match")
	fs.IntVar(&c.TargetIters, "target-iters", c.TargetIters, "FISTA iterations that define the optimal codes")
	fs.IntVar(&c.Steps, "steps", c.Steps, "Adam steps per encoder")
	fs.IntVar(&c.Batch, "batch", c.Batch, "signals per step")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	outDir := fs.String("out", "runs/lista", "output folder (config.json, lista.json, lista.png)")
	if err := parseFlags(fs, args, out, "gibbs train lista [flags]"); err != nil {
		return err
	}
	for name, v := range map[string]int{"dy": c.Dy, "dz": c.Dz, "train": c.Train, "test": c.Test, "depth": c.MaxDepth,
		"fista-iters": c.FISTAIters, "target-iters": c.TargetIters, "steps": c.Steps, "batch": c.Batch} {
		if v <= 0 {
			return usagef("--%s must be positive, got %d", name, v)
		}
	}
	if c.Sparsity < 0 || c.Sparsity > c.Dz || !(c.Lambda > 0) || !(c.LR > 0) || !(c.Noise >= 0) {
		return usagef("need 0 <= --sparsity <= --dz, --lambda > 0, --lr > 0 and --noise >= 0")
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	dir := &rundir.Dir{Path: *outDir}
	if err := dir.WriteConfig(c); err != nil {
		return err
	}
	rng := tensor.NewRNG(c.Seed)
	sc := energy.NewSparseCoding(rng, c.Dy, c.Dz, float32(c.Lambda))
	train, _ := energy.SparseSignals(rng, sc.Dict, c.Train, c.Sparsity, float32(c.Noise))
	test, _ := energy.SparseSignals(rng, sc.Dict, c.Test, c.Sparsity, float32(c.Noise))
	sweep := energy.LISTASweep{MaxDepth: c.MaxDepth, FISTAIters: c.FISTAIters, TargetIters: c.TargetIters,
		Fit: energy.FitConfig{Steps: c.Steps, BatchSize: c.Batch, LR: c.LR, Seed: c.Seed}}
	fmt.Fprintf(out, "training LISTA encoders of depth 1..%d on %d signals (dy %d, dz %d)\n", c.MaxDepth, c.Train, c.Dy, c.Dz)
	res, err := sweep.Run(sc, train, test)
	if err != nil {
		return usagef("%v", err)
	}
	fmt.Fprintf(out, "relative code error on %d test signals (optimum: FISTA after %d iterations)\n", c.Test, c.TargetIters)
	fmt.Fprintln(out, "depth  ISTA     FISTA    LISTA    FISTA iterations as good as LISTA")
	var depth, ista, fista, lista []float64
	for _, p := range res.Points {
		fmt.Fprintf(out, "%-5d  %.4f   %.4f   %.4f   %d\n", p.Depth, p.ISTA, p.FISTA, p.LISTA, p.FISTAEquiv)
		depth = append(depth, float64(p.Depth))
		ista, fista, lista = append(ista, p.ISTA), append(fista, p.FISTA), append(lista, p.LISTA)
	}
	fmt.Fprintf(out, "FISTA after %d iterations: %.4f; smallest LISTA depth as good: %d (0: none up to %d)\n",
		res.FISTAIters, res.FISTAError, res.Match, c.MaxDepth)
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(dir.File("lista.json"), append(b, '\n')); err != nil {
		return err
	}
	plot := viz.LinePlot{LogY: true, Series: []viz.Series{
		{X: depth, Y: ista, Color: viz.Palette(0)}, {X: depth, Y: fista, Color: viz.Palette(1)}, {X: depth, Y: lista, Color: viz.Palette(2)},
	}}
	if err := viz.SavePNG(dir.File("lista.png"), plot.Render()); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s (code error by depth: ISTA blue, FISTA vermillion, LISTA green)\n", dir.File("lista.png"))
	return nil
}
