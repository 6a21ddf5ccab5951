package ebm

import (
	"context"
	"errors"
	"fmt"

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
	// Demo marks the run in config.json as a demo, which a later demo may
	// replace.
	Demo bool
}

// Result is the last evaluation of a run.
type Result struct {
	Step int
	// TestNLL is the NLL of the test points under the model's density,
	// normalised on a grid over the dataset's box, and TrueNLL theirs under
	// the dataset's exact density (NaN when it is not known), in nats per
	// point.
	TestNLL, TrueNLL float64
	// Modes measures the model's samples against the modes of a mixture
	// dataset (ring8, grid25); Modes.Modes is 0 for the others.
	Modes energy.ModeStats
}

// run is a live training run.
type run struct {
	cfg       Config
	dir       *train.Dir
	model     *Model
	average   *Model     // the moving average of model's weights; nil without one
	ema       *train.EMA // what updates average
	rng       *tensor.RNG
	opt       *optim.Adam
	sched     optim.Schedule
	objective energy.Objective
	replay    *energy.ReplayBuffer
	jump      *energy.Jump
	hmc       *energy.HMC
	train     *tensor.Tensor
	test      *tensor.Tensor
	result    Result
}

// Train runs cfg in dir, or resumes the run there when dir holds a
// checkpoint (cfg is then the run's config, with Steps possibly raised),
// and returns its last evaluation. See train.Loop.Run for the errors of
// an interrupted, diverged or finished run.
func Train(ctx context.Context, dir *train.Dir, cfg Config, opts Options) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	r, err := newRun(cfg, dir)
	if err != nil {
		return Result{}, err
	}
	header, err := train.NewHeader(Kind, cfg)
	if err != nil {
		return Result{}, err
	}
	header.Demo = opts.Demo
	loop := &train.Loop{
		Dir: dir, Header: header, Parts: r.parts(), Steps: cfg.Steps, CheckpointEvery: cfg.CheckpointEvery, Log: opts.Log,
		Hooks: append([]train.Hook{{Every: cfg.EvalEvery, Run: r.evaluate}}, opts.ProgressHooks("train ebm", cfg.Steps,
			func(m train.Metrics) string { return fmt.Sprintf("loss %.4f", m["loss"]) })...),
	}
	done, err := loop.Run(ctx, r.step)
	r.result.Step = done
	return r.result, err
}

// newRun builds the model, optimizer, objective and data of a config.
func newRun(cfg Config, dir *train.Dir) (*run, error) {
	r := &run{cfg: cfg, dir: dir, rng: tensor.NewRNG(cfg.Seed), model: newModel(cfg)}
	var err error
	if r.train, err = data.Toy(cfg.Data, cfg.TrainSize, tensor.NewRNG(cfg.Seed+1)); err != nil {
		return nil, err
	}
	if r.test, err = data.Toy(cfg.Data, 5000, tensor.NewRNG(cfg.Seed+2)); err != nil {
		return nil, err
	}
	adam := optim.NewAdam
	if cfg.WeightDecay > 0 {
		adam = optim.NewAdamW
	}
	if r.opt, err = adam(nn.Tensors(r.model.Net), optim.AdamConfig{LR: cfg.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: cfg.WeightDecay}); err != nil {
		return nil, err
	}
	if cfg.EMA > 0 {
		r.average = newModel(cfg)
		if r.ema, err = train.NewEMA(r.model.Net, r.average.Net, float32(cfg.EMA)); err != nil {
			return nil, err
		}
	}
	if r.sched, err = cfg.schedule(); err != nil {
		return nil, err
	}
	if obj, ok := scoreObjectives[cfg.Loss]; ok {
		r.objective = obj(cfg)
		return r, nil
	}
	lc := energy.DefaultLossConfig()
	lc.Beta, lc.Alpha = float32(cfg.Beta), float32(cfg.Alpha)
	loss, err := energy.LossByName(cfg.Loss, lc)
	if err != nil {
		return nil, err
	}
	contrast := energy.Contrast{PairLoss: loss, MaxEnergy: float32(cfg.MaxEnergy)}
	lang := energy.Langevin{Steps: cfg.LangevinSteps, StepSize: float32(cfg.StepSize), Noise: float32(cfg.Noise), ClipGrad: float32(cfg.ClipGrad)}
	lo, hi := r.model.bounds()
	if cfg.Sampler == "replay" && cfg.JumpWidth > 0 {
		r.jump = &energy.Jump{Width: float32(cfg.JumpWidth), Uniform: float32(cfg.JumpUniform), Lo: lo, Hi: hi}
	}
	switch cfg.Sampler {
	case "langevin":
		contrast.Sampler = energy.ShortRun{Langevin: lang, Lo: lo, Hi: hi}
	case "replay":
		if r.replay, err = energy.NewReplayBuffer(tensor.NewRNG(cfg.Seed+4), cfg.BufferSize, []int{2}, float32(cfg.Reinit), lo, hi); err != nil {
			return nil, err
		}
		contrast.Sampler = energy.Replay{Chain: lang, Buffer: r.replay, Jump: r.jump}
	case "hmc":
		r.hmc = &energy.HMC{Iterations: cfg.LangevinSteps, LeapfrogSteps: cfg.Leapfrog, StepSize: float32(cfg.StepSize)}
		if cfg.HMCWarmUp > 0 {
			r.hmc.Adapt = energy.NewDualAveraging(cfg.StepSize, cfg.HMCTarget, cfg.HMCWarmUp*cfg.LangevinSteps)
		}
		contrast.Sampler = r.hmc
	}
	r.objective = contrast
	return r, nil
}

