package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gibbsml/gibbs/attention"
)

// trainTransformerCommand is 'gibbs train transformer': a transformer
// learns an algorithmic sequence task.
func trainTransformerCommand(ctx context.Context, args []string, out io.Writer) error {
	c := attention.DefaultConfig()
	fs := flag.NewFlagSet("train transformer", flag.ContinueOnError)
	fs.StringVar(&c.Task, "task", c.Task, "sequence task: "+strings.Join(attention.Tasks, ", "))
	fs.IntVar(&c.Length, "length", c.Length, "tokens per sequence (addition: digits per number)")
	fs.IntVar(&c.Vocab, "vocab", c.Vocab, "vocabulary size (tokens 0..vocab-1)")
	fs.IntVar(&c.DModel, "d-model", c.DModel, "model width")
	fs.IntVar(&c.Heads, "heads", c.Heads, "attention heads per layer")
	fs.IntVar(&c.Layers, "layers", c.Layers, "encoder layers (and decoder layers for addition)")
	fs.IntVar(&c.FF, "ff", c.FF, "hidden size of the feed-forward blocks")
	fs.BoolVar(&c.NormFirst, "norm-first", c.NormFirst, "pre-norm layers (LayerNorm before each block)")
	fs.IntVar(&c.Steps, "steps", c.Steps, "training steps (with --resume: a larger number continues a finished run)")
	fs.IntVar(&c.Batch, "batch", c.Batch, "sequences per step")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate after warm-up (cosine decay to 0)")
	fs.IntVar(&c.Warmup, "warmup", c.Warmup, "steps of linear learning rate warm-up")
	fs.IntVar(&c.EvalEvery, "eval-every", c.EvalEvery, "steps between evaluations and pictures")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints")
	fs.IntVar(&c.TestSize, "test-size", c.TestSize, "held-out sequences per evaluation")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (data, initialisation)")
	outDir := fs.String("out", "runs/transformer", "run folder (config, metrics, checkpoint, attention.png, accuracy.png)")
	resume := fs.Bool("resume", false, "continue the run in --out from its checkpoint (a larger --steps continues a finished run)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args, out, "gibbs train transformer [--task reverse|copy|sort|addition] [flags]"); err != nil {
		return err
	}
	if *resume {
		if err := readResumedConfig(fs, *outDir, attention.Kind, &c, &c.Steps); err != nil {
			return err
		}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	dir, err := openRunDir(*outDir, *resume)
	if err != nil {
		return err
	}
	defer dir.Close()
	res, err := attention.Train(ctx, dir, c, attention.Options{Output: progressOut(out, *quiet)})
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "task %s, step %d: held-out accuracy %.2f%% per token, %.2f%% per sequence (test loss %.4f); pictures in %s\n",
		c.Task, res.Step, 100*res.TokenAccuracy, 100*res.SequenceAccuracy, res.TestLoss, *outDir)
	return nil
}
