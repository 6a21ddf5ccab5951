package gan

import (
	"context"
	"fmt"
	"slices"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Options are what a run needs apart from its config.
type Options struct {
	train.Output
	// Train is the data the run learns; nil opens Config.Data (data.Open).
	Train *data.Set
	// Classifier measures image samples at each evaluation (class
	// coverage, Fréchet distance in its features); nil takes
	// MNISTClassifier when Config.Data is mnist and measures nothing
	// otherwise.
	Classifier *Classifier
}

// Result is the last evaluation of a run.
type Result struct {
	Step int
	// Modes measures the samples against the modes of a mixture data set
	// (data.ToyModes); Modes.Modes is 0 for the others.
	Modes energy.ModeStats
	// Eval is the last evaluation line of metrics.jsonl.
	Eval train.Metrics
}

// coverageSamples is the number of samples mode coverage is measured on.
const coverageSamples = 2500

// run is a live training run.
type run struct {
	cfg        Config
	dir        *train.Dir
	out        train.Output
	gan        *GAN
	loss       Loss
	real       *tensor.Tensor // training rows, in the generator's range
	rng        *tensor.RNG
	optG, optD *optim.Adam
	schedG     optim.Schedule
	schedD     optim.Schedule
	ema        *train.EMA
	modes      [][2]float64 // nil for data without known modes
	modeStd    float64
	classifier *Classifier    // nil: no image metrics
	realFeats  *tensor.Tensor // the classifier's features of training images
	last       Result
}

// Train trains a GAN of cfg in dir, or resumes the run there when dir
// holds a checkpoint, through train.Loop. Each step makes NCritic
// discriminator updates and one generator update (and moves the average
// of the generator's weights). Every EvalEvery steps it appends an
// evaluation line to metrics.jsonl and redraws the pictures; on data with
// known modes the line has "modes_covered", "modes", "high_quality" and
// "mode_kl" (energy.ModeCoverage of 2500 samples), and a drop in the
// modes covered writes a warning line to opts.Log. See train.Loop.Run for
// the errors of an interrupted, diverged or finished run.
func Train(ctx context.Context, dir *train.Dir, cfg Config, opts Options) (Result, error) {
	set, err := data.OpenUnlessGiven(opts.Train, cfg.Data, data.Train)
	if err != nil {
		return Result{}, err
	}
	cfg.resolve(set.Shape)
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	r, err := newRun(cfg, dir, set, opts.Output)
	if err != nil {
		return Result{}, err
	}
	if r.classifier = opts.Classifier; r.classifier == nil && cfg.Data == "mnist" {
		if r.classifier, err = MNISTClassifier(ctx); err != nil {
			return Result{}, fmt.Errorf("gan: the MNIST classifier of the image metrics: %w", err)
		}
	}
	if r.classifier != nil {
		if u, ok := r.classifier.Net.Layers[0].(*nn.Unflatten); !ok || !slices.Equal(u.Shape, cfg.Shape) {
			return Result{}, fmt.Errorf("gan: the image classifier does not take samples of shape %v", cfg.Shape)
		}
		r.realFeats = r.classifier.Features(set.X.Narrow(0, 0, min(coverageSamples, set.X.Size(0))))
	}
	header, err := train.NewHeader(Kind, cfg)
	if err != nil {
		return Result{}, err
	}
	loop := &train.Loop{
		Dir: dir, Header: header, Parts: r.parts(), Steps: cfg.Steps, CheckpointEvery: cfg.CheckpointEvery, Log: opts.Log,
		Hooks: append([]train.Hook{{Every: cfg.EvalEvery, Start: r.start, Run: r.evaluate}}, opts.ProgressHooks("train gan", cfg.Steps, r.status)...),
	}
	done, err := loop.Run(ctx, r.step)
	r.last.Step = done
	return r.last, err
}

// newRun builds the models, optimizers and data of a run.
func newRun(cfg Config, dir *train.Dir, set *data.Set, out train.Output) (*run, error) {
	r := &run{cfg: cfg, dir: dir, out: out, gan: New(cfg), loss: cfg.Objective(), rng: tensor.NewRNG(cfg.Seed + 1), real: set.X}
	if cfg.TrainSize > 0 && cfg.TrainSize < r.real.Size(0) {
		r.real = r.real.Narrow(0, 0, cfg.TrainSize)
	}
	if data.IsImage(cfg.Shape) {
		r.real = fromPixels(r.real)
	}
	r.modes, r.modeStd, _ = data.ToyModes(cfg.Data)
	var err error
	adam := func(m nn.Module, lr float64, betas [2]float64) (*optim.Adam, error) {
		return optim.NewAdam(nn.Tensors(m), optim.AdamConfig{LR: lr, Beta1: betas[0], Beta2: betas[1], Eps: 1e-8})
	}
	if r.optG, err = adam(r.gan.Generator, cfg.LRG, cfg.BetasG); err != nil {
		return nil, err
	}
	if r.optD, err = adam(r.gan.Discriminator, cfg.LRD, cfg.BetasD); err != nil {
		return nil, err
	}
	r.schedG, r.schedD = optim.Constant(cfg.LRG), optim.Constant(cfg.LRD)
	if cfg.LRSchedule == "cosine" {
		if r.schedG, err = optim.NewCosineLR(cfg.LRG, 0, cfg.Steps); err != nil {
			return nil, err
		}
		if r.schedD, err = optim.NewCosineLR(cfg.LRD, 0, cfg.Steps); err != nil {
			return nil, err
		}
	}
	if r.gan.Average != nil {
		if r.ema, err = train.NewEMA(r.gan.Generator, r.gan.Average, float32(cfg.EMA)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// parts is what the checkpoint holds: both networks (and the average
// generator) under "generator.", "discriminator." and "ema.", both
// optimizers, the RNG and the count of the average's updates.
func (r *run) parts() []train.Stateful {
	ps := []train.Stateful{
		train.Module("generator.", r.gan.Generator), train.Module("discriminator.", r.gan.Discriminator),
		train.Optimizer("g.", r.optG), train.Optimizer("d.", r.optD), train.RNG("rng", r.rng),
	}
	if r.gan.Average != nil {
		ps = append(ps, train.Module("ema.", r.gan.Average), train.Counter("ema_updates", &r.ema.Updates))
	}
	return ps
}

// samples is the number of samples of each kind a discriminator step
// takes: Batch rows of Pack samples.
func (r *run) samples() int { return r.cfg.Batch * r.cfg.Pack }

// batch returns samples() training rows drawn at random.
func (r *run) batch() *tensor.Tensor {
	idx := make([]int, r.samples())
	for i := range idx {
		idx[i] = r.rng.IntN(r.real.Size(0))
	}
	return r.real.IndexSelect(0, idx)
}

// step makes NCritic discriminator updates and one generator update.
func (r *run) step(done int) (train.Metrics, error) {
	optim.Apply(r.optG, r.schedG, done)
	optim.Apply(r.optD, r.schedD, done)
	r.gan.training(true)
	defer r.gan.training(false)
	g, d, m := r.gan.Generator, r.gan.Discriminator, r.cfg.Pack
	var lossD float64
	for range r.cfg.NCritic {
		z := tensor.Randn(r.rng, r.samples(), r.cfg.Latent)
		fake, real := g.Forward(z).DetachRelease(), r.batch()
		// The step's inputs go back to the tensor pools with its graph.
		loss := r.loss.Discriminator(d, Pack(real, m), Pack(fake, m), r.rng).Adopt(z, fake, real)
		v, err := train.Step(r.optD, loss)
		if err != nil {
			return nil, err
		}
		lossD += v / float64(r.cfg.NCritic)
	}
	z := tensor.Randn(r.rng, r.samples(), r.cfg.Latent)
	lossG, err := train.Step(r.optG, r.loss.Generator(d, Pack(g.Forward(z), m)).Adopt(z))
	if err != nil {
		return nil, err
	}
	if r.ema != nil {
		r.ema.Update()
	}
	return train.Metrics{"d_loss": lossD, "g_loss": lossG}, nil
}

// status is the progress line's text: the losses and, on data with known
// modes, the last evaluation's coverage.
func (r *run) status(m train.Metrics) string {
	s := fmt.Sprintf("D %.3f G %.3f", m["d_loss"], m["g_loss"])
	if st := r.last.Modes; st.Modes > 0 {
		s += fmt.Sprintf(" modes %d/%d hq %.0f%% kl %.2f", st.Covered, st.Modes, 100*st.HighQuality, st.ReverseKL)
	}
	return s
}
