package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// runSample is 'gibbs sample': samples of a trained run of any kind that
// can draw them, as a PNG.
func runSample(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sample", flag.ContinueOnError)
	runPath := fs.String("run", "", "run folder of a trained model (required)")
	n := fs.Int("n", 1000, "number of samples")
	steps := fs.Int("steps", 200, "sampler steps (Langevin steps from uniform noise; 0: the model's default)")
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
	m, err := train.Open(*runPath)
	if err != nil {
		return err
	}
	sampler, canSample := m.(train.Sampler)
	plotter, canPlot := m.(train.Plotter)
	if !canSample || !canPlot {
		return usagef("%s holds a run of kind %s, which cannot draw samples", *runPath, m.Kind())
	}
	samples := sampler.Sample(*n, *steps, tensor.NewRNG(*seed))
	path := *outFile
	if path == "" {
		path = filepath.Join(*runPath, "sampled.png")
	}
	if err := viz.SavePNG(path, plotter.Plot(samples)); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d samples to %s\n", *n, path)
	return nil
}
