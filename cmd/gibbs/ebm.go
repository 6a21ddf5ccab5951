package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/internal/progress"
	"github.com/gibbsml/gibbs/internal/rundir"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/viz"
)

// errDiverged marks a run stopped because training blew up.
var errDiverged = errors.New("training diverged")

// ebmConfig is everything that defines an energy-model run; it is saved in
// config.json and in the checkpoint.
type ebmConfig struct {
	Data            string  `json:"data"`
	Loss            string  `json:"loss"`
	Sampler         string  `json:"sampler"`
	Steps           int     `json:"steps"`
	Batch           int     `json:"batch"`
	LR              float64 `json:"lr"`
	LRSchedule      string  `json:"lr_schedule"`
	Hidden          []int   `json:"hidden"`
	Activation      string  `json:"activation"`
	LangevinSteps   int     `json:"langevin_steps"`
	StepSize        float64 `json:"step_size"`
	Noise           float64 `json:"noise"`
	ClipGrad        float64 `json:"clip_grad"`
	BufferSize      int     `json:"buffer_size"`
	Reinit          float64 `json:"reinit"`
	JumpWidth       float64 `json:"jump_width"`
	JumpUniform     float64 `json:"jump_uniform"`
	Leapfrog        int     `json:"leapfrog"`
	Margin          float64 `json:"margin"`
	Alpha           float64 `json:"alpha"`
	Beta            float64 `json:"beta"`
	Sigma           float64 `json:"sigma"`
	TrainSize       int     `json:"train_size"`
	EvalEvery       int     `json:"eval_every"`
	CheckpointEvery int     `json:"checkpoint_every"`
	MaxEnergy       float64 `json:"max_energy"`
	Seed            uint64  `json:"seed"`
}

// defaultEBMConfig is the replay-buffer Langevin recipe, tuned on ring8 and
// grid25 for the grid-normalised test NLL:
//   - the NLL loss without an energy penalty, which would bias the density;
//   - Langevin at temperature 1 (noise sqrt(2*step)) with a step small
//     enough for modes of std 0.05: on a well of curvature c the chains'
//     stationary variance is 1/(c(1-step*c/2)), so step 0.0005 keeps the
//     learned width within a few percent of the data's;
//   - a small buffer (2048 chains, each continued every 8 steps) whose
//     chains move between modes by a Metropolis-Hastings jump proposed near
//     the data batch (energy.Jump), so that the mass of each mode follows
//     the energy rather than where chains happened to start;
//   - an MLP of three hidden SiLU layers: with two, grid25's 25 narrow
//     wells can stay merged into lines for thousands of steps;
//   - Adam at 1e-2 with cosine decay to zero (Loshchilov & Hutter 2017),
//     which settles the modes' relative depths at the end of the run.
func defaultEBMConfig() ebmConfig {
	return ebmConfig{
		Data: "ring8", Loss: "nll", Sampler: "replay", Steps: 3000, Batch: 256, LR: 1e-2, LRSchedule: "cosine",
		Hidden: []int{128, 128, 128}, Activation: "silu",
		LangevinSteps: 10, StepSize: 0.0005, Noise: math.Sqrt(2 * 0.0005), BufferSize: 2048, Reinit: 0.05,
		JumpWidth: 0.07, JumpUniform: 0.1, Leapfrog: 5,
		Margin: 1, Alpha: 0.01, Beta: 1, Sigma: 0.1,
		TrainSize: 20000, EvalEvery: 500, CheckpointEvery: 250, MaxEnergy: 1e4, Seed: 1,
	}
}

var activations = map[string]func() nn.Layer{
	"relu":     func() nn.Layer { return nn.ReLU() },
	"silu":     func() nn.Layer { return nn.SiLU() },
	"tanh":     func() nn.Layer { return nn.Tanh() },
	"softplus": func() nn.Layer { return nn.Softplus() },
	"elu":      func() nn.Layer { return nn.ELU(1) },
	"gelu":     func() nn.Layer { return nn.GELU() },
}

var samplerNames = []string{"langevin", "replay", "cd", "hmc"}

var scheduleNames = []string{"cosine", "constant"}

// scoreObjectives maps the --loss values that select score matching.
var scoreObjectives = map[string]energy.Objective{"dsm": energy.DenoisingScore, "ssm": energy.SlicedScore}

