package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gibbsml/gibbs/attention"
)

// transformerFlags are the flags of 'gibbs train transformer' bound to c.
type transformerFlags struct {
	fs  *flag.FlagSet
	run runFlags
}

func bindTransformer(c *attention.Config) transformerFlags {
	fs := flag.NewFlagSet("train transformer", flag.ContinueOnError)
	fs.StringVar(&c.Task, "task", c.Task, "sequence task: "+strings.Join(attention.Tasks, ", ")+" (text has defaults of its own: attention.TextConfig)")
	fs.StringVar(&c.Text, "text", c.Text, "text file of the text task (default: the Go specification, $(go env GOROOT)/doc/go_spec.html)")
	fs.IntVar(&c.Length, "length", c.Length, "tokens per sequence (addition: digits per number; text: characters of context)")
	fs.IntVar(&c.Vocab, "vocab", c.Vocab, "vocabulary size (tokens 0..vocab-1; text: the file's characters)")
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
	return transformerFlags{fs: fs, run: bindRun(fs, attention.Kind, "config, metrics, checkpoint, attention.png, accuracy.png; text: sample.txt", "steps")}
}

// trainTransformerCommand is 'gibbs train transformer': a transformer
// learns a sequence task.
func trainTransformerCommand(ctx context.Context, args []string, out io.Writer) error {
	const synopsis = "gibbs train transformer [--task reverse|copy|sort|addition|text] [flags]"
	c := attention.DefaultConfig()
	f := bindTransformer(&c)
	if err := parseFlags(f.fs, args, out, synopsis); err != nil {
		return err
	}
	if c.Task == "text" {
		// The text task starts from its own defaults; the flags given
		// apply over them.
		c = attention.TextConfig()
		f = bindTransformer(&c)
		if err := parseFlags(f.fs, args, out, synopsis); err != nil {
			return err
		}
	}
	dir, closeRun, err := f.run.open(ctx, f.fs, out, attention.Kind, &c, &c.Steps)
	if err != nil {
		return err
	}
	defer closeRun()
	res, err := attention.Train(ctx, dir, c, attention.Options{Output: f.run.output(out)})
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Task == "text" {
		fmt.Fprintf(out, "step %d: held-out %.3f bits per character, next character right %.2f%% of the time; pictures and sample.txt in %s\nsample: %s\n",
			res.Step, res.TestLoss/ln2, 100*res.TokenAccuracy, *f.run.out, res.Sample)
		return nil
	}
	fmt.Fprintf(out, "task %s, step %d: held-out accuracy %.2f%% per token, %.2f%% per sequence (test loss %.4f); pictures in %s\n",
		c.Task, res.Step, 100*res.TokenAccuracy, 100*res.SequenceAccuracy, res.TestLoss, *f.run.out)
	return nil
}

// ln2 turns nats into bits.
const ln2 = 0.6931471805599453
