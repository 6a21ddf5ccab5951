package attention

import (
	"context"
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// Options are what a run needs apart from its config.
type Options struct {
	train.Output
	// Hooks are added to the loop's, after the evaluation.
	Hooks []train.Hook
}

// Result is the last evaluation of a run, on held-out sequences.
type Result struct {
	Step             int
	TokenAccuracy    float64 // share of target tokens predicted right
	SequenceAccuracy float64 // share of sequences predicted right in full
	TestLoss         float64 // cross-entropy per token, nats
	Sample           string  // text: a continuation of the held-out text
}

// run is a live training run.
type run struct {
	cfg    Config
	dir    *train.Dir
	model  *Transformer
	rng    *tensor.RNG
	opt    *optim.Adam
	sched  optim.Schedule
	draw   func(rng *tensor.RNG, n int) pairs // training batches
	test   pairs                              // held-out inputs and targets
	result Result
}

// Train runs cfg in dir, or resumes the run there when dir holds a
// checkpoint (cfg is then the run's config, with Steps possibly raised),
// and returns its last evaluation. Every EvalEvery steps it appends
// token_accuracy, sequence_accuracy and test_loss on cfg.TestSize held-out
// sequences to metrics.jsonl and draws attention.png (the attention maps
// of every layer and head for the first held-out sequence) and
// accuracy.png. The text task reads its file (setting Alphabet and Vocab
// from it on a new run), holds out the last tenth of it in windows of
// Length, reports test_bpc (bits per character) in place of
// sequence_accuracy, and writes sample.txt. See train.Loop.Run for the
// errors of an interrupted, diverged or finished run.
func Train(ctx context.Context, dir *train.Dir, cfg Config, opts Options) (Result, error) {
	var text *corpus
	if cfg.Task == "text" {
		var err error
		if text, err = readCorpus(cfg.Text, cfg.Alphabet); err != nil {
			return Result{}, err
		}
		cfg.Alphabet, cfg.Vocab = string(text.alphabet), len(text.alphabet)
		if len(text.train) <= cfg.Length || len(text.test) <= cfg.Length {
			return Result{}, train.Settingf("text", "%d characters are too few for windows of %d", len(text.train)+len(text.test), cfg.Length)
		}
	}
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	r := &run{cfg: cfg, dir: dir, model: NewTransformer(cfg), rng: tensor.NewRNG(cfg.Seed)}
	if text != nil {
		r.draw = func(rng *tensor.RNG, n int) pairs { return text.windows(rng, n, cfg.Length) }
		r.test = text.chunks(cfg.TestSize, cfg.Length)
	} else {
		r.draw = func(rng *tensor.RNG, n int) pairs { return cfg.pairs(rng, n, false) }
		r.test = cfg.pairs(tensor.NewRNG(cfg.Seed+1), cfg.TestSize, true)
	}
	var err error
	if r.opt, err = optim.NewAdam(nn.Tensors(r.model), optim.DefaultAdamConfig()); err != nil {
		return Result{}, err
	}
	cosine, err := optim.NewCosineLR(cfg.LR, 0, max(1, cfg.Steps-cfg.Warmup))
	if err != nil {
		return Result{}, err
	}
	if r.sched, err = optim.NewWarmup(cfg.Warmup, 0.01, cosine); err != nil {
		return Result{}, err
	}
	header, err := train.NewHeader(Kind, cfg)
	if err != nil {
		return Result{}, err
	}
	loop := &train.Loop{
		Dir: dir, Header: header, Steps: cfg.Steps, CheckpointEvery: cfg.CheckpointEvery, Log: opts.Log,
		Parts: []train.Stateful{train.Module("", r.model), train.Optimizer("", r.opt), train.RNG("rng", r.rng)},
		Hooks: append([]train.Hook{{Every: cfg.EvalEvery, Run: r.evaluate}}, opts.Hooks...),
	}
	loop.Hooks = append(loop.Hooks, opts.ProgressHooks("train transformer", cfg.Steps,
		func(m train.Metrics) string { return fmt.Sprintf("loss %.4f", m["loss"]) })...)
	done, err := loop.Run(ctx, r.step)
	r.result.Step = done
	return r.result, err
}

// step trains on a batch of fresh training sequences.
func (r *run) step(done int) (train.Metrics, error) {
	optim.Apply(r.opt, r.sched, done)
	v, err := train.Step(r.opt, r.loss(r.draw(r.rng, r.cfg.Batch)))
	if err != nil {
		return nil, err
	}
	return train.Metrics{"loss": v}, nil
}

// loss returns the mean cross-entropy per target token of the model on
// the pairs; an encoder-decoder reads the answer shifted right by the
// start token (teacher forcing).
func (r *run) loss(p pairs) *tensor.Tensor {
	src, tgt := p.src, p.tgt
	var tgtIn *tensor.Tensor
	if r.model.Decoder != nil {
		shifted := make([][]int, len(src))
		for i, t := range tgt {
			shifted[i] = append([]int{startToken(r.cfg.Vocab)}, t[:len(t)-1]...)
		}
		tgtIn = idTensor(shifted)
	}
	logits := r.model.Logits(idTensor(src), tgtIn)
	n := len(src) * r.cfg.targetLength()
	return nn.CrossEntropyLoss(logits.Reshape(n, r.cfg.Vocab), idTensor(tgt).Reshape(n))
}

// evaluate measures the model on the held-out sequences and draws the
// pictures.
func (r *run) evaluate(done int, _ train.Metrics) error {
	res := Result{Step: done, TestLoss: float64(r.loss(r.test).DetachRelease().Item())}
	pred := r.model.Predict(r.test.src)
	tokens, seqs := 0, 0
	for i, want := range r.test.tgt {
		right := 0
		for j, t := range want {
			if pred[i][j] == t {
				right++
			}
		}
		tokens += right
		if right == len(want) {
			seqs++
		}
	}
	res.TokenAccuracy = float64(tokens) / float64(len(r.test.tgt)*r.cfg.targetLength())
	res.SequenceAccuracy = float64(seqs) / float64(len(r.test.tgt))
	m := train.Metrics{"step": done, "token_accuracy": res.TokenAccuracy, "test_loss": res.TestLoss}
	if r.cfg.Task == "text" {
		m["test_bpc"] = res.TestLoss / math.Ln2
		if err := r.writeSample(&res); err != nil {
			return err
		}
	} else {
		m["sequence_accuracy"] = res.SequenceAccuracy
	}
	r.result = res
	if err := r.dir.AppendMetrics(m); err != nil {
		return err
	}
	if err := viz.SavePNG(r.dir.File("attention.png"), r.model.AttentionPicture(r.test.src[0])); err != nil {
		return err
	}
	return r.drawAccuracy()
}

// sampleLength is the number of characters of sample.txt.
const sampleLength = 400

// writeSample writes sample.txt: the first held-out window, then what the
// model writes after it at temperature 0.8, with a seed of its own so that
// samples of a resumed run are those of an uninterrupted one.
func (r *run) writeSample(res *Result) error {
	alphabet := []rune(r.cfg.Alphabet)
	var prompt []rune
	for _, t := range r.test.src[0] {
		prompt = append(prompt, alphabet[t])
	}
	s, err := r.model.Generate(string(prompt), sampleLength, 0.8, tensor.NewRNG(r.cfg.Seed+4))
	if err != nil {
		return err
	}
	res.Sample = s
	return atomicfile.WriteBytes(r.dir.File("sample.txt"), []byte(string(prompt)+"\n---- generated ----\n"+s+"\n"))
}

// drawAccuracy writes accuracy.png: the held-out accuracies of every
// evaluation so far.
func (r *run) drawAccuracy() error {
	log, err := r.dir.Metrics()
	if err != nil {
		return err
	}
	steps, tok := log.Series("token_accuracy")
	series := []viz.Series{{X: steps, Y: tok, Name: "per token"}}
	if r.cfg.Task != "text" {
		_, seq := log.Series("sequence_accuracy")
		series = append(series, viz.Series{X: steps, Y: seq, Name: "per sequence"})
	}
	plot := viz.LinePlot{Series: series, LineWidth: 2,
		Labels: viz.Labels{Title: "Held-out accuracy, task " + r.cfg.Task, XLabel: "step", YLabel: "accuracy"}}
	return viz.SavePNG(r.dir.File("accuracy.png"), plot.Render())
}
