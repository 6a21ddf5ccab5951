package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gibbsml/gibbs/ebm/label"
	"github.com/gibbsml/gibbs/train"
)

// ebmArgs are the arguments by which 'gibbs train ebm' chooses the kind
// of run it trains, read before its flags are parsed.
type ebmArgs struct {
	target, data, out  string
	hasTarget, hasData bool
	resume             bool
}

// scanEBMArgs reads --target, --data, --out and --resume from args, in
// the forms the flag package takes (-name or --name, with =value or the
// next argument as the value).
func scanEBMArgs(args []string) ebmArgs {
	var a ebmArgs
	for i, arg := range args {
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		switch name {
		case "target":
			a.target, a.hasTarget = value, true
		case "data":
			a.data, a.hasData = value, true
		case "resume":
			a.resume = !hasValue || value == "true"
		case "out":
			a.out = value
		}
	}
	return a
}

// resumedKind returns the kind of the run that --resume continues in
// --out, or "" when there is none.
func (a ebmArgs) resumedKind() string {
	if !a.resume || a.out == "" {
		return ""
	}
	h, err := train.ReadHeader(a.out)
	if err != nil {
		return ""
	}
	return h.Kind
}

// withoutTarget returns args without --target label, which chose the
// command and is no setting of the run.
func withoutTarget(args []string) []string {
	var rest []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--target=label", "-target=label":
			continue
		case "--target", "-target":
			if i+1 < len(args) && args[i+1] == "label" {
				i++
				continue
			}
		}
		rest = append(rest, args[i])
	}
	return rest
}

// trainEBMLabelCommand is 'gibbs train ebm --target label' (also 'gibbs
// train ebm-label'): an energy F(x, y) of a sample and its label.
func trainEBMLabelCommand(ctx context.Context, args []string, out io.Writer) error {
	cfg := label.DefaultConfig()
	var hidden []int
	fs := flag.NewFlagSet("train ebm --target label", flag.ContinueOnError)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "labelled training set: mnist, fashion-mnist, a .csv file with a column named label, or idx:IMAGES,LABELS")
	fs.StringVar(&cfg.TestData, "test-data", cfg.TestData, "labelled test set (default: the test split of --data; a CSV file is its own test set)")
	fs.StringVar(&cfg.Loss, "loss", cfg.Loss, "loss of LeCun et al.'s table with the most offending incorrect answer: "+strings.Join(label.Losses(), ", "))
	fs.StringVar(&cfg.Arch, "arch", cfg.Arch, "trunk: mlp, or conv (stride-2 convolutions, for images)")
	widthsFlag(fs, "hidden", "hidden widths (mlp) or channels of the stride-2 layers (conv), comma-separated (default 256,128 for mlp, 32,64 for conv)", &hidden)
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "training epochs (with --resume: a larger number continues a finished run)")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "samples per step")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam learning rate")
	fs.Float64Var(&cfg.Margin, "margin", cfg.Margin, "margin m of the hinge and square-square losses")
	fs.Float64Var(&cfg.Beta, "beta", cfg.Beta, "inverse temperature of the nll and mee losses")
	fs.Float64Var(&cfg.Gamma, "gamma", cfg.Gamma, "weight gamma of the square-exp loss")
	fs.Float64Var(&cfg.Delta, "delta", cfg.Delta, "delta of the lvq2 loss")
	fs.Float64Var(&cfg.Alpha, "alpha", cfg.Alpha, "energy magnitude penalty of the contrastive loss")
	fs.IntVar(&cfg.TrainSize, "train-size", cfg.TrainSize, "train on the first N training samples (0: all)")
	fs.IntVar(&cfg.CheckpointEvery, "checkpoint-every", cfg.CheckpointEvery, "steps between checkpoints")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (initialisation, data order)")
	run := bindRun(fs, label.Kind, "config, metrics, checkpoint, pictures", "epochs")
	if err := parseFlags(fs, withoutTarget(args), out, "gibbs train ebm --target label [flags]"); err != nil {
		return err
	}
	switch {
	case hidden != nil:
		cfg.Hidden = hidden
	case !*run.resume:
		cfg.Hidden = label.DefaultHidden(cfg.Arch)
	}
	dir, closeRun, err := run.open(ctx, fs, out, label.Kind, &cfg, &cfg.Epochs)
	if err != nil {
		return err
	}
	defer closeRun()
	res, err := label.Train(ctx, dir, cfg, label.Options{Output: run.output(out)})
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	m := res.Eval
	fmt.Fprintf(out, "epoch %v: test accuracy %.2f%%, mean energy margin %.4f (most offending - correct), train loss %.4f, test loss %.4f; pictures in %s\n",
		m["epoch"], 100*m["test_accuracy"].(float64), m["test_margin"], m["train_loss"], m["test_loss"], *run.out)
	return nil
}
