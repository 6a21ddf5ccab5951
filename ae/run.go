package ae

import (
	"context"
	"fmt"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// The model kinds of runs in config.json.
const (
	KindAE  = "ae"
	KindVAE = "vae"
)

// Options are what a run needs apart from its config.
type Options struct {
	train.Output
	// Train and Test are the data the run uses; nil opens Config.Data
	// (data.Open). Callers with their own data, and tests, set them.
	Train, Test *data.Set
}

// Result is the last evaluation line of a run (see the keys in Train's
// documentation) and the number of steps done.
type Result struct {
	Step int
	Eval train.Metrics
}

// evalChunk is the number of test samples evaluated at once.
const evalChunk = 500

// run is a live training run of either kind.
type run struct {
	common     Common
	kind       string
	dir        *train.Dir
	train      *data.Set
	test       *data.Set
	loader     *data.Loader
	perEpoch   int
	rng        *tensor.RNG
	opt        *optim.Adam
	module     nn.Module
	model      energy.Model
	loss       func(y *tensor.Tensor, rng *tensor.RNG, done int) (*tensor.Tensor, map[string]float64)
	testEval   func(rec train.Metrics, rng *tensor.RNG, final bool)
	decode     func(z *tensor.Tensor) *tensor.Tensor // latents to reconstructions
	encode     func(y *tensor.Tensor) *tensor.Tensor // samples to codes (posterior means)
	recon      func(y *tensor.Tensor) *tensor.Tensor
	sample     func(n int, rng *tensor.RNG) *tensor.Tensor // nil for a model without a prior
	lastEval   train.Metrics
	partNames  []string
	epoch      int    // the epoch of the last evaluation
	energyName string // what the energy is, for the pictures
}

// TrainAE trains an autoencoder of kind "ae" in dir, or resumes the run
// there when dir holds a checkpoint. Every epoch it appends an evaluation
// line to metrics.jsonl with "epoch", "train_loss" (the mean of the
// epoch's step losses, weighted by batch size, as PyTorch's examples
// report it), "train_recon", "train_penalty", "test_loss", "test_recon",
// "test_penalty" and "test_energy" (the mean reconstruction energy of the
// clean test samples), and redraws the pictures. See train.Loop.Run for
// the errors of an interrupted, diverged or finished run.
func TrainAE(ctx context.Context, dir *train.Dir, cfg AEConfig, opts Options) (Result, error) {
	trainSet, testSet, err := openData(cfg.Common, opts)
	if err != nil {
		return Result{}, err
	}
	cfg.resolve(trainSet)
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	obj, _ := cfg.Objective()
	a := NewAE(cfg)
	r := &run{common: cfg.Common, kind: KindAE, module: a, model: a, partNames: []string{"recon", "penalty"}, energyName: "Reconstruction energy ||y - r(y)||²",
		decode: func(z *tensor.Tensor) *tensor.Tensor { return a.Likelihood.Mean(a.Decode(z)) },
		encode: a.Encode, recon: a.Reconstruct}
	r.loss = func(y *tensor.Tensor, rng *tensor.RNG, _ int) (*tensor.Tensor, map[string]float64) {
		return obj.Loss(a, y, rng)
	}
	r.testEval = func(rec train.Metrics, rng *tensor.RNG, _ bool) {
		sums := r.overTest(func(y *tensor.Tensor) map[string]float64 {
			loss, parts := obj.Loss(a, y, rng)
			parts["loss"] = float64(loss.Item())
			loss.Release()
			e := a.Energy(nil, y).Mean()
			parts["energy"] = float64(e.Item())
			e.Release()
			return parts
		})
		for k, v := range sums {
			rec["test_"+k] = v
		}
	}
	if err := r.prepare(dir, cfg.Common, trainSet, testSet); err != nil {
		return Result{}, err
	}
	return r.loop(ctx, cfg, opts)
}

// TrainVAE trains a VAE of kind "vae" in dir, or resumes the run there.
// Every epoch it appends an evaluation line with "epoch", "train_loss",
// "train_recon", "train_kl" (epoch means, as for TrainAE), "test_recon",
// "test_kl", "test_loss" (their sum, the negative ELBO per sample with
// one z drawn per sample) and "test_elbo" (its negative), and
// "active_units" (Burda et al.'s count, threshold 0.01); the last line
// adds "test_iwae" (the mean IWAE bound with "iwae_k" samples on the first
// "iwae_samples" test samples, an estimate of log p(y) per sample) when
// IWAEK > 0.
func TrainVAE(ctx context.Context, dir *train.Dir, cfg VAEConfig, opts Options) (Result, error) {
	trainSet, testSet, err := openData(cfg.Common, opts)
	if err != nil {
		return Result{}, err
	}
	cfg.resolve(trainSet)
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	v := NewVAE(cfg)
	r := &run{common: cfg.Common, kind: KindVAE, module: v, model: v, partNames: []string{"recon", "kl"}, energyName: "Energy: negative ELBO at the posterior mean",
		decode: func(z *tensor.Tensor) *tensor.Tensor { return v.Likelihood.Mean(v.Decode(z)) },
		encode: func(y *tensor.Tensor) *tensor.Tensor { mu, _ := v.Posterior(y); return mu },
		recon:  v.Reconstruct, sample: v.SamplePrior}
	var elbo ELBO
	r.loss = func(y *tensor.Tensor, rng *tensor.RNG, done int) (*tensor.Tensor, map[string]float64) {
		return elbo.Loss(v, y, rng, done)
	}
	r.testEval = func(rec train.Metrics, rng *tensor.RNG, final bool) {
		sums := r.overTest(func(y *tensor.Tensor) map[string]float64 {
			recon, kl := v.Terms(y, rng)
			rs, ks := recon.Mean(), kl.Mean()
			parts := map[string]float64{"recon": float64(rs.Item()), "kl": float64(ks.Item())}
			rs.Add(ks).Release()
			return parts
		})
		rec["test_recon"], rec["test_kl"] = sums["recon"], sums["kl"]
		rec["test_loss"] = sums["recon"] + sums["kl"]
		rec["test_elbo"] = -(sums["recon"] + sums["kl"])
		rec["active_units"] = ActiveUnits(v, r.test.X, 0.01)
		if final && cfg.IWAEK > 0 {
			n := r.test.X.Size(0)
			if cfg.IWAESize > 0 {
				n = min(n, cfg.IWAESize)
			}
			bounds := IWAE(v, r.test.X.Narrow(0, 0, n), cfg.IWAEK, rng)
			var s float64
			for _, b := range bounds {
				s += b
			}
			rec["test_iwae"], rec["iwae_k"], rec["iwae_samples"] = s/float64(n), cfg.IWAEK, n
		}
	}
	if err := r.prepare(dir, cfg.Common, trainSet, testSet); err != nil {
		return Result{}, err
	}
	elbo = ELBO{Beta: cfg.Beta, Warmup: cfg.WarmupEpochs * r.perEpoch}
	return r.loop(ctx, cfg, opts)
}

// openData returns the data sets of opts, or opens c.Data, and keeps the
// training samples that c.Class and c.TrainSize choose.
func openData(c Common, opts Options) (trainSet, testSet *data.Set, err error) {
	if trainSet, err = data.OpenUnlessGiven(opts.Train, c.Data, data.Train); err != nil {
		return nil, nil, err
	}
	if testSet, err = data.OpenUnlessGiven(opts.Test, c.Data, data.Test); err != nil {
		return nil, nil, err
	}
	if c.Class != nil {
		if trainSet.Labels == nil {
			return nil, nil, train.Settingf("class", "%s has no labels to choose a class by", trainSet.Name)
		}
		if trainSet = trainSet.OfClass(*c.Class); trainSet.X.Size(0) == 0 {
			return nil, nil, train.Settingf("class", "%s has no training samples of class %d", trainSet.Name, *c.Class)
		}
	}
	if c.TrainSize > 0 && c.TrainSize < trainSet.X.Size(0) {
		t := *trainSet
		t.X = trainSet.X.Narrow(0, 0, c.TrainSize)
		if t.Labels != nil {
			t.Labels = t.Labels[:c.TrainSize]
		}
		trainSet = &t
	}
	return trainSet, testSet, nil
}

// prepare sets up the data order, optimizer and step RNG of the run.
func (r *run) prepare(dir *train.Dir, c Common, trainSet, testSet *data.Set) error {
	if err := c.checkData(trainSet); err != nil {
		return err
	}
	r.common, r.dir, r.train, r.test = c, dir, trainSet, testSet
	var err error
	// The order of each epoch is a function of the seed and the epoch
	// (data.Loader), so the step number alone says which batch comes next.
	r.loader, err = data.NewLoader(trainSet.X, trainSet.Labels, data.LoaderOptions{BatchSize: c.Batch, Shuffle: true, RNG: tensor.NewRNG(c.Seed + 1)})
	if err != nil {
		return err
	}
	r.perEpoch = r.loader.Len()
	r.rng = tensor.NewRNG(c.Seed + 2)
	r.opt, err = optim.NewAdam(nn.Tensors(r.module), optim.AdamConfig{LR: c.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	return err
}

// loop runs the training loop with its hooks.
func (r *run) loop(ctx context.Context, cfg any, opts Options) (Result, error) {
	header, err := train.NewHeader(r.kind, cfg)
	if err != nil {
		return Result{}, err
	}
	steps := r.common.Epochs * r.perEpoch
	status := func(m train.Metrics) string { return fmt.Sprintf("loss %.4f", m["loss"]) }
	loop := &train.Loop{
		Dir: r.dir, Header: header, Steps: steps, CheckpointEvery: r.common.CheckpointEvery, Log: opts.Log,
		Parts: []train.Stateful{train.Module("", r.module), train.Optimizer("", r.opt), train.RNG("rng", r.rng)},
		Hooks: append([]train.Hook{{Every: r.perEpoch, Run: r.evaluate}},
			epochProgress(opts.Output, "train "+r.kind, r.common.Epochs, r.perEpoch, status)...),
	}
	done, err := loop.Run(ctx, r.step)
	return Result{Step: done, Eval: r.lastEval}, err
}

// step trains on the batch the step number selects.
func (r *run) step(done int) (train.Metrics, error) {
	b := r.loader.Batch(done/r.perEpoch, done%r.perEpoch)
	loss, parts := r.loss(b.X, r.rng, done)
	v, err := train.Step(r.opt, loss)
	if err != nil {
		return nil, err
	}
	m := train.Metrics{"loss": v}
	for k, p := range parts {
		m[k] = p
	}
	return m, nil
}

// evaluate appends the evaluation line of the epoch just done and redraws
// the pictures.
func (r *run) evaluate(done int, _ train.Metrics) error {
	epoch := (done + r.perEpoch - 1) / r.perEpoch
	rec := train.Metrics{"step": done, "epoch": epoch}
	log, err := r.dir.Metrics()
	if err != nil {
		return err
	}
	for _, key := range append([]string{"loss"}, r.partNames...) {
		if v, ok := r.epochMean(log, key, done); ok {
			rec["train_"+key] = v
		}
	}
	// The test samples' randomness (noise, z) is a function of the seed
	// and the epoch, so a resumed run evaluates as one that never stopped.
	r.testEval(rec, tensor.NewRNG(r.common.Seed+1000+uint64(epoch)), done == r.common.Epochs*r.perEpoch)
	r.lastEval, r.epoch = rec, epoch
	if err := r.dir.AppendMetrics(rec); err != nil {
		return err
	}
	return r.drawPictures()
}

// epochMean returns the mean of the step metric key over the epoch that
// ends at step done, each step weighted by its batch size. It takes the
// steps from the run's metrics log, so that a resumed run counts the steps
// done before it stopped.
func (r *run) epochMean(log train.MetricsLog, key string, done int) (float64, bool) {
	first := done - (done-1)%r.perEpoch // first step of the epoch, counting from 1
	steps, values := log.Since(float64(first)).Series(key)
	n := r.train.X.Size(0)
	var sum, weight float64
	for i, s := range steps {
		if int(s) < first || int(s) > done {
			continue
		}
		pos := (int(s) - 1) % r.perEpoch
		w := float64(min(r.common.Batch, n-pos*r.common.Batch))
		sum += w * values[i]
		weight += w
	}
	if weight == 0 {
		return 0, false
	}
	return sum / weight, true
}

// overTest returns the means over the test set of the values f returns
// for chunks of it (means over each chunk), weighted by chunk size.
func (r *run) overTest(f func(y *tensor.Tensor) map[string]float64) map[string]float64 {
	n := r.test.X.Size(0)
	sums := map[string]float64{}
	for lo := 0; lo < n; lo += evalChunk {
		m := min(evalChunk, n-lo)
		for k, v := range f(r.test.X.Narrow(0, lo, m)) {
			sums[k] += v * float64(m)
		}
	}
	for k := range sums {
		sums[k] /= float64(n)
	}
	return sums
}

// epochProgress returns a hook that draws one progress bar per epoch (the
// bars of o.ProgressHooks), or none when o has no Progress writer.
func epochProgress(o train.Output, label string, epochs, perEpoch int, status func(train.Metrics) string) []train.Hook {
	if o.Progress == nil {
		return nil
	}
	var bar train.Hook
	current := -1
	return []train.Hook{{Every: 1, Run: func(done int, m train.Metrics) error {
		epoch := (done - 1) / perEpoch
		if epoch != current {
			bar = o.ProgressHooks(fmt.Sprintf("%s epoch %d/%d", label, epoch+1, epochs), perEpoch, status)[0]
			bar.Start(done - 1 - epoch*perEpoch)
			current = epoch
		}
		return bar.Run(done-epoch*perEpoch, m)
	}}}
}
