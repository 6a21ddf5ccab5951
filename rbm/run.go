package rbm

import (
	"context"
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Options are what a run needs apart from its config.
type Options struct {
	train.Output
	// Train and Test are the data the run uses, before binarisation; nil
	// opens Config.Data (data.Open). Tests set them.
	Train, Test *data.Set
}

// Result is the last evaluation line of a run (see Train) and the number
// of steps done.
type Result struct {
	Step int
	Eval train.Metrics
}

// evalTrainSize is the number of training samples whose pseudo-likelihood
// and log-likelihood the evaluations report.
const evalTrainSize = 10000

// run is a live training run.
type run struct {
	ctx         context.Context // stops the final AIS
	cfg         Config
	dir         *train.Dir
	train, test *data.Set
	model       *RBM
	loader      *data.Loader
	perEpoch    int
	rng         *tensor.RNG
	opt         *optim.SGD
	chains      *tensor.Tensor // PCD's persistent chains; nil for CD
	base        *tensor.Tensor // base-rate visible biases of the training data
	lastEval    train.Metrics
}

// Train trains an RBM of kind "rbm" in dir, or resumes the run there when
// dir holds a checkpoint. The visible biases start at the log-odds of the
// training data's marginals (BaseRate). Each step draws the negatives by
// CD-k or PCD and takes an SGD step on mean F(batch) - mean F(negatives)
// (its line in metrics.jsonl: "loss", that free-energy gap, and "pl",
// the batch's pseudo-likelihood after the step). Every epoch it appends an
// evaluation line with "epoch", "train_pl" (on the first 10000 training
// samples) and "test_pl", the mean stochastic pseudo-likelihood
// (PseudoLikelihood), and "test_recon" (ReconstructionError), and redraws
// the pictures; the last line adds, when AISBetas > 0, the AIS estimate
// "ais_log_z" with "ais_log_z_lo" (left out when the
// lower bound is log 0) and "ais_log_z_hi" (±3 standard errors),
// "ais_runs", "ais_betas", and the mean log-likelihoods "test_ll" and
// "train_ll" (first 10000 training samples) in nats. See train.Loop.Run
// for the errors of an interrupted, diverged or finished run.
func Train(ctx context.Context, dir *train.Dir, cfg Config, opts Options) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	trainSet, testSet, err := openData(cfg, opts.Train, opts.Test)
	if err != nil {
		return Result{}, err
	}
	cfg.Shape = append([]int(nil), trainSet.Shape...)
	r := &run{ctx: ctx, cfg: cfg, dir: dir, train: trainSet, test: testSet, model: NewModel(cfg), base: BaseRate(trainSet.X)}
	r.model.VisibleBias.CopyFrom(r.base)
	if r.loader, err = data.NewLoader(trainSet.X, nil, data.LoaderOptions{BatchSize: cfg.Batch, Shuffle: true, RNG: tensor.NewRNG(cfg.Seed + 1)}); err != nil {
		return Result{}, err
	}
	r.perEpoch = r.loader.Len()
	r.rng = tensor.NewRNG(cfg.Seed + 2)
	if r.opt, err = optim.NewSGD(nn.Tensors(r.model), optim.SGDConfig{LR: cfg.LR, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay}); err != nil {
		return Result{}, err
	}
	parts := []train.Stateful{train.Module("", r.model), train.Optimizer("", r.opt), train.RNG("rng", r.rng)}
	if cfg.Persistent {
		r.chains = r.model.RandomVisible(cfg.Batch, tensor.NewRNG(cfg.Seed+3))
		parts = append(parts, train.Buffer("chains", r.chains))
	}
	header, err := train.NewHeader(Kind, cfg)
	if err != nil {
		return Result{}, err
	}
	status := func(m train.Metrics) string {
		s := fmt.Sprintf("loss %.3f, batch PL %.1f", m["loss"], m["pl"])
		if r.lastEval != nil {
			s += fmt.Sprintf(", test PL %.1f (epoch %v)", r.lastEval["test_pl"], r.lastEval["epoch"])
		}
		return s
	}
	loop := &train.Loop{
		Dir: dir, Header: header, Steps: cfg.Epochs * r.perEpoch, CheckpointEvery: cfg.CheckpointEvery, Log: opts.Log, Parts: parts,
		Hooks: append([]train.Hook{{Every: r.perEpoch, Run: r.evaluate}}, opts.ProgressHooks(r.label(), cfg.Epochs*r.perEpoch, status)...),
	}
	done, err := loop.Run(ctx, r.step)
	return Result{Step: done, Eval: r.lastEval}, err
}

// label names the run's training method, as the progress bar and the
// pictures show it.
func (r *run) label() string {
	method := fmt.Sprintf("CD-%d", r.cfg.K)
	if r.cfg.Persistent {
		method = fmt.Sprintf("PCD-%d", r.cfg.K)
	}
	return fmt.Sprintf("RBM %d hidden, %s", r.cfg.Hidden, method)
}

// step trains on the batch the step number selects.
func (r *run) step(done int) (train.Metrics, error) {
	b := r.loader.Batch(done/r.perEpoch, done%r.perEpoch)
	start := b.X
	if r.chains != nil {
		start = r.chains
	}
	neg, _ := r.model.Gibbs(start, r.cfg.K, r.rng)
	if r.chains != nil {
		r.chains.CopyFrom(neg)
	}
	loss := r.model.FreeEnergy(b.X).Mean().Sub(r.model.FreeEnergy(neg).Mean())
	v, err := train.Step(r.opt, loss)
	if err != nil {
		return nil, err
	}
	return train.Metrics{"loss": v, "pl": mean(r.model.PseudoLikelihood(b.X, r.rng))}, nil
}

// evaluate appends the evaluation line of the epoch just done and redraws
// the pictures.
func (r *run) evaluate(done int, _ train.Metrics) error {
	epoch := (done + r.perEpoch - 1) / r.perEpoch
	// The evaluation's randomness is a function of the seed and the
	// epoch, so a resumed run evaluates as one that never stopped.
	rng := tensor.NewRNG(r.cfg.Seed + 1000 + uint64(epoch))
	trainX := r.train.X.Narrow(0, 0, min(evalTrainSize, r.train.X.Size(0)))
	rec := train.Metrics{"step": done, "epoch": epoch,
		"train_pl":   mean(r.model.PseudoLikelihood(trainX, rng)),
		"test_pl":    mean(r.model.PseudoLikelihood(r.test.X, rng)),
		"test_recon": mean(r.model.ReconstructionError(r.test.X)),
	}
	if done == r.cfg.Epochs*r.perEpoch && r.cfg.AISBetas > 0 {
		est, err := AIS{Runs: r.cfg.AISRuns, Betas: r.cfg.AISBetas, BaseBias: r.base}.LogZ(r.ctx, r.model, tensor.NewRNG(r.cfg.Seed+2000))
		if err != nil {
			return fmt.Errorf("%w; --resume redoes the steps since the last checkpoint and the AIS", err)
		}
		rec["ais_log_z"], rec["ais_log_z_hi"] = est.LogZ, est.Hi
		if !math.IsInf(est.Lo, -1) { // JSON has no infinities
			rec["ais_log_z_lo"] = est.Lo
		}
		rec["ais_runs"], rec["ais_betas"] = est.Runs, est.Betas
		rec["test_ll"] = mean(r.model.LogProb(r.test.X, est.LogZ))
		rec["train_ll"] = mean(r.model.LogProb(trainX, est.LogZ))
	}
	r.lastEval = rec
	if err := r.dir.AppendMetrics(rec); err != nil {
		return err
	}
	return r.drawPictures(epoch)
}
