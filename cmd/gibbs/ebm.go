package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/ebm"
	"github.com/gibbsml/gibbs/ebm/imgebm"
	"github.com/gibbsml/gibbs/ebm/label"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/train"
)

// bindEBM registers the flags of an ebm config on fs.
func bindEBM(c *ebm.Config, fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "toy dataset: "+strings.Join(data.ToyNames(), ", ")+" (mnist, fashion-mnist or idx: train an image energy; with --target label, a label energy)")
	fs.StringVar(&c.Loss, "loss", c.Loss, "contrastive loss ("+strings.Join(energy.LossNames(), ", ")+") or score matching (dsm, ssm)")
	fs.StringVar(&c.Sampler, "sampler", c.Sampler, "negative sampler: "+strings.Join(ebm.Samplers, ", "))
	fs.IntVar(&c.Steps, "steps", c.Steps, "training steps (with --resume: a larger number continues a finished run)")
	fs.IntVar(&c.Batch, "batch", c.Batch, "data points (and negatives) per step")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate")
	fs.Float64Var(&c.WeightDecay, "weight-decay", c.WeightDecay, "decoupled weight decay (AdamW): each step shrinks the weights by lr times this (0: Adam)")
	fs.StringVar(&c.LRSchedule, "lr-schedule", c.LRSchedule, "learning rate schedule: cosine (decay to 0 over --steps; a resume that raises --steps stretches it), cosine-tail (to --lr/10 over the first two thirds of --steps, then to 0) or constant")
	widthsFlag(fs, "hidden", "hidden layer widths, comma-separated (default 128,128,128)", &c.Hidden)
	fs.StringVar(&c.Activation, "activation", c.Activation, "activation: "+strings.Join(ebm.Activations, ", "))
	fs.StringVar(&c.Features, "features", c.Features, "what the network reads: "+strings.Join(ebm.FeatureSets, " or ")+" (quadratic: x, y and --feature-scale times x^2, y^2, xy)")
	fs.Float64Var(&c.FeatureScale, "feature-scale", c.FeatureScale, "the factor of the quadratic features")
	fs.IntVar(&c.LangevinSteps, "langevin-steps", c.LangevinSteps, "Langevin steps per batch (HMC iterations; under score matching, steps per noise level of the annealed Langevin sampler)")
	fs.Float64Var(&c.StepSize, "step-size", c.StepSize, "Langevin step size (HMC leapfrog step; under score matching, the annealed step at the smallest noise level)")
	fs.Float64Var(&c.Noise, "noise", c.Noise, "Langevin noise scale (sqrt(2*step-size) samples exp(-E) exactly)")
	fs.Float64Var(&c.ClipGrad, "clip-grad", c.ClipGrad, "clip Langevin gradients to [-v, v] (0: off)")
	fs.IntVar(&c.BufferSize, "buffer", c.BufferSize, "replay buffer size")
	fs.Float64Var(&c.Reinit, "reinit", c.Reinit, "replay buffer re-initialisation rate")
	fs.Float64Var(&c.JumpWidth, "jump-width", c.JumpWidth, "replay: width of the Metropolis-Hastings jumps proposed near the data (0: no jumps)")
	fs.Float64Var(&c.JumpUniform, "jump-uniform", c.JumpUniform, "replay: share of jump proposals drawn uniformly from the box")
	fs.IntVar(&c.Leapfrog, "leapfrog", c.Leapfrog, "HMC leapfrog steps per iteration")
	fs.Float64Var(&c.HMCTarget, "hmc-target", c.HMCTarget, "HMC: acceptance probability the step size is adapted to (dual averaging, Hoffman & Gelman 2014)")
	fs.IntVar(&c.HMCWarmUp, "hmc-warmup", c.HMCWarmUp, "HMC: training steps during which the step size adapts, from --step-size; then it stays (0: --step-size throughout)")
	fs.Float64Var(&c.Alpha, "alpha", c.Alpha, "energy magnitude penalty of the contrastive loss")
	fs.Float64Var(&c.Beta, "beta", c.Beta, "inverse temperature of the nll and mee losses")
	fs.Float64Var(&c.Sigma, "sigma", c.Sigma, "score matching: smallest noise level, at which the model's density is read")
	fs.Float64Var(&c.SigmaMax, "sigma-max", c.SigmaMax, "score matching: largest noise level (one that merges the modes)")
	fs.IntVar(&c.Levels, "levels", c.Levels, "score matching: noise levels, in geometric progression from --sigma-max to --sigma")
	fs.IntVar(&c.TrainSize, "train-size", c.TrainSize, "number of training points drawn from the dataset")
	fs.IntVar(&c.EvalEvery, "eval-every", c.EvalEvery, "steps between evaluations and pictures")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints")
	fs.Float64Var(&c.MaxEnergy, "max-energy", c.MaxEnergy, "stop as diverged when |E| exceeds this (0: only NaN)")
	fs.Float64Var(&c.EMA, "ema", c.EMA, "decay of the moving average of the energy network's weights that evaluations, pictures and the saved model use (0: none)")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (data, initialisation, sampling)")
}

