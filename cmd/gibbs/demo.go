package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// runDemo is 'gibbs demo': a short replay-buffer Langevin run on a 2-D toy
// set that writes energy.png and samples.png.
func runDemo(args []string, out io.Writer) error {
	cfg := defaultEBMConfig()
	cfg.Steps, cfg.EvalEvery, cfg.CheckpointEvery = 1000, 1000, 1000
	// Two hidden layers separate ring8's wells in 1000 steps (about ten
	// seconds); the third layer of the full recipe pays off on grid25.
	cfg.Hidden = []int{128, 128}
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "toy dataset")
	fs.IntVar(&cfg.Steps, "steps", cfg.Steps, "training steps")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	outDir := fs.String("out", "runs/demo", "output folder (replaced if it holds an earlier demo)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args, out, "gibbs demo [--data ring8] [--steps 1000] [--out runs/demo]"); err != nil {
		return err
	}
	cfg.EvalEvery, cfg.CheckpointEvery = cfg.Steps, cfg.Steps
	if err := cfg.validate(); err != nil {
		return err
	}
	// A demo starts afresh each time: an earlier demo's checkpoint goes.
	if err := os.Remove(filepath.Join(*outDir, "checkpoint.safetensors")); err != nil && !os.IsNotExist(err) {
		return err
	}
	os.Remove(filepath.Join(*outDir, "metrics.jsonl"))
	fmt.Fprintf(out, "training an energy model on %s for %d steps (replay-buffer Langevin, NLL loss)\n", cfg.Data, cfg.Steps)
	_, err := trainEBM(context.Background(), cfg, *outDir, false, progressOut(out, *quiet))
	if err == nil {
		fmt.Fprintf(out, "wrote %s and %s\n", filepath.Join(*outDir, "energy.png"), filepath.Join(*outDir, "samples.png"))
	}
	return err
}
