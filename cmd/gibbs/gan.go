package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gibbsml/gibbs/gan"
)

// bindGAN registers the flags of a gan config on fs.
func bindGAN(c *gan.Config, fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "data set: a toy (ring8, grid25, pacring8, pacgrid25, ...), mnist, fashion-mnist, FILE.csv or idx:IMAGES")
	fs.StringVar(&c.Loss, "loss", c.Loss, "objective: "+strings.Join(gan.Losses, ", "))
	fs.StringVar(&c.Arch, "arch", c.Arch, "networks: mlp, or dcgan (convolutional, for images; the default for images)")
	fs.IntVar(&c.Latent, "latent", c.Latent, "size of the noise z")
	widthsFlag(fs, "g-hidden", "generator's hidden widths (mlp), comma-separated (default 128,128,128)", &c.GHidden)
	widthsFlag(fs, "d-hidden", "discriminator's hidden widths (mlp, and EBGAN's mlp autoencoder), comma-separated (default 128,128,128)", &c.DHidden)
	fs.Func("channels", "channels of the two stride-2 layers of the dcgan nets, as C1,C2 (default 64,128)", func(s string) error {
		var ws []int
		if err := parseWidths(s, &ws); err != nil || len(ws) != 2 {
			return fmt.Errorf("want two positive channel counts like 64,128")
		}
		c.Channels = [2]int{ws[0], ws[1]}
		return nil
	})
	fs.BoolVar(&c.GBatchNorm, "g-batchnorm", c.GBatchNorm, "BatchNorm in the mlp generator's hidden layers")
	fs.IntVar(&c.DMaxout, "d-maxout", c.DMaxout, "maxout pieces of the mlp discriminator's hidden units, in place of LeakyReLU (0: none; PacGAN uses 5)")
	fs.StringVar(&c.Init, "init", c.Init, "initialisation of the mlp nets: pytorch (its defaults), or normal (weights from N(0, 0.02), zero biases)")
	fs.IntVar(&c.Code, "code", c.Code, "ebgan: code size of the autoencoder discriminator")
	fs.IntVar(&c.Pack, "pack", c.Pack, "PacGAN packing: samples the discriminator judges at once (1: none)")
	fs.BoolVar(&c.SpectralNorm, "spectral-norm", c.SpectralNorm, "spectral normalisation of the discriminator's Linear and convolution layers (not ebgan)")
	fs.IntVar(&c.NCritic, "n-critic", c.NCritic, "discriminator steps per generator step")
	fs.IntVar(&c.Batch, "batch", c.Batch, "rows the discriminator judges per step, real and generated each (--pack samples a row)")
	fs.IntVar(&c.Steps, "steps", c.Steps, "generator steps (with --resume: a larger number continues a finished run)")
	fs.Float64Var(&c.LRG, "lr-g", c.LRG, "generator's Adam learning rate")
	fs.Float64Var(&c.LRD, "lr-d", c.LRD, "discriminator's Adam learning rate")
	fs.StringVar(&c.LRSchedule, "lr-schedule", c.LRSchedule, "learning rate schedule of both: constant, or cosine (decay to 0 over --steps)")
	fs.Float64Var(&c.BetasG[0], "beta1-g", c.BetasG[0], "generator's Adam beta1")
	fs.Float64Var(&c.BetasG[1], "beta2-g", c.BetasG[1], "generator's Adam beta2")
	fs.Float64Var(&c.BetasD[0], "beta1-d", c.BetasD[0], "discriminator's Adam beta1")
	fs.Float64Var(&c.BetasD[1], "beta2-d", c.BetasD[1], "discriminator's Adam beta2")
	fs.Float64Var(&c.Penalty, "penalty", c.Penalty, "weight of the gradient penalty: lambda of wgan-gp, gamma of r1")
	fs.Float64Var(&c.Margin, "margin", c.Margin, "ebgan: margin m on the energy of generated samples")
	fs.Float64Var(&c.PullAway, "pull-away", c.PullAway, "ebgan: weight of the pulling-away term (0: none)")
	fs.Float64Var(&c.EMA, "ema", c.EMA, "decay of the moving average of the generator's weights that samples come from (0: none)")
	fs.IntVar(&c.TrainSize, "train-size", c.TrainSize, "train on the first N training samples (0: all)")
	fs.IntVar(&c.EvalEvery, "eval-every", c.EvalEvery, "steps between evaluations (mode coverage) and pictures")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (initialisation, noise, batches)")
}

// trainGANCommand is 'gibbs train gan'.
func trainGANCommand(ctx context.Context, args []string, out io.Writer) error {
	cfg := gan.DefaultConfig()
	fs := flag.NewFlagSet("train gan", flag.ContinueOnError)
	bindGAN(&cfg, fs)
	run := bindRun(fs, gan.Kind, "config, metrics, checkpoint, pictures", "steps")
	if err := parseFlags(fs, args, out, "gibbs train gan [flags]"); err != nil {
		return err
	}
	dir, closeRun, err := run.open(ctx, fs, out, gan.Kind, &cfg, &cfg.Steps)
	if err != nil {
		return err
	}
	defer closeRun()
	res, err := gan.Train(ctx, dir, cfg, gan.Options{Output: run.output(out)})
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	s := fmt.Sprintf("step %d", res.Step)
	if m := res.Modes; m.Modes > 0 {
		s += fmt.Sprintf(": modes covered %d/%d, high-quality samples %.1f%%, reverse KL to uniform %.3f nats", m.Covered, m.Modes, 100*m.HighQuality, m.ReverseKL)
	}
	if fd, ok := res.Eval["classifier_fd"].(float64); ok {
		s += fmt.Sprintf(": classes covered %v/%v, confident samples %.1f%%, Fréchet distance in the classifier's features %.3f",
			res.Eval["classes_covered"], res.Eval["classes"], 100*res.Eval["class_confident"].(float64), fd)
	}
	fmt.Fprintln(out, s+"; pictures in "+*run.out)
	return nil
}