// bind registers the config's flags on fs.
func (c *ebmConfig) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "toy dataset: "+strings.Join(data.ToyNames(), ", "))
	fs.StringVar(&c.Loss, "loss", c.Loss, "contrastive loss ("+strings.Join(energy.LossNames(), ", ")+") or score matching (dsm, ssm)")
	fs.StringVar(&c.Sampler, "sampler", c.Sampler, "negative sampler: "+strings.Join(samplerNames, ", "))
	fs.IntVar(&c.Steps, "steps", c.Steps, "training steps")
	fs.IntVar(&c.Batch, "batch", c.Batch, "data points (and negatives) per step")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate")
	fs.StringVar(&c.LRSchedule, "lr-schedule", c.LRSchedule, "learning rate schedule: cosine (decay to 0 over --steps; a resume that raises --steps stretches it) or constant")
	fs.Func("hidden", "hidden layer widths, comma-separated (default 128,128,128)", func(s string) error {
		var ws []int
		for _, f := range strings.Split(s, ",") {
			w, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || w <= 0 {
				return fmt.Errorf("want positive widths like 128,128")
			}
			ws = append(ws, w)
		}
		c.Hidden = ws
		return nil
	})
	fs.StringVar(&c.Activation, "activation", c.Activation, "activation: relu, silu, tanh, softplus, elu, gelu")
	fs.IntVar(&c.LangevinSteps, "langevin-steps", c.LangevinSteps, "Langevin steps per batch (k of CD-k; HMC iterations)")
	fs.Float64Var(&c.StepSize, "step-size", c.StepSize, "Langevin step size (HMC leapfrog step)")
	fs.Float64Var(&c.Noise, "noise", c.Noise, "Langevin noise scale (sqrt(2*step-size) samples exp(-E) exactly)")
	fs.Float64Var(&c.ClipGrad, "clip-grad", c.ClipGrad, "clip Langevin gradients to [-v, v] (0: off)")
	fs.IntVar(&c.BufferSize, "buffer", c.BufferSize, "replay buffer size")
	fs.Float64Var(&c.Reinit, "reinit", c.Reinit, "replay buffer re-initialisation rate")
	fs.Float64Var(&c.JumpWidth, "jump-width", c.JumpWidth, "replay: width of the Metropolis-Hastings jumps proposed near the data (0: no jumps)")
	fs.Float64Var(&c.JumpUniform, "jump-uniform", c.JumpUniform, "replay: share of jump proposals drawn uniformly from the box")
	fs.IntVar(&c.Leapfrog, "leapfrog", c.Leapfrog, "HMC leapfrog steps per iteration")
	fs.Float64Var(&c.Margin, "margin", c.Margin, "margin m of the hinge and square-square losses")
	fs.Float64Var(&c.Alpha, "alpha", c.Alpha, "energy magnitude penalty of the contrastive loss")
	fs.Float64Var(&c.Beta, "beta", c.Beta, "inverse temperature of the nll and mee losses")
	fs.Float64Var(&c.Sigma, "sigma", c.Sigma, "noise level of denoising score matching")
	fs.IntVar(&c.TrainSize, "train-size", c.TrainSize, "number of training points drawn from the dataset")
	fs.IntVar(&c.EvalEvery, "eval-every", c.EvalEvery, "steps between evaluations and pictures")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints")
	fs.Float64Var(&c.MaxEnergy, "max-energy", c.MaxEnergy, "stop as diverged when |E| exceeds this (0: only NaN)")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (data, initialisation, sampling)")
}

