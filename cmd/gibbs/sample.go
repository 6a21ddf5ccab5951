package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/internal/rundir"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/viz"
)

// runSample is 'gibbs sample': Langevin samples from a trained energy run.
func runSample(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sample", flag.ContinueOnError)
	runPath := fs.String("run", "", "run folder of a trained model (required)")
	n := fs.Int("n", 1000, "number of samples")
	steps := fs.Int("steps", 200, "Langevin steps from uniform noise")
	seed := fs.Uint64("seed", 1, "random seed")
	outFile := fs.String("o", "", "PNG to write (default RUN/sampled.png)")
	if err := parseFlags(fs, args, out, "gibbs sample --run DIR [-n 1000] [-o FILE]"); err != nil {
		return err
	}
	if *runPath == "" {
		return usagef("--run is required")
	}
	if *n <= 0 || *steps < 0 {
		return usagef("-n must be positive and --steps not negative")
	}
	dir := &rundir.Dir{Path: *runPath}
	var cfg ebmConfig
	if err := dir.ReadConfig(&cfg); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	r, err := newEBMRun(cfg, dir)
	if err != nil {
		return err
	}
	s := rundir.State{Model: r.model}
	if err := rundir.LoadFile(dir.File(rundir.CheckpointFile), &s); err != nil {
		return err
	}
	lo, hi := float32(min(r.box.XMin, r.box.YMin)), float32(max(r.box.XMax, r.box.YMax))
	lang := energy.Langevin{Steps: *steps, StepSize: float32(cfg.StepSize), Noise: float32(cfg.Noise), ClipGrad: float32(cfg.ClipGrad), Lo: lo, Hi: hi}
	rng := tensor.NewRNG(*seed)
	samples := lang.Run(r.model, nil, tensor.Uniform(rng, lo, hi, *n, 2), rng)
	path := *outFile
	if path == "" {
		path = filepath.Join(*runPath, "sampled.png")
	}
	plot := viz.Scatter{Box: viz.Box(r.box), Sets: []viz.PointSet{viz.SamplePoints(samples)}}
	if err := viz.SavePNG(path, plot.Render()); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d samples to %s\n", *n, path)
	return nil
}
