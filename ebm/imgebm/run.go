package imgebm

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
	// Train and Test, when set, replace the data sets Config.Data names
	// (tests train on small synthetic sets).
	Train, Test *data.Set
	// Classify, when set, gives the class probabilities ([N, classes]) of
	// images ([N, C*H*W]); each evaluation then reports the classes the
	// samples fall in (energy.ClassCoverage). The command line passes an
	// MNIST classifier for mnist runs.
	Classify func(images *tensor.Tensor) *tensor.Tensor
}

// Result is the last evaluation of a run.
type Result struct {
	Step int
	Eval train.Metrics
}

// run is a live training run of either kind.
type run struct {
	cfg         Config
	kind        string
	dir         *train.Dir
	model       *Model
	rng         *tensor.RNG
	opt         *optim.Adam
	buffer      *energy.ReplayBuffer
	contrast    energy.Contrast
	loader      *data.Loader
	perEpoch    int
	train, test *data.Set
	classify    func(*tensor.Tensor) *tensor.Tensor
	last        Result
}

// Train trains the image energy of cfg in dir, or resumes the run there
// when dir holds a checkpoint (cfg is then the run's config, with Steps
// possibly raised), and returns its last evaluation. See train.Loop.Run
// for the errors of an interrupted, diverged or finished run.
func Train(ctx context.Context, dir *train.Dir, cfg Config, opts Options) (Result, error) {
	return trainKind(ctx, dir, cfg, opts, Kind)
}

// TrainJEM trains JEM as Train trains the image energy; the data set must
// be labelled.
func TrainJEM(ctx context.Context, dir *train.Dir, cfg Config, opts Options) (Result, error) {
	return trainKind(ctx, dir, cfg, opts, KindJEM)
}

func trainKind(ctx context.Context, dir *train.Dir, cfg Config, opts Options, kind string) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	r, err := newRun(cfg, dir, opts, kind)
	if err != nil {
		return Result{}, err
	}
	header, err := train.NewHeader(kind, r.cfg)
	if err != nil {
		return Result{}, err
	}
	status := func(m train.Metrics) string {
		if kind == KindJEM {
			return fmt.Sprintf("loss %.3f, cross-entropy %.3f", m["loss"], m["xent"])
		}
		return fmt.Sprintf("loss %.3f, E(data) %.3f, E(samples) %.3f", m["loss"], m["e_pos"], m["e_neg"])
	}
	loop := &train.Loop{
		Dir: dir, Header: header, Steps: r.cfg.Steps, CheckpointEvery: r.cfg.CheckpointEvery, Log: opts.Log,
		Parts: []train.Stateful{train.Module("", r.model.Net), train.Optimizer("", r.opt), train.RNG("rng", r.rng), train.Buffer("replay_buffer", r.buffer.Chains)},
		Hooks: append([]train.Hook{{Every: r.cfg.EvalEvery, Run: r.evaluate}}, opts.ProgressHooks("train "+kind, r.cfg.Steps, status)...),
	}
	done, err := loop.Run(ctx, r.step)
	r.last.Step = done
	return r.last, err
}

// newRun loads the data and builds the model, optimizer and sampler.
func newRun(cfg Config, dir *train.Dir, opts Options, kind string) (*run, error) {
	trainSet, err := data.OpenUnlessGiven(opts.Train, cfg.Data, data.Train)
	if err != nil {
		return nil, err
	}
	testSet, err := data.OpenUnlessGiven(opts.Test, cfg.Data, data.Test)
	if err != nil {
		return nil, err
	}
	if !data.IsImage(trainSet.Shape) {
		return nil, train.Settingf("data", "%s holds samples of shape %v, not images [C, H, W]", cfg.Data, trainSet.Shape)
	}
	if kind == KindJEM && trainSet.Labels == nil {
		return nil, train.Settingf("data", "%s has no labels, which JEM's classifier needs", cfg.Data)
	}
	if cfg.TrainSize > 0 && cfg.TrainSize < trainSet.X.Size(0) {
		t := *trainSet
		t.X = trainSet.X.Narrow(0, 0, cfg.TrainSize)
		if t.Labels != nil {
			t.Labels = t.Labels[:cfg.TrainSize]
		}
		trainSet = &t
	}
	cfg.Shape = trainSet.Shape
	if kind == KindJEM {
		cfg.Classes = trainSet.Classes
	}
	if err := cfg.checkData(kind); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, kind: kind, dir: dir, model: newModel(cfg, kind), rng: tensor.NewRNG(cfg.Seed), train: trainSet, test: testSet, classify: opts.Classify}
	// The order of each epoch is a function of the seed and the epoch
	// (data.Loader), so the step number alone says which batch comes next.
	if r.loader, err = data.NewLoader(trainSet.X, trainSet.Labels, data.LoaderOptions{BatchSize: cfg.Batch, Shuffle: true, RNG: tensor.NewRNG(cfg.Seed + 1)}); err != nil {
		return nil, err
	}
	r.perEpoch = r.loader.Len()
	// beta1 = 0 as Du & Mordatch 2019: the energy's gradient changes with
	// the negatives at every step, and momentum carries stale directions.
	if r.opt, err = optim.NewAdam(nn.Tensors(r.model.Net), optim.AdamConfig{LR: cfg.LR, Beta1: 0, Beta2: 0.999, Eps: 1e-8}); err != nil {
		return nil, err
	}
	pixels := trainSet.X.Size(1)
	if r.buffer, err = energy.NewReplayBuffer(tensor.NewRNG(cfg.Seed+4), cfg.BufferSize, []int{pixels}, float32(cfg.Reinit), 0, 1); err != nil {
		return nil, err
	}
	r.contrast = energy.Contrast{
		PairLoss:  energy.Contrastive(float32(cfg.Alpha)),
		Sampler:   energy.Replay{Chain: r.model.langevin(cfg.LangevinSteps), Buffer: r.buffer},
		MaxEnergy: float32(cfg.MaxEnergy),
	}
	return r, nil
}

// step trains on the batch the step number selects: the contrastive term
// on E(x), and for JEM the cross-entropy of the labels beside it.
func (r *run) step(done int) (train.Metrics, error) {
	b := r.loader.Batch(done/r.perEpoch, done%r.perEpoch)
	x := b.X
	if r.cfg.DataNoise > 0 {
		x = x.Add(tensor.Randn(r.rng, x.Shape()...).MulScalar(float32(r.cfg.DataNoise))).Clamp(0, 1)
	}
	loss, st, err := r.contrast.Loss(r.model, nil, x, r.rng)
	var div *energy.DivergenceError
	if errors.As(err, &div) {
		return nil, train.Diverged("%s reached %g (bound %g)", div.What, div.Value, div.Bound)
	}
	if err != nil {
		return nil, err
	}
	m := train.Metrics{"e_pos": st.PosEnergy, "e_neg": st.NegEnergy}
	if r.kind == KindJEM {
		labels := make([]float32, len(b.Labels))
		for i, l := range b.Labels {
			labels[i] = float32(l)
		}
		xent := nn.CrossEntropyLoss(r.model.Logits(b.X), tensor.New(labels, len(labels)))
		m["xent"] = float64(xent.Item())
		loss = loss.Add(xent)
	}
	v, err := train.Step(r.opt, loss)
	if err != nil {
		return nil, err
	}
	m["loss"] = v
	return m, nil
}
