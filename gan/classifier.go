package gan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// ClassifierKind is the kind of the run folders classifiers train in.
const ClassifierKind = "gan-classifier"

// ClassifierConfig is the recipe of the image classifier whose outputs
// and features measure generated images: two stride-2 Conv2d layers (5x5,
// padding 2) with ReLU, a Linear layer to Features units with ReLU (the
// penultimate features), and a Linear layer to the class logits, trained
// with Adam on the cross-entropy.
type ClassifierConfig struct {
	Data     string  `json:"data"`
	Channels [2]int  `json:"channels"`
	Features int     `json:"features"`
	Batch    int     `json:"batch"`
	Steps    int     `json:"steps"`
	LR       float64 `json:"lr"`
	Seed     uint64  `json:"seed"`
}

// DefaultClassifierConfig is the recipe for MNIST: channels 16 and 32, 128
// features, 1500 steps of batches of 64 (1.6 epochs) at Adam 1e-3.
func DefaultClassifierConfig() ClassifierConfig {
	return ClassifierConfig{Data: "mnist", Channels: [2]int{16, 32}, Features: 128, Batch: 64, Steps: 1500, LR: 1e-3, Seed: 1}
}

// Classifier is a trained image classifier on rows [N, C*H*W] of pixels
// in [0, 1].
type Classifier struct {
	// Net maps images to logits; its last layer is the Linear head, the
	// rest give the features.
	Net *nn.Sequential
	// Accuracy is the share of the test split it labels right.
	Accuracy float64
}

// NewClassifier returns the untrained classifier of images of shape
// [C, H, W] (H and W divisible by 4) into classes classes.
func NewClassifier(rng *tensor.RNG, cfg ClassifierConfig, shape []int, classes int) *Classifier {
	spec := nn.ConvSpec{Kernel: 5, Stride: 2, Padding: 2}
	c1, c2 := cfg.Channels[0], cfg.Channels[1]
	return &Classifier{Net: nn.NewSequential(
		&nn.Unflatten{Shape: shape},
		nn.NewConv2d(rng, shape[0], c1, spec), nn.ReLU(),
		nn.NewConv2d(rng, c1, c2, spec), nn.ReLU(),
		nn.Flatten(), nn.NewLinear(rng, c2*(shape[1]/4)*(shape[2]/4), cfg.Features, true), nn.ReLU(),
		nn.NewLinear(rng, cfg.Features, classes, true),
	)}
}

// Features returns the penultimate features of images x, [N, Features],
// carrying no gradient.
func (c *Classifier) Features(x *tensor.Tensor) *tensor.Tensor {
	for _, l := range c.Net.Layers[:len(c.Net.Layers)-1] {
		x = l.Forward(x)
	}
	return x.DetachRelease()
}

// Probs returns the class probabilities of images x, [N, classes].
func (c *Classifier) Probs(x *tensor.Tensor) *tensor.Tensor {
	return c.Net.Forward(x).Softmax(1).DetachRelease()
}

// accuracy returns the share of the labelled set s that c labels right.
func (c *Classifier) accuracy(s *data.Set) float64 {
	right := 0
	for lo := 0; lo < s.X.Size(0); lo += 500 {
		n := min(500, s.X.Size(0)-lo)
		pred := c.Net.Forward(s.X.Narrow(0, lo, n)).DetachRelease().Argmax(1).Data()
		for i, p := range pred {
			if int(p) == s.Labels[lo+i] {
				right++
			}
		}
	}
	return float64(right) / float64(s.X.Size(0))
}

// TrainClassifier trains the classifier of cfg on the labelled images
// trainSet in the run folder dir (resuming a stopped run; a finished run
// is only loaded) and measures it on testSet; the accuracy is kept in
// dir's metrics.jsonl as "test_accuracy".
func TrainClassifier(ctx context.Context, dir *train.Dir, cfg ClassifierConfig, trainSet, testSet *data.Set) (*Classifier, error) {
	if !data.IsImage(trainSet.Shape) || trainSet.Shape[1]%4 != 0 || trainSet.Shape[2]%4 != 0 || trainSet.Labels == nil {
		return nil, fmt.Errorf("gan: the classifier needs labelled images of sides divisible by 4, %s has shape %v", trainSet.Name, trainSet.Shape)
	}
	rng := tensor.NewRNG(cfg.Seed)
	c := NewClassifier(rng, cfg, trainSet.Shape, trainSet.Classes)
	opt, err := optim.NewAdam(nn.Tensors(c.Net), optim.AdamConfig{LR: cfg.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	if err != nil {
		return nil, err
	}
	header, err := train.NewHeader(ClassifierKind, cfg)
	if err != nil {
		return nil, err
	}
	parts := []train.Stateful{train.Module("classifier.", c.Net), train.Optimizer("classifier", opt), train.RNG("rng", rng)}
	labels := make([]float32, cfg.Batch)
	step := func(int) (train.Metrics, error) {
		idx := make([]int, cfg.Batch)
		for i := range idx {
			idx[i] = rng.IntN(trainSet.X.Size(0))
			labels[i] = float32(trainSet.Labels[idx[i]])
		}
		loss, err := train.Step(opt, nn.CrossEntropyLoss(c.Net.Forward(trainSet.X.IndexSelect(0, idx)), tensor.New(labels, cfg.Batch)))
		return train.Metrics{"loss": loss}, err
	}
	measure := train.Hook{Every: cfg.Steps, Run: func(done int, _ train.Metrics) error {
		return dir.AppendMetrics(train.Metrics{"step": done, "eval": true, "test_accuracy": c.accuracy(testSet)})
	}}
	loop := &train.Loop{Dir: dir, Header: header, Parts: parts, Steps: cfg.Steps, CheckpointEvery: cfg.Steps, Hooks: []train.Hook{measure}}
	_, err = loop.Run(ctx, step)
	var fin *train.FinishedError
	if errors.As(err, &fin) {
		_, err = train.LoadCheckpoint(dir.File(train.CheckpointFile), parts[0])
	}
	if err != nil {
		return nil, err
	}
	log, err := dir.Metrics()
	_, acc := log.Series("test_accuracy")
	if err != nil || len(acc) == 0 {
		return nil, fmt.Errorf("gan: the classifier in %s has no test accuracy in its metrics (%v)", dir.Path, err)
	}
	c.Accuracy = acc[len(acc)-1]
	return c, nil
}

// ClassifierDir is the run folder the MNIST classifier is trained in once
// and then loaded from: gibbs/mnist-classifier in the user's cache folder
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux).
func ClassifierDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("gan: finding the cache folder for the MNIST classifier: %w", err)
	}
	return filepath.Join(cache, "gibbs", "mnist-classifier"), nil
}

// MNISTClassifier returns the classifier of DefaultClassifierConfig
// trained on MNIST in ClassifierDir, training it there first when it is
// not (a minute or two of CPU).
func MNISTClassifier(ctx context.Context) (*Classifier, error) {
	path, err := ClassifierDir()
	if err != nil {
		return nil, err
	}
	trainSet, err := data.Open("mnist", data.Train)
	if err != nil {
		return nil, err
	}
	testSet, err := data.Open("mnist", data.Test)
	if err != nil {
		return nil, err
	}
	dir, err := train.OpenDir(path)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	return TrainClassifier(ctx, dir, DefaultClassifierConfig(), trainSet, testSet)
}
