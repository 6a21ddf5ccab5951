package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/ebm"
	"github.com/gibbsml/gibbs/train"
)

// runDemo is 'gibbs demo': a short replay-buffer Langevin run on a 2-D toy
// set that writes energy.png and samples.png. It replaces an earlier demo
// in its folder, and refuses a folder that holds any other run.
func runDemo(ctx context.Context, args []string, out io.Writer) error {
	cfg := ebm.DemoConfig()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "toy dataset")
	fs.IntVar(&cfg.Steps, "steps", cfg.Steps, "training steps")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	outDir := fs.String("out", "runs/demo", "output folder (replaced if it holds an earlier demo; any other run is kept)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	synopsis := "gibbs demo [--data ring8] [--steps 1000] [--out runs/demo]\n\n" + demoNetwork(cfg) + "\n"
	if err := parseFlags(fs, args, out, synopsis); err != nil {
		return err
	}
	cfg.EvalEvery, cfg.CheckpointEvery = max(cfg.Steps/4, 1), cfg.Steps
	if err := cfg.Validate(); err != nil {
		return err
	}
	dir, err := train.OpenDir(*outDir)
	if err != nil {
		return err
	}
	defer dir.Close()
	h, err := train.ReadHeader(*outDir)
	switch {
	case err == nil && !h.Demo:
		return usagef("%s holds a run of kind %s that is not a demo; choose another --out", *outDir, h.Kind)
	case errors.Is(err, train.ErrNoRun) && dir.HasCheckpoint():
		return usagef("%s holds a checkpoint without a config.json; choose another --out", *outDir)
	case err != nil && !errors.Is(err, train.ErrNoRun):
		return err
	}
	// A demo starts afresh each time: an earlier demo's checkpoint goes.
	if err := dir.Reset(); err != nil {
		return err
	}
	fmt.Fprintf(out, "training an energy model on %s for %d steps (%s)\n%s\n", cfg.Data, cfg.Steps, cfg.Objective(), demoNetwork(cfg))
	if _, err := ebm.Train(ctx, dir, cfg, ebm.Options{Output: progressOut(out, *quiet), Demo: true}); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s, %s and %s\n", dir.File("energy.png"), dir.File("samples.png"), dir.File("loss.png"))
	return nil
}

// demoNetwork says how the demo's network differs from that of 'gibbs
// train ebm', so that the two are not taken for the same recipe.
func demoNetwork(demo ebm.Config) string {
	full := ebm.DefaultConfig()
	return fmt.Sprintf("The demo's network is an MLP with hidden layers %s (%s), which learns ring8 in seconds;\n"+
		"'gibbs train ebm' defaults to %s and %d steps (on grid25 with quadratic input features: docs/ENERGY.md).",
		widths(demo.Hidden), demo.Activation, widths(full.Hidden), full.Steps)
}

// widths writes layer widths as 128,128.
func widths(ws []int) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = strconv.Itoa(w)
	}
	return strings.Join(s, ",")
}