// validate checks the config and returns a usage error naming the flag.
func (c *ebmConfig) validate() error {
	if _, ok := data.Bounds(c.Data); !ok {
		return usagef("--data: unknown dataset %q (have %s)", c.Data, strings.Join(data.ToyNames(), ", "))
	}
	if _, ok := scoreObjectives[c.Loss]; !ok {
		if _, err := energy.LossByName(c.Loss, energy.LossConfig{}); err != nil {
			return usagef("--loss: unknown loss %q (have %s, dsm, ssm)", c.Loss, strings.Join(energy.LossNames(), ", "))
		}
	}
	if !contains(samplerNames, c.Sampler) {
		return usagef("--sampler: unknown sampler %q (have %s)", c.Sampler, strings.Join(samplerNames, ", "))
	}
	if !contains(scheduleNames, c.LRSchedule) {
		return usagef("--lr-schedule: unknown schedule %q (have %s)", c.LRSchedule, strings.Join(scheduleNames, ", "))
	}
	if _, ok := activations[c.Activation]; !ok {
		return usagef("--activation: unknown activation %q", c.Activation)
	}
	positive := []struct {
		name string
		v    float64
	}{
		{"steps", float64(c.Steps)}, {"batch", float64(c.Batch)}, {"lr", c.LR}, {"step-size", c.StepSize},
		{"buffer", float64(c.BufferSize)}, {"train-size", float64(c.TrainSize)}, {"eval-every", float64(c.EvalEvery)},
		{"checkpoint-every", float64(c.CheckpointEvery)}, {"sigma", c.Sigma}, {"beta", c.Beta}, {"leapfrog", float64(c.Leapfrog)},
	}
	for _, p := range positive {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return usagef("--%s must be positive, got %v", p.name, p.v)
		}
	}
	nonNeg := []struct {
		name string
		v    float64
	}{
		{"langevin-steps", float64(c.LangevinSteps)}, {"noise", c.Noise}, {"clip-grad", c.ClipGrad},
		{"margin", c.Margin}, {"alpha", c.Alpha}, {"max-energy", c.MaxEnergy}, {"jump-width", c.JumpWidth},
	}
	for _, p := range nonNeg {
		if !(p.v >= 0) || math.IsInf(p.v, 0) {
			return usagef("--%s must be zero or positive, got %v", p.name, p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"reinit", c.Reinit}, {"jump-uniform", c.JumpUniform}} {
		if !(p.v >= 0 && p.v <= 1) {
			return usagef("--%s must be in [0, 1], got %v", p.name, p.v)
		}
	}
	if len(c.Hidden) == 0 {
		return usagef("--hidden needs at least one width")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// trainEBMCommand is 'gibbs train ebm'.
func trainEBMCommand(args []string, out io.Writer) error {
	cfg := defaultEBMConfig()
	fs := flag.NewFlagSet("train ebm", flag.ContinueOnError)
	cfg.bind(fs)
	outDir := fs.String("out", "runs/ebm", "run folder (config, metrics, checkpoint, pictures)")
	resume := fs.Bool("resume", false, "continue the run in --out from its checkpoint")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args, out, "gibbs train ebm [flags]"); err != nil {
		return err
	}
	if *resume {
		// The run's own config wins; only --steps may extend it.
		var changed []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "out" && f.Name != "resume" && f.Name != "steps" && f.Name != "quiet" {
				changed = append(changed, "--"+f.Name)
			}
		})
		if len(changed) > 0 {
			return usagef("%s cannot change when resuming; the run keeps its config.json", strings.Join(changed, ", "))
		}
		steps, stepsSet := cfg.Steps, false
		fs.Visit(func(f *flag.Flag) { stepsSet = stepsSet || f.Name == "steps" })
		dir := &rundir.Dir{Path: *outDir}
		if err := dir.ReadConfig(&cfg); err != nil {
			return err
		}
		if stepsSet {
			cfg.Steps = steps
		}
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err := trainEBM(ctx, cfg, *outDir, *resume, progressOut(out, *quiet))
	return err
}

// progressOut picks where the progress bar goes: stderr, redrawn in place
// when it is a terminal; nowhere when quiet (the summary lines still go
// to out).
func progressOut(out io.Writer, quiet bool) *progressSink {
	if quiet {
		return &progressSink{w: io.Discard, log: out}
	}
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &progressSink{w: os.Stderr, tty: tty, log: out}
}

// progressSink says where progress and summary lines go.
type progressSink struct {
	w   io.Writer
	tty bool
	log io.Writer // summary lines; nil for none
}

func (p *progressSink) printf(format string, a ...any) {
	if p.log != nil {
		fmt.Fprintf(p.log, format, a...)
	}
}

// ebmRun is a live energy-model run.
type ebmRun struct {
	cfg     ebmConfig
	dir     *rundir.Dir
	rng     *tensor.RNG
	model   *energy.Net
	opt     *optim.Adam
	trainer *energy.Trainer
	replay  *energy.ReplayBuffer
	jump    *energy.Jump
	hmc     *energy.HMC
	sched   optim.Schedule
	train   *tensor.Tensor
	test    *tensor.Tensor
	box     data.Box
	step    int
}

