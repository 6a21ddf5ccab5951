package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/train"
)

// bindCommon registers the flags every autoencoder kind shares.
func bindCommon(c *ae.Common, fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "data set: mnist or a toy (moons, ring8, ...)")
	fs.StringVar(&c.Arch, "arch", c.Arch, "encoder and decoder: mlp, or conv (stride-2 convolutions, for images)")
	widthsFlag(fs, "hidden", "hidden widths (mlp) or channels of the stride-2 layers (conv), comma-separated (default 400 for mlp, 32,64 for conv)", &c.Hidden)
	fs.IntVar(&c.Latent, "latent", c.Latent, "code (latent) size")
	fs.StringVar(&c.Activation, "activation", c.Activation, "activation: "+strings.Join(ae.Activations, ", "))
	fs.StringVar(&c.Likelihood, "likelihood", c.Likelihood, "decoder likelihood: bernoulli (BCE summed) or gaussian (default: bernoulli for data in [0, 1], else gaussian)")
	fs.Float64Var(&c.Sigma, "sigma", c.Sigma, "standard deviation of the gaussian likelihood")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "training epochs (with --resume: a larger number continues a finished run)")
	fs.IntVar(&c.Batch, "batch", c.Batch, "samples per step")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate")
	fs.Func("class", "train on the training samples of this label only (one-class training; the test set stays whole)", func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("want a label like 3")
		}
		c.Class = &n
		return nil
	})
	fs.IntVar(&c.TrainSize, "train-size", c.TrainSize, "train on the first N training samples (0: all)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints (each epoch's end has one too)")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (initialisation, data order, noise)")
}

// trainAECommand is 'gibbs train ae'.
func trainAECommand(ctx context.Context, args []string, out io.Writer) error {
	cfg := ae.DefaultAEConfig()
	fs := flag.NewFlagSet("train ae", flag.ContinueOnError)
	bindCommon(&cfg.Common, fs)
	fs.StringVar(&cfg.Variant, "variant", cfg.Variant, "objective: "+strings.Join(ae.Variants, ", "))
	fs.StringVar(&cfg.Code, "code", cfg.Code, "code activation: linear, relu or sigmoid (default: sigmoid for --sparsity kl, else linear)")
	fs.StringVar(&cfg.Noise, "noise", cfg.Noise, "denoising: corruption, gaussian or masking")
	fs.Float64Var(&cfg.NoiseLevel, "noise-level", cfg.NoiseLevel, "denoising: noise standard deviation (gaussian) or share of masked values (masking)")
	fs.StringVar(&cfg.Sparsity, "sparsity", cfg.Sparsity, "sparse: penalty, l1 (on the code) or kl (of the units' mean activation from --sparsity-target)")
	fs.Float64Var(&cfg.SparsityWeight, "sparsity-weight", cfg.SparsityWeight, "sparse: weight of the penalty")
	fs.Float64Var(&cfg.SparsityTarget, "sparsity-target", cfg.SparsityTarget, "sparse kl: target activation rate")
	fs.Float64Var(&cfg.ContractiveWeight, "contractive-weight", cfg.ContractiveWeight, "contractive: weight of the squared Frobenius norm of the encoder's Jacobian")
	return trainAutoencoder(ctx, fs, args, out, ae.KindAE, &cfg, &cfg.Common, func(ctx context.Context, dir *train.Dir, o train.Output) (ae.Result, error) {
		return ae.TrainAE(ctx, dir, cfg, ae.Options{Output: o})
	})
}

// trainVAECommand is 'gibbs train vae'.
func trainVAECommand(ctx context.Context, args []string, out io.Writer) error {
	cfg := ae.DefaultVAEConfig()
	fs := flag.NewFlagSet("train vae", flag.ContinueOnError)
	bindCommon(&cfg.Common, fs)
	fs.Float64Var(&cfg.Beta, "beta", cfg.Beta, "weight of the KL term (1: the ELBO; other values: beta-VAE)")
	fs.IntVar(&cfg.WarmupEpochs, "warmup", cfg.WarmupEpochs, "epochs of linear KL warm-up from 0 to --beta (0: none)")
	fs.IntVar(&cfg.IWAEK, "iwae-k", cfg.IWAEK, "importance samples of the IWAE test log-likelihood at the end (0: none)")
	fs.IntVar(&cfg.IWAESize, "iwae-n", cfg.IWAESize, "test samples the IWAE bound is computed on (0: all)")
	return trainAutoencoder(ctx, fs, args, out, ae.KindVAE, &cfg, &cfg.Common, func(ctx context.Context, dir *train.Dir, o train.Output) (ae.Result, error) {
		return ae.TrainVAE(ctx, dir, cfg, ae.Options{Output: o})
	})
}

// trainAutoencoder parses the flags of a kind, reads a resumed run's
// config into cfg (whose Common part is common), trains and prints the
// last evaluation.
func trainAutoencoder(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer, kind string, cfg interface{ Validate() error }, common *ae.Common,
	trainFn func(context.Context, *train.Dir, train.Output) (ae.Result, error)) error {
	run := bindRun(fs, kind, "config, metrics, checkpoint, pictures", "epochs")
	if err := parseFlags(fs, args, out, "gibbs train "+kind+" [flags]"); err != nil {
		return err
	}
	if !*run.resume && common.Hidden == nil {
		common.Hidden = ae.DefaultHidden(common.Arch)
	}
	dir, closeRun, err := run.open(ctx, fs, out, kind, cfg, &common.Epochs)
	if err != nil {
		return err
	}
	defer closeRun()
	res, err := trainFn(ctx, dir, run.output(out))
	var fin *train.FinishedError
	if errors.As(err, &fin) {
		fmt.Fprintf(out, "the run in %s is finished (%d epochs); nothing changed (a larger --epochs continues it)\n", fin.Dir, common.Epochs)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, summary(kind, res.Eval, *run.out))
	return nil
}

// summary is the line printed at the end of a run.
func summary(kind string, m train.Metrics, outDir string) string {
	s := fmt.Sprintf("epoch %v: train loss %.4f, test loss %.4f per sample", m["epoch"], m["train_loss"], m["test_loss"])
	if kind == ae.KindAE {
		s += fmt.Sprintf(" (reconstruction energy %.4f)", m["test_energy"])
	}
	if kind == ae.KindVAE {
		s += fmt.Sprintf(" (reconstruction %.4f, KL %.4f), %v active units", m["test_recon"], m["test_kl"], m["active_units"])
		if iwae, ok := m["test_iwae"]; ok {
			s += fmt.Sprintf(", IWAE (k=%v, %v test samples) log-likelihood %.4f", m["iwae_k"], m["iwae_samples"], iwae)
		}
	}
	return s + "; pictures in " + outDir
}
