package label

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
	// Train and Test are the labelled data the run uses; nil opens
	// Config.Data and Config.TestData (data.Open). Callers with their own
	// data, and tests, set them.
	Train, Test *data.Set
	// NoPictures leaves the pictures out, for sweeps that want only the
	// metrics.
	NoPictures bool
}

// Result is the last evaluation line of a run (see Train) and the number
// of steps done.
type Result struct {
	Step int
	Eval train.Metrics
}

// run is a live training run.
type run struct {
	cfg         Config
	dir         *train.Dir
	train, test *data.Set
	loader      *data.Loader
	perEpoch    int
	model       *Model
	loss        energy.Loss
	opt         *optim.Adam
	lastEval    train.Metrics
	epoch       int
	pictures    bool
}

// Train trains a label energy of kind "ebm-label" in dir, or resumes the
// run there when dir holds a checkpoint. Every step appends its "loss" to
// metrics.jsonl; every epoch appends an evaluation line with "epoch",
// "train_loss" (the mean of the epoch's step losses), "test_loss",
// "test_accuracy" (the share of test samples whose label has the lowest
// energy) and "test_margin" (the mean of E(most offending incorrect
// answer) - E(correct answer) over the test set), and redraws
// energies.png and curves.png. See train.Loop.Run for the errors of an
// interrupted, diverged or finished run.
func Train(ctx context.Context, dir *train.Dir, cfg Config, opts Options) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	trainSet, testSet, err := openData(cfg, opts)
	if err != nil {
		return Result{}, err
	}
	cfg.Shape, cfg.Classes = slices.Clone(trainSet.Shape), trainSet.Classes
	if err := cfg.checkShape(cfg.Shape); err != nil {
		return Result{}, err
	}
	if err := checkLabels(testSet, cfg.Classes); err != nil {
		return Result{}, err
	}
	r := &run{cfg: cfg, dir: dir, train: trainSet, test: testSet, pictures: !opts.NoPictures}
	r.loss, _ = cfg.LossFunc()
	r.model = NewModel(tensor.NewRNG(cfg.Seed), cfg)
	// The order of each epoch is a function of the seed and the epoch
	// (data.Loader), so the step number alone says which batch comes next.
	r.loader, err = data.NewLoader(trainSet.X, trainSet.Labels, data.LoaderOptions{BatchSize: cfg.Batch, Shuffle: true, RNG: tensor.NewRNG(cfg.Seed + 1)})
	if err != nil {
		return Result{}, err
	}
	r.perEpoch = r.loader.Len()
	r.opt, err = optim.NewAdam(nn.Tensors(r.model), optim.AdamConfig{LR: cfg.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	if err != nil {
		return Result{}, err
	}
	header, err := train.NewHeader(Kind, cfg)
	if err != nil {
		return Result{}, err
	}
	steps := cfg.Epochs * r.perEpoch
	status := func(m train.Metrics) string { return fmt.Sprintf("loss %.4f", m["loss"]) }
	loop := &train.Loop{
		Dir: dir, Header: header, Steps: steps, CheckpointEvery: cfg.CheckpointEvery, Log: opts.Log,
		Parts: []train.Stateful{train.Module("", r.model), train.Optimizer("", r.opt)},
		Hooks: append([]train.Hook{{Every: r.perEpoch, Run: r.evaluate}}, opts.ProgressHooks("train "+Kind, steps, status)...),
	}
	done, err := loop.Run(ctx, r.step)
	return Result{Step: done, Eval: r.lastEval}, err
}

// openData returns the data sets of opts, or opens them, keeps the
// training samples TrainSize chooses and checks that both are labelled
// samples of one shape.
func openData(c Config, opts Options) (trainSet, testSet *data.Set, err error) {
	if trainSet, err = data.OpenUnlessGiven(opts.Train, c.Data, data.Train); err != nil {
		return nil, nil, err
	}
	testData := c.Data
	if c.TestData != "" {
		testData = c.TestData
	}
	if testSet, err = data.OpenUnlessGiven(opts.Test, testData, data.Test); err != nil {
		return nil, nil, err
	}
	if trainSet.Labels == nil {
		return nil, nil, train.Settingf("data", "%s has no labels (a CSV file needs a column named label)", trainSet.Name)
	}
	if trainSet.Classes < 2 {
		return nil, nil, train.Settingf("data", "%s has %d label, and an energy over labels needs at least 2", trainSet.Name, trainSet.Classes)
	}
	if !slices.Equal(trainSet.Shape, testSet.Shape) {
		return nil, nil, train.Settingf("test-data", "%s has samples of shape %v and %s of shape %v", trainSet.Name, trainSet.Shape, testSet.Name, testSet.Shape)
	}
	if c.TrainSize > 0 && c.TrainSize < trainSet.X.Size(0) {
		t := *trainSet
		t.X, t.Labels = trainSet.X.Narrow(0, 0, c.TrainSize), trainSet.Labels[:c.TrainSize]
		trainSet = &t
	}
	return trainSet, testSet, nil
}

// step trains on the batch the step number selects.
func (r *run) step(done int) (train.Metrics, error) {
	b := r.loader.Batch(done/r.perEpoch, done%r.perEpoch)
	v, err := train.Step(r.opt, r.loss.Finite(r.model.Energies(b.X), b.Labels))
	if err != nil {
		return nil, err
	}
	return train.Metrics{"loss": v}, nil
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
	first := (epoch-1)*r.perEpoch + 1 // the epoch's first step, counting from 1
	steps, losses := log.Since(float64(first)).Series("loss")
	var sum float64
	var n int
	for i, s := range steps {
		if int(s) >= first && int(s) <= done {
			sum += losses[i]
			n++
		}
	}
	if n > 0 {
		rec["train_loss"] = sum / float64(n)
	}
	ev, err := Evaluate(r.model, r.loss, r.test)
	if err != nil {
		return err
	}
	rec["test_loss"], rec["test_accuracy"], rec["test_margin"] = ev.Loss, ev.Accuracy, ev.Margin
	r.lastEval, r.epoch = rec, epoch
	if err := r.dir.AppendMetrics(rec); err != nil {
		return err
	}
	if !r.pictures {
		return nil
	}
	return r.drawPictures()
}