// ebmResult is the last evaluation of a run.
type ebmResult struct {
	TestNLL, TrueNLL float64
	ModesCovered     int
	Modes            int
}

// newEBMRun builds the model, optimizer, sampler and data of a config.
func newEBMRun(cfg ebmConfig, dir *rundir.Dir) (*ebmRun, error) {
	r := &ebmRun{cfg: cfg, dir: dir, rng: tensor.NewRNG(cfg.Seed)}
	var err error
	if r.train, err = data.Toy(cfg.Data, cfg.TrainSize, tensor.NewRNG(cfg.Seed+1)); err != nil {
		return nil, err
	}
	if r.test, err = data.Toy(cfg.Data, 5000, tensor.NewRNG(cfg.Seed+2)); err != nil {
		return nil, err
	}
	r.box, _ = data.Bounds(cfg.Data)
	r.model = energy.NewMLP(tensor.NewRNG(cfg.Seed+3), 2, cfg.Hidden, activations[cfg.Activation])
	if r.opt, err = optim.NewAdam(nn.Tensors(r.model), optim.AdamConfig{LR: cfg.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}); err != nil {
		return nil, usagef("%v", err)
	}
	r.sched = optim.Constant(cfg.LR)
	if cfg.LRSchedule == "cosine" {
		if r.sched, err = optim.NewCosineLR(cfg.LR, 0, cfg.Steps); err != nil {
			return nil, usagef("%v", err)
		}
	}
	r.trainer = &energy.Trainer{Model: r.model, Opt: r.opt, MaxEnergy: float32(cfg.MaxEnergy), Sigma: float32(cfg.Sigma)}
	if obj, ok := scoreObjectives[cfg.Loss]; ok {
		r.trainer.Objective = obj
		return r, nil
	}
	if r.trainer.Loss, err = energy.LossByName(cfg.Loss, energy.LossConfig{
		Margin: float32(cfg.Margin), Beta: float32(cfg.Beta), Alpha: float32(cfg.Alpha),
	}); err != nil {
		return nil, usagef("%v", err)
	}
	lang := energy.Langevin{Steps: cfg.LangevinSteps, StepSize: float32(cfg.StepSize), Noise: float32(cfg.Noise), ClipGrad: float32(cfg.ClipGrad)}
	lo, hi := float32(min(r.box.XMin, r.box.YMin)), float32(max(r.box.XMax, r.box.YMax))
	switch cfg.Sampler {
	case "langevin":
		r.trainer.Sampler = energy.ShortRun{Langevin: lang, Lo: lo, Hi: hi}
	case "replay":
		if r.replay, err = energy.NewReplayBuffer(tensor.NewRNG(cfg.Seed+4), cfg.BufferSize, []int{2}, float32(cfg.Reinit), lo, hi); err != nil {
			return nil, usagef("%v", err)
		}
		if cfg.JumpWidth > 0 {
			r.jump = &energy.Jump{Width: float32(cfg.JumpWidth), Uniform: float32(cfg.JumpUniform), Lo: lo, Hi: hi}
		}
		r.trainer.Sampler = energy.Replay{Langevin: lang, Buffer: r.replay, Jump: r.jump}
	case "cd":
		r.trainer.Sampler = energy.CD{Langevin: lang}
	case "hmc":
		r.hmc = &energy.HMC{Iterations: cfg.LangevinSteps, LeapfrogSteps: cfg.Leapfrog, StepSize: float32(cfg.StepSize)}
		r.trainer.Sampler = r.hmc
	}
	return r, nil
}

// state is what the run's checkpoint holds.
func (r *ebmRun) state() rundir.State {
	s := rundir.State{Step: r.step, Config: r.cfg, RNG: r.rng, Model: r.model, Opt: r.opt, Extra: map[string]*tensor.Tensor{}}
	if r.replay != nil {
		s.Extra["replay_buffer"] = r.replay.Chains
	}
	s.Meta = map[string]string{}
	for name, a := range r.acceptances() {
		s.Meta[name+"_accepted"] = strconv.Itoa(a.Accepted)
		s.Meta[name+"_proposed"] = strconv.Itoa(a.Proposed)
	}
	return s
}