// parts is what the run's checkpoint holds: weights (and their moving
// average under "ema.", with its count of updates), optimizer, RNG,
// replay buffer, the Metropolis counters of the samplers and HMC's step
// size adaptation.
func (r *run) parts() []train.Stateful {
	ps := []train.Stateful{train.Module("", r.model.Net), train.Optimizer("", r.opt), train.RNG("rng", r.rng)}
	if r.ema != nil {
		ps = append(ps, train.Module("ema.", r.average.Net), train.Counter("ema_updates", &r.ema.Updates))
	}
	if r.replay != nil {
		ps = append(ps, train.Buffer("replay_buffer", r.replay.Chains))
	}
	for name, a := range r.acceptances() {
		ps = append(ps, train.Counter(name+"_accepted", &a.Accepted), train.Counter(name+"_proposed", &a.Proposed))
	}
	if r.hmc != nil && r.hmc.Adapt != nil {
		ps = append(ps, train.Text("hmc_step_adaptation", r.hmc.Adapt))
	}
	return ps
}

// evaluated is the model that evaluations, pictures and the saved model
// use: the moving average of the weights when the run keeps one.
func (r *run) evaluated() *Model {
	if r.average != nil {
		return r.average
	}
	return r.model
}

// acceptances names the Metropolis counters of the run's samplers.
func (r *run) acceptances() map[string]*energy.Acceptance {
	as := map[string]*energy.Acceptance{}
	if r.jump != nil {
		as["jump"] = &r.jump.Acceptance
	}
	if r.hmc != nil {
		as["hmc"] = &r.hmc.Acceptance
	}
	return as
}

// step draws a batch of training points and updates the model.
func (r *run) step(done int) (train.Metrics, error) {
	optim.Apply(r.opt, r.sched, done)
	idx := make([]int, r.cfg.Batch)
	for i := range idx {
		idx[i] = r.rng.IntN(r.train.Size(0))
	}
	loss, st, err := r.objective.Loss(r.model.Net, nil, r.train.IndexSelect(0, idx), r.rng)
	var div *energy.DivergenceError
	if errors.As(err, &div) {
		return nil, train.Diverged("%s reached %g (bound %g)", div.What, div.Value, div.Bound)
	}
	if err != nil {
		return nil, err
	}
	v, err := train.Step(r.opt, loss)
	if err != nil {
		return nil, err
	}
	if r.ema != nil {
		r.ema.Update()
	}
	if !r.cfg.contrastive() { // score matching has no negatives
		return train.Metrics{"loss": v}, nil
	}
	return train.Metrics{"loss": v, "e_pos": st.PosEnergy, "e_neg": st.NegEnergy}, nil
}