// widthsFlag defines a flag of comma-separated positive widths stored in
// dst.
func widthsFlag(fs *flag.FlagSet, name, usage string, dst *[]int) {
	fs.Func(name, usage, func(s string) error { return parseWidths(s, dst) })
}

// parseWidths reads comma-separated positive widths into dst.
func parseWidths(s string, dst *[]int) error {
	var ws []int
	for _, f := range strings.Split(s, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w <= 0 {
			return fmt.Errorf("want positive widths like 128,128")
		}
		ws = append(ws, w)
	}
	*dst = ws
	return nil
}

// ebmKind returns the kind of run the arguments of 'gibbs train ebm' ask
// for: an energy over labels for --target label, or --resume of a folder
// (--out) that holds one; the image energy when --data names an image
// data set (mnist, fashion-mnist, idx:...) and no --target is given, or
// --resume continues a run of that kind; the 2-D recipe otherwise, a
// misspelt data set included.
func ebmKind(args []string) string {
	a := scanEBMArgs(args)
	resumed := a.resumedKind()
	switch {
	case a.target == "label" || resumed == label.Kind:
		return label.Kind
	case a.hasTarget:
		return ebm.Kind
	case a.hasData:
		if a.data == "mnist" || a.data == "fashion-mnist" || strings.HasPrefix(a.data, "idx:") {
			return imgebm.Kind
		}
		return ebm.Kind
	case resumed == imgebm.Kind:
		return imgebm.Kind
	}
	return ebm.Kind
}

// trainEBMCommand is 'gibbs train ebm'. The flags' defaults are those of
// the recipe that --data, --loss and --sampler choose (ebm.Recipe); a flag that
// does not apply to it is refused.
func trainEBMCommand(ctx context.Context, args []string, out io.Writer) error {
	switch ebmKind(args) {
	case label.Kind:
		return trainEBMLabelCommand(ctx, args, out)
	case imgebm.Kind:
		return trainImageEnergyCommand(ctx, args, out)
	}
	cfg := chosenRecipe(args)
	fs := flag.NewFlagSet("train ebm", flag.ContinueOnError)
	bindEBM(&cfg, fs)
	run := bindRun(fs, ebm.Kind, "config, metrics, checkpoint, pictures", "steps")
	synopsis := "gibbs train ebm [flags]\n\nThe defaults below are those of the recipe of --data, --loss and --sampler (here " + cfg.Objective() + ");\n" +
		"each loss and sampler has its own (see docs/ENERGY.md), and config.json records what a run used."
	if err := parseFlags(fs, args, out, synopsis); err != nil {
		return err
	}
	if !*run.resume {
		if err := cfg.Validate(); err != nil { // a refused choice says why before its flags are judged
			return err
		}
		if err := refuseUnused(fs, cfg); err != nil {
			return err
		}
	}
	dir, closeRun, err := run.open(ctx, fs, out, ebm.Kind, &cfg, &cfg.Steps)
	if err != nil {
		return err
	}
	defer closeRun()
	if w := cfg.Caveat(); w != "" {
		fmt.Fprintln(out, "warning: "+w)
	}
	res, err := ebm.Train(ctx, dir, cfg, ebm.Options{Output: run.output(out)})
	if reportFinished(err, out) {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, resultLine(res)+"; pictures in "+*run.out)
	return nil
}