// acceptances names the Metropolis counters of the run's samplers, which
// the checkpoint keeps.
func (r *ebmRun) acceptances() map[string]*energy.Acceptance {
	as := map[string]*energy.Acceptance{}
	if r.jump != nil {
		as["jump"] = &r.jump.Acceptance
	}
	if r.hmc != nil {
		as["hmc"] = &r.hmc.Acceptance
	}
	return as
}

// restoreAcceptances reads the counters back from a checkpoint's metadata;
// a checkpoint written without them counts from zero.
func (r *ebmRun) restoreAcceptances(meta map[string]string) error {
	for name, a := range r.acceptances() {
		for key, v := range map[string]*int{name + "_accepted": &a.Accepted, name + "_proposed": &a.Proposed} {
			s, ok := meta[key]
			if !ok {
				continue
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("checkpoint metadata %s: %v", key, err)
			}
			*v = n
		}
	}
	return nil
}

// trainEBM runs (or resumes) a run in outDir and returns its last evaluation.
func trainEBM(ctx context.Context, cfg ebmConfig, outDir string, resume bool, p *progressSink) (ebmResult, error) {
	dir, err := rundir.Open(outDir, resume)
	if err != nil {
		return ebmResult{}, usagef("%v", err)
	}
	r, err := newEBMRun(cfg, dir)
	if err != nil {
		return ebmResult{}, err
	}
	if resume {
		s := r.state()
		if err := dir.Load(&s); err != nil {
			return ebmResult{}, err
		}
		r.step = s.Step
		if err := r.restoreAcceptances(s.Meta); err != nil {
			return ebmResult{}, fmt.Errorf("%s: %v", outDir, err)
		}
		if err := dir.TrimMetrics(r.step); err != nil {
			return ebmResult{}, err
		}
		p.printf("resuming %s at step %d of %d\n", outDir, r.step, cfg.Steps)
	}
	if err := dir.WriteConfig(cfg); err != nil {
		return ebmResult{}, err
	}
	if !resume {
		// A checkpoint from the start, so that a run that diverges early
		// still has a good one to go back to.
		if err := dir.Save(r.state()); err != nil {
			return ebmResult{}, err
		}
	}
	bar := progress.New(p.w, "train ebm", r.step, cfg.Steps, p.tty)
	lastSaved := r.step
	var res ebmResult
	for r.step < cfg.Steps {
		if ctx.Err() != nil {
			if err := dir.Save(r.state()); err != nil {
				return res, err
			}
			return res, fmt.Errorf("interrupted at step %d; checkpoint saved, continue with --resume --out %s", r.step, outDir)
		}
		st, err := r.trainStep()
		if err != nil {
			var div *energy.DivergenceError
			if errors.As(err, &div) {
				return res, fmt.Errorf("%w at step %d: %s reached %g (bound %g); the last good checkpoint, step %d, is kept in %s",
					errDiverged, r.step+1, div.What, div.Value, cfg.MaxEnergy, lastSaved, outDir)
			}
			return res, err
		}
		r.step++
		if err := dir.AppendMetrics(map[string]any{"step": r.step, "loss": st.Loss, "e_pos": st.PosEnergy, "e_neg": st.NegEnergy}); err != nil {
			return res, err
		}
		if r.step%cfg.EvalEvery == 0 || r.step == cfg.Steps {
			if res, err = r.evaluate(); err != nil {
				return res, err
			}
		}
		if r.step%cfg.CheckpointEvery == 0 || r.step == cfg.Steps {
			if err := dir.Save(r.state()); err != nil {
				return res, err
			}
			lastSaved = r.step
		}
		bar.Update(r.step, fmt.Sprintf("loss %.4f", st.Loss))
	}
	if res.Modes > 0 {
		p.printf("test NLL %.3f nats (true density %.3f), modes covered %d/%d; pictures in %s\n", res.TestNLL, res.TrueNLL, res.ModesCovered, res.Modes, outDir)
	} else {
		p.printf("test NLL %.3f nats; pictures in %s\n", res.TestNLL, outDir)
	}
	return res, nil
}

