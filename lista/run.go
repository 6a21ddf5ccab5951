package lista

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// Point holds the relative code errors (energy.CodeError against the
// optimal codes z*) of T ISTA iterations, T FISTA iterations and a trained
// LISTA of depth T, and FISTAEquiv, the number of FISTA iterations needed
// to do as well as that LISTA.
type Point struct {
	Depth      int     `json:"depth"`
	ISTA       float64 `json:"ista"`
	FISTA      float64 `json:"fista"`
	LISTA      float64 `json:"lista"`
	FISTAEquiv int     `json:"fista_equiv"`
}

// Comparison is the result of a run.
type Comparison struct {
	Points     []Point `json:"points"` // one per depth, in increasing order
	FISTAIters int     `json:"fista_iters"`
	FISTAError float64 `json:"fista_error"` // code error of FISTAIters iterations of FISTA
	// Match is the smallest depth whose LISTA error is at most FISTAError,
	// 0 when no depth up to MaxDepth reaches it.
	Match int `json:"match"`
}

// run is a live training run: the encoders of every depth are trained one
// after the other, Steps Adam steps each, to predict the optimal codes z*
// (FISTA after TargetIters iterations) of the training signals by
// minimising the mean over minibatches of ||z_LISTA(y) - z*||^2 (Gregor &
// LeCun 2010 use plain stochastic gradient descent).
type run struct {
	cfg         Config
	dir         *train.Dir
	model       *Model
	opts        []*optim.Adam
	train, test *tensor.Tensor
	trainCodes  *tensor.Tensor
	testCodes   *tensor.Tensor
	ista, fista []float64 // code errors on the test set after k iterations, at k-1
	order       []int     // data order of the current epoch
	orderOf     [2]int    // depth and epoch of order
}

// Train runs cfg in dir, or resumes the run there when dir holds a
// checkpoint, then writes lista.json and lista.png and returns the
// comparison. See train.Loop.Run for the errors of an interrupted,
// diverged or finished run.
func Train(ctx context.Context, dir *train.Dir, cfg Config, out train.Output) (*Comparison, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := newRun(cfg, dir)
	if err != nil {
		return nil, err
	}
	header, err := train.NewHeader(Kind, cfg)
	if err != nil {
		return nil, err
	}
	total := cfg.MaxDepth * cfg.Steps
	loop := &train.Loop{
		Dir: dir, Header: header, Parts: r.parts(), Steps: total, CheckpointEvery: cfg.CheckpointEvery, Log: out.Log,
		Hooks: append([]train.Hook{{Every: cfg.Steps, Run: r.evaluate}}, out.ProgressHooks("train lista", total,
			func(m train.Metrics) string { return fmt.Sprintf("depth %d loss %.4f", m["depth"], m["loss"]) })...),
	}
	if _, err := loop.Run(ctx, r.step); err != nil {
		return nil, err
	}
	c := r.compare()
	return c, r.write(c)
}

// newRun draws the signals and computes their optimal codes.
func newRun(cfg Config, dir *train.Dir) (*run, error) {
	r := &run{cfg: cfg, dir: dir, model: newModel(cfg)}
	rng := tensor.NewRNG(cfg.Seed + 1)
	sc := r.model.Coding
	r.train, _ = energy.SparseSignals(rng, sc.Dict, cfg.Train, cfg.Sparsity, float32(cfg.Noise))
	r.test, _ = energy.SparseSignals(rng, sc.Dict, cfg.Test, cfg.Sparsity, float32(cfg.Noise))
	r.trainCodes = sc.FISTA(r.train, cfg.TargetIters)
	r.testCodes = sc.FISTA(r.test, cfg.TargetIters)
	r.fista = make([]float64, cfg.TargetIters)
	sc.FISTAEach(r.test, cfg.TargetIters, func(k int, z *tensor.Tensor) { r.fista[k-1] = energy.CodeError(z, r.testCodes) })
	r.ista = make([]float64, cfg.MaxDepth)
	sc.ISTAEach(r.test, cfg.MaxDepth, func(k int, z *tensor.Tensor) { r.ista[k-1] = energy.CodeError(z, r.testCodes) })
	ac := optim.DefaultAdamConfig()
	ac.LR = cfg.LR
	for _, e := range r.model.Encoders {
		opt, err := optim.NewAdam(nn.Tensors(e), ac)
		if err != nil {
			return nil, err
		}
		r.opts = append(r.opts, opt)
	}
	return r, nil
}

