package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gibbsml/gibbs/ebm/imgebm"
	"github.com/gibbsml/gibbs/gan"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// bindImageEnergy registers the flags of an image energy or JEM config.
func bindImageEnergy(c *imgebm.Config, fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "image data set: mnist, fashion-mnist or idx:IMAGES[,LABELS]")
	fs.IntVar(&c.Steps, "steps", c.Steps, "training steps (with --resume: a larger number continues a finished run)")
	fs.IntVar(&c.Batch, "batch", c.Batch, "data images and negatives per step")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate (beta1 0, beta2 0.999)")
	widthsFlag(fs, "channels", "output channels of the 3x3 stride-2 convolutions, comma-separated (default 32,64)", &c.Channels)
	fs.IntVar(&c.Hidden, "hidden", c.Hidden, "width of a fully connected layer after the convolutions (0: none)")
	fs.IntVar(&c.LangevinSteps, "langevin-steps", c.LangevinSteps, "Langevin steps per batch of negatives")
	fs.Float64Var(&c.StepSize, "step-size", c.StepSize, "Langevin step size")
	fs.Float64Var(&c.Noise, "noise", c.Noise, "Langevin noise scale")
	fs.Float64Var(&c.ClipGrad, "clip-grad", c.ClipGrad, "clip Langevin gradients to [-v, v] (0: off)")
	fs.IntVar(&c.BufferSize, "buffer", c.BufferSize, "replay buffer size (chains)")
	fs.Float64Var(&c.Reinit, "reinit", c.Reinit, "share of buffer chains restarted from uniform noise per draw")
	fs.Float64Var(&c.Alpha, "alpha", c.Alpha, "weight of the penalty on the squared energies")
	fs.Float64Var(&c.DataNoise, "data-noise", c.DataNoise, "standard deviation of Gaussian noise added to the data images")
	fs.IntVar(&c.SampleSteps, "sample-steps", c.SampleSteps, "Langevin steps of the chains from noise in the pictures")
	fs.IntVar(&c.TrainSize, "train-size", c.TrainSize, "train on the first N training images (0: all)")
	fs.IntVar(&c.EvalEvery, "eval-every", c.EvalEvery, "steps between evaluations and pictures")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints")
	fs.Float64Var(&c.MaxEnergy, "max-energy", c.MaxEnergy, "stop as diverged when |E| exceeds this (0: only NaN)")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (data order, initialisation, sampling)")
}

// trainImageEnergyCommand is 'gibbs train ebm --data mnist': the image
// energy.
func trainImageEnergyCommand(ctx context.Context, args []string, out io.Writer) error {
	return trainImageKind(ctx, args, out, "ebm", imgebm.Kind, imgebm.DefaultConfig(), imgebm.Train)
}

// trainImageKind parses the flags of an image energy kind, trains it and
// prints the last evaluation; mnist runs measure their samples with the
// MNIST classifier (package gan) unless --classifier=false.
func trainImageKind(ctx context.Context, args []string, out io.Writer, command, kind string, cfg imgebm.Config,
	trainFn func(context.Context, *train.Dir, imgebm.Config, imgebm.Options) (imgebm.Result, error)) error {
	fs := flag.NewFlagSet("train "+command, flag.ContinueOnError)
	bindImageEnergy(&cfg, fs)
	classify := fs.Bool("classifier", true, "mnist: report the classes of the samples by an MNIST classifier (trained once into the cache folder)")
	run := bindRun(fs, kind, "config, metrics, checkpoint, pictures", "steps")
	if err := parseFlags(fs, args, out, "gibbs train "+command+" --data mnist [flags]"); err != nil {
		return err
	}
	dir, closeRun, err := run.open(ctx, fs, out, kind, &cfg, &cfg.Steps)
	if err != nil {
		return err
	}
	defer closeRun()
	opts := imgebm.Options{Output: run.output(out)}
	if *classify && cfg.Data == "mnist" {
		c, err := gan.MNISTClassifier(ctx)
		if err != nil {
			return err
		}
		opts.Classify = func(x *tensor.Tensor) *tensor.Tensor { return c.Probs(x) }
	}
	res, err := trainFn(ctx, dir, cfg, opts)
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, imageResultLine(res)+"; pictures in "+*run.out)
	return nil
}

// imageResultLine says what the last evaluation measured.
func imageResultLine(res imgebm.Result) string {
	e := res.Eval
	s := fmt.Sprintf("step %d: mean energy of test images %.3f, of replay-buffer chains %.3f, of chains from noise %.3f",
		res.Step, e["e_test"], e["e_buffer"], e["e_fresh"])
	if acc, ok := e["test_accuracy"]; ok {
		s += fmt.Sprintf("; test accuracy %.2f%%", 100*acc.(float64))
	}
	for _, src := range []string{"buffer", "fresh"} {
		if n, ok := e["classes_covered_"+src]; ok {
			s += fmt.Sprintf("; %s samples: %v of %v classes, %.0f%% confidently classified, per class %v",
				map[string]string{"buffer": "buffer", "fresh": "from-noise"}[src], n, e["classes"], 100*e["class_confident_"+src].(float64), e["class_counts_"+src])
		}
	}
	return s
}