// trainStep draws a batch of training points and updates the model.
func (r *ebmRun) trainStep() (energy.StepStats, error) {
	optim.Apply(r.opt, r.sched, r.step)
	idx := make([]int, r.cfg.Batch)
	for i := range idx {
		idx[i] = r.rng.IntN(r.train.Size(0))
	}
	return r.trainer.Step(nil, r.train.IndexSelect(0, idx), r.rng)
}

// samples returns n model samples: replay-buffer chains when there is a
// buffer, otherwise fresh long Langevin chains from uniform noise.
func (r *ebmRun) samples(n int) *tensor.Tensor {
	if r.replay != nil {
		return r.replay.Chains.Narrow(0, 0, min(n, r.replay.Chains.Size(0)))
	}
	lo, hi := float32(min(r.box.XMin, r.box.YMin)), float32(max(r.box.XMax, r.box.YMax))
	steps := max(5*r.cfg.LangevinSteps, 100)
	lang := energy.Langevin{Steps: steps, StepSize: float32(r.cfg.StepSize), Noise: float32(r.cfg.Noise), ClipGrad: float32(r.cfg.ClipGrad)}
	return lang.Run(r.model, nil, tensor.Uniform(tensor.NewRNG(r.cfg.Seed+5), lo, hi, n, 2), tensor.NewRNG(r.cfg.Seed+6))
}

// evaluate writes an evaluation line to the metrics and the pictures.
func (r *ebmRun) evaluate() (ebmResult, error) {
	const res = 256
	out := ebmResult{TestNLL: energy.GridNLL(r.model, r.test, r.box, res), TrueNLL: math.NaN()}
	rec := map[string]any{"step": r.step, "test_nll": out.TestNLL}
	samples := r.samples(2000)
	if logp, ok := data.ToyDensity(r.cfg.Data); ok {
		var s float64
		for i := 0; i < r.test.Size(0); i++ {
			s -= logp(float64(r.test.At(i, 0)), float64(r.test.At(i, 1)))
		}
		out.TrueNLL = s / float64(r.test.Size(0))
		if !math.IsInf(out.TrueNLL, 0) {
			rec["true_nll"] = out.TrueNLL
		}
	}
	if modes, std, ok := data.ToyModes(r.cfg.Data); ok {
		out.ModesCovered, _ = energy.ModeCoverage(samples, modes, std)
		out.Modes = len(modes)
		rec["modes_covered"], rec["modes"] = out.ModesCovered, out.Modes
	}
	for name, a := range r.acceptances() {
		rec[name+"_acceptance"] = a.AcceptanceRate()
	}
	if err := r.dir.AppendMetrics(rec); err != nil {
		return out, err
	}
	return out, r.drawPictures(samples)
}

// drawPictures writes energy.png, samples.png and loss.png.
func (r *ebmRun) drawPictures(samples *tensor.Tensor) error {
	box := viz.Box(r.box)
	field := viz.EvalGrid(box, 200, func(xs *tensor.Tensor) *tensor.Tensor { return r.model.Energy(nil, xs) })
	shown := r.train.Narrow(0, 0, min(1000, r.train.Size(0)))
	plot := viz.EnergyPlot{Field: field, Scale: viz.ColorScale{High: 97, Log: true}, Points: []viz.PointSet{viz.DataPoints(shown)}, ColorBar: true}
	if err := viz.SavePNG(r.dir.File("energy.png"), plot.Render()); err != nil {
		return err
	}
	plot.Points = []viz.PointSet{viz.SamplePoints(samples)}
	if err := viz.SavePNG(r.dir.File("samples.png"), plot.Render()); err != nil {
		return err
	}
	steps, losses, err := r.dir.Series("loss")
	if err != nil || len(losses) < 2 {
		return err
	}
	// The per-step loss is noisy; its moving average shows the trend.
	smooth := make([]float64, len(losses))
	for i, v := range losses {
		smooth[i] = v
		if i > 0 {
			smooth[i] = 0.98*smooth[i-1] + 0.02*v
		}
	}
	curve := viz.LinePlot{Series: []viz.Series{
		{X: steps, Y: losses, Color: color.NRGBA{0, 114, 178, 60}},
		{X: steps, Y: smooth, Color: viz.Palette(1)},
	}}
	return viz.SavePNG(r.dir.File("loss.png"), curve.Render())
}