// chosenRecipe returns the defaults of the data set, loss and sampler
// that args choose (the default ones when they choose none).
func chosenRecipe(args []string) ebm.Config {
	c := ebm.DefaultConfig()
	fs := flag.NewFlagSet("train ebm", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	bindEBM(&c, fs)
	bindRun(fs, ebm.Kind, "", "steps")
	_ = fs.Parse(args) // a bad flag is reported by the parse that follows
	return ebm.Recipe(c.Data, c.Loss, c.Sampler)
}

// refuseUnused refuses the flags given that do not apply to the recipe of
// cfg, rather than let them be ignored.
func refuseUnused(fs *flag.FlagSet, cfg ebm.Config) error {
	unused := cfg.Unused()
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		if slices.Contains(unused, f.Name) {
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return usagef("%s: does not apply to %s", strings.Join(bad, ", "), cfg.Objective())
	}
	return nil
}

// resultLine says how good the run's last evaluation is: its test NLL
// beside the true density's where that is known, and how its samples
// cover the modes of a mixture.
func resultLine(res ebm.Result) string {
	s := fmt.Sprintf("test NLL %.3f nats (density normalised on a grid)", res.TestNLL)
	if !math.IsNaN(res.TrueNLL) {
		s += fmt.Sprintf(", true density %.3f", res.TrueNLL)
	}
	if m := res.Modes; m.Modes > 0 {
		s += fmt.Sprintf("; modes with a sample within 3 std: %d/%d, samples that near a mode: %.0f%%, reverse KL of their modes to uniform %.3f nats",
			m.Covered, m.Modes, 100*m.HighQuality, m.ReverseKL)
	}
	return s
}

// readResumedConfig reads into cfg the config of the run of kind in
// outDir, after checking that no flag but the run's length (--steps,
// --epochs: lengthFlag) and those that say where and how to report was
// given: the run keeps its config. length points into cfg; a length given
// replaces the run's, which may continue a finished run.
func readResumedConfig(fs *flag.FlagSet, outDir, kind string, cfg any, lengthFlag string, length *int) error {
	given, lengthSet := *length, false
	var changed []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case lengthFlag:
			lengthSet = true
		case "out", "resume", "quiet", "dashboard", "tfevents":
		default:
			changed = append(changed, "--"+f.Name)
		}
	})
	if len(changed) > 0 {
		return usagef("%s cannot change when resuming; the run keeps its config.json", strings.Join(changed, ", "))
	}
	h, err := train.ReadHeader(outDir)
	if err != nil {
		return err
	}
	if h.Kind != kind {
		return usagef("%s holds a run of kind %s, not %s", outDir, h.Kind, kind)
	}
	if err := h.DecodeConfig(cfg); err != nil {
		return fmt.Errorf("%s: %w", outDir, err)
	}
	if lengthSet {
		*length = given
	}
	return nil
}

// openRunDir locks the run folder and checks that it holds a checkpoint
// when resuming, and none otherwise.
func openRunDir(path string, resume bool) (*train.Dir, error) {
	dir, err := train.OpenDir(path)
	if err != nil {
		return nil, err
	}
	switch {
	case resume && !dir.HasCheckpoint():
		dir.Close()
		return nil, usagef("cannot resume: %s has no %s", path, train.CheckpointFile)
	case !resume && dir.HasCheckpoint():
		dir.Close()
		return nil, usagef("%s already holds a run; pass --resume to continue it or choose another --out", path)
	}
	return dir, nil
}

// reportFinished prints the message of a resumed run that had nothing left
// to do and reports whether err was that.
func reportFinished(err error, out io.Writer) bool {
	var fin *train.FinishedError
	if !errors.As(err, &fin) {
		return false
	}
	fmt.Fprintln(out, fin.Error())
	return true
}

// progressOut picks where the progress bar goes: stderr, redrawn in place
// when it is a terminal; nowhere when quiet. Resume lines go to out.
func progressOut(out io.Writer, quiet bool) train.Output {
	if quiet {
		return train.Output{Log: out}
	}
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return train.Output{Log: out, Progress: os.Stderr, TTY: tty}
}
