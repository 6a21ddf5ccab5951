package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gibbsml/gibbs/rbm"
)

// trainRBMCommand is 'gibbs train rbm'.
func trainRBMCommand(ctx context.Context, args []string, out io.Writer) error {
	cfg := rbm.DefaultConfig()
	fs := flag.NewFlagSet("train rbm", flag.ContinueOnError)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "data set with values in [0, 1]: mnist, fashion-mnist, FILE.csv or idx:IMAGES")
	fs.StringVar(&cfg.Binarize, "binarize", cfg.Binarize, "how values become binary: sample (1 with probability x, drawn once, as Salakhutdinov & Murray 2008) or threshold (x > 0.5)")
	fs.IntVar(&cfg.Hidden, "hidden", cfg.Hidden, "hidden units")
	fs.IntVar(&cfg.K, "k", cfg.K, "Gibbs steps of the negative chains per update (CD-k, PCD-k)")
	fs.BoolVar(&cfg.Persistent, "persistent", cfg.Persistent, "persistent CD: --batch chains kept across updates (and in the checkpoint) instead of restarted at each batch")
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "training epochs (with --resume: a larger number continues a finished run)")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "samples per step")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "SGD learning rate (on the batch's mean gradient)")
	fs.Float64Var(&cfg.Momentum, "momentum", cfg.Momentum, "SGD momentum")
	fs.Float64Var(&cfg.WeightDecay, "weight-decay", cfg.WeightDecay, "SGD weight decay (L2, on every parameter)")
	fs.IntVar(&cfg.TrainSize, "train-size", cfg.TrainSize, "train on the first N training samples (0: all)")
	fs.IntVar(&cfg.AISRuns, "ais-runs", cfg.AISRuns, "annealed importance sampling runs at the end")
	fs.IntVar(&cfg.AISBetas, "ais-betas", cfg.AISBetas, "intermediate distributions of AIS (0: no log-likelihood at the end)")
	fs.IntVar(&cfg.CheckpointEvery, "checkpoint-every", cfg.CheckpointEvery, "steps between checkpoints (each epoch's end has one too)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (initialisation, data order, Gibbs sampling)")
	run := bindRun(fs, rbm.Kind, "config, metrics, checkpoint, pictures", "epochs")
	if err := parseFlags(fs, args, out, "gibbs train rbm [flags]"); err != nil {
		return err
	}
	dir, closeRun, err := run.open(ctx, fs, out, rbm.Kind, &cfg, &cfg.Epochs)
	if err != nil {
		return err
	}
	defer closeRun()
	res, err := rbm.Train(ctx, dir, cfg, rbm.Options{Output: run.output(out)})
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	m := res.Eval
	s := fmt.Sprintf("epoch %v: pseudo-likelihood %.2f (train) %.2f (test), reconstruction error %.2f", m["epoch"], m["train_pl"], m["test_pl"], m["test_recon"])
	if ll, ok := m["test_ll"]; ok {
		s += fmt.Sprintf("; AIS (%v runs, %v betas) log Z %.2f (+%.2f at 3 std), log-likelihood %.2f (test) %.2f (train) nats",
			m["ais_runs"], m["ais_betas"], m["ais_log_z"], m["ais_log_z_hi"].(float64)-m["ais_log_z"].(float64), ll, m["train_ll"])
	}
	fmt.Fprintln(out, s+"; pictures in "+*run.out)
	return nil
}