// parts is what the checkpoint holds: the dictionary, the encoders and
// their optimizers. The data order is a function of the seed and the step
// and needs no state.
func (r *run) parts() []train.Stateful {
	ps := r.model.weights()
	for i, opt := range r.opts {
		ps = append(ps, train.Optimizer(depthPrefix(i+1), opt))
	}
	return ps
}

// batch returns the rows of step k of the encoder of depth d: minibatches
// drawn without replacement, in a fresh seeded order every epoch.
func (r *run) batch(depth, k int) []int {
	n := r.train.Size(0)
	bs := min(r.cfg.Batch, n)
	perEpoch := n / bs
	epoch := k / perEpoch
	if r.order == nil || r.orderOf != [2]int{depth, epoch} {
		r.order = tensor.NewRNG(r.cfg.Seed ^ uint64(depth)<<32 ^ uint64(epoch)<<40).Perm(n)
		r.orderOf = [2]int{depth, epoch}
	}
	pos := (k % perEpoch) * bs
	return r.order[pos : pos+bs]
}

// step takes one Adam step on the encoder being trained.
func (r *run) step(done int) (train.Metrics, error) {
	depth, k := done/r.cfg.Steps+1, done%r.cfg.Steps
	idx := r.batch(depth, k)
	z := r.model.Encoders[depth-1].Forward(r.train.IndexSelect(0, idx))
	v, err := train.Step(r.opts[depth-1], z.Sub(r.trainCodes.IndexSelect(0, idx)).Square().Sum(1).Mean())
	if err != nil {
		return nil, err
	}
	return train.Metrics{"depth": depth, "loss": v}, nil
}

// point compares the encoder of depth d with ISTA and FISTA on the test set.
func (r *run) point(depth int) Point {
	z := r.model.Encoders[depth-1].Forward(r.test).DetachRelease()
	p := Point{Depth: depth, ISTA: r.ista[depth-1], FISTA: r.fista[depth-1], LISTA: energy.CodeError(z, r.testCodes)}
	for k, e := range r.fista {
		if e <= p.LISTA {
			p.FISTAEquiv = k + 1
			break
		}
	}
	return p
}

// evaluate writes the point of the encoder just trained to the metrics.
func (r *run) evaluate(done int, _ train.Metrics) error {
	p := r.point(done / r.cfg.Steps)
	return r.dir.AppendMetrics(train.Metrics{"step": done, "depth": p.Depth, "ista": p.ISTA, "fista": p.FISTA, "lista": p.LISTA, "fista_equiv": p.FISTAEquiv})
}

// compare returns the comparison of all the trained encoders.
func (r *run) compare() *Comparison {
	c := &Comparison{FISTAIters: r.cfg.FISTAIters, FISTAError: r.fista[r.cfg.FISTAIters-1]}
	for d := 1; d <= r.cfg.MaxDepth; d++ {
		p := r.point(d)
		c.Points = append(c.Points, p)
		if c.Match == 0 && p.LISTA <= c.FISTAError {
			c.Match = d
		}
	}
	return c
}

// write stores the comparison in lista.json (keys in snake_case, like
// metrics.jsonl) and draws the code errors by depth in lista.png.
func (r *run) write(c *Comparison) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(r.dir.File("lista.json"), append(b, '\n')); err != nil {
		return err
	}
	var depth, ista, fista, lista []float64
	for _, p := range c.Points {
		depth = append(depth, float64(p.Depth))
		ista, fista, lista = append(ista, p.ISTA), append(fista, p.FISTA), append(lista, p.LISTA)
	}
	plot := viz.LinePlot{LogY: true, Series: []viz.Series{
		{X: depth, Y: ista, Color: viz.Palette(0), Name: "ISTA, T iterations"},
		{X: depth, Y: fista, Color: viz.Palette(1), Name: "FISTA, T iterations"},
		{X: depth, Y: lista, Color: viz.Palette(2), Name: "LISTA, T layers (trained)"},
	}, Labels: viz.Labels{
		Title:  fmt.Sprintf("sparse codes of %d test signals: error against FISTA after %d iterations", r.cfg.Test, r.cfg.TargetIters),
		XLabel: "T: iterations or encoder depth", YLabel: "relative code error (log scale)",
	}}
	return viz.SavePNG(r.dir.File("lista.png"), plot.Render())
}
