package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gibbsml/gibbs/lista"
)

// trainLISTACommand is 'gibbs train lista': it trains LISTA encoders of
// depth 1..max to imitate FISTA's sparse codes and reports how many FISTA
// iterations each depth is worth.
func trainLISTACommand(ctx context.Context, args []string, out io.Writer) error {
	c := lista.DefaultConfig()
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
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	run := bindRun(fs, lista.Kind, "config, metrics, checkpoint, lista.json, lista.png", "steps")
	if err := parseFlags(fs, args, out, "gibbs train lista [flags]"); err != nil {
		return err
	}
	dir, closeRun, err := run.open(ctx, fs, out, lista.Kind, &c, &c.Steps)
	if err != nil {
		return err
	}
	defer closeRun()
	if !*run.resume {
		fmt.Fprintf(out, "training LISTA encoders of depth 1..%d on %d signals (dy %d, dz %d)\n", c.MaxDepth, c.Train, c.Dy, c.Dz)
	}
	res, err := lista.Train(ctx, dir, c, run.output(out))
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "relative code error on %d test signals (optimum: FISTA after %d iterations)\n", c.Test, c.TargetIters)
	fmt.Fprintln(out, "depth  ISTA     FISTA    LISTA    FISTA iterations as good as LISTA")
	for _, p := range res.Points {
		fmt.Fprintf(out, "%-5d  %.4f   %.4f   %.4f   %d\n", p.Depth, p.ISTA, p.FISTA, p.LISTA, p.FISTAEquiv)
	}
	fmt.Fprintf(out, "FISTA after %d iterations: %.4f; smallest LISTA depth as good: %d (0: none up to %d)\n",
		res.FISTAIters, res.FISTAError, res.Match, c.MaxDepth)
	fmt.Fprintf(out, "wrote %s (code error by depth) and %s\n", dir.File("lista.png"), dir.File("lista.json"))
	return nil
}
