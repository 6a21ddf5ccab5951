package imgebm

import (
	"fmt"
	"image"
	"math"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// Sizes of an evaluation.
const (
	evalSamples   = 64   // chains from noise, and buffer chains shown
	evalTest      = 1000 // test images whose energies are averaged
	chainsShown   = 4    // chains drawn over their steps in chain.png
	chainSnaps    = 10   // segments of those chains drawn
	perClassShown = 8    // JEM's class-conditional samples per class
	confidence    = 0.9  // class probability that makes a sample count for its class
)

// evaluation is what one evaluation measured and draws.
type evaluation struct {
	buffer, fresh *tensor.Tensor   // replay-buffer chains, chains from noise
	snaps         []*tensor.Tensor // the first chainsShown chains from noise, at each segment's start and at the end
	classes       *tensor.Tensor   // JEM's class-conditional samples, perClassShown per class
}

// evaluate appends an evaluation line and redraws the pictures. Chains
// start from the same noise at every evaluation (a seed of their own), so
// that the pictures show the model's changes alone and a resumed run
// evaluates as one that never stopped.
func (r *run) evaluate(done int, _ train.Metrics) error {
	r.model.Step = done
	rng := tensor.NewRNG(r.cfg.Seed + 1000)
	ev := evaluation{buffer: r.buffer.Chains.Narrow(0, 0, min(evalSamples, r.buffer.Chains.Size(0)))}
	fresh := r.model.noise(evalSamples, rng)
	seg := max(1, r.cfg.SampleSteps/chainSnaps)
	for left := r.cfg.SampleSteps; left > 0; left -= seg {
		ev.snaps = append(ev.snaps, fresh.Narrow(0, 0, chainsShown).Clone())
		fresh = r.model.langevin(min(seg, left)).Run(r.model, nil, fresh, rng)
	}
	ev.snaps = append(ev.snaps, fresh.Narrow(0, 0, chainsShown).Clone())
	ev.fresh = fresh
	test := r.test.X.Narrow(0, 0, min(evalTest, r.test.X.Size(0)))
	rec := train.Metrics{"step": done, "eval": true,
		"e_test": r.meanEnergy(test), "e_buffer": r.meanEnergy(ev.buffer), "e_fresh": r.meanEnergy(ev.fresh)}
	if r.classify != nil {
		for name, s := range map[string]*tensor.Tensor{"fresh": ev.fresh, "buffer": ev.buffer} {
			probs := r.classify(s)
			st := energy.ClassCoverage(probs, confidence)
			rec["classes_covered_"+name], rec["classes"], rec["class_confident_"+name] = st.Covered, st.Modes, st.HighQuality
			rec["class_counts_"+name] = st.Counts
		}
	}
	if r.kind == KindJEM {
		rec["test_accuracy"] = r.accuracy()
		labels := make([]int, 0, r.cfg.Classes*perClassShown)
		for c := range r.cfg.Classes {
			for range perClassShown {
				labels = append(labels, c)
			}
		}
		ev.classes = r.model.SampleClasses(labels, 0, rng)
	}
	r.last = Result{Step: done, Eval: rec}
	if err := r.dir.AppendMetrics(rec); err != nil {
		return err
	}
	return r.drawPictures(done, ev)
}

// meanEnergy returns the mean energy E(x) of images x, without a graph.
func (r *run) meanEnergy(x *tensor.Tensor) float64 {
	var s float64
	for lo := 0; lo < x.Size(0); lo += 500 {
		for _, v := range r.model.Energy(nil, x.Narrow(0, lo, min(500, x.Size(0)-lo))).DetachRelease().Data() {
			s += float64(v)
		}
	}
	return s / float64(max(1, x.Size(0)))
}

// accuracy returns the share of the test images JEM labels right.
func (r *run) accuracy() float64 {
	right, n := 0, r.test.X.Size(0)
	for lo := 0; lo < n; lo += 500 {
		pred := r.model.Logits(r.test.X.Narrow(0, lo, min(500, n-lo))).DetachRelease().Argmax(1).Data()
		for i, p := range pred {
			if int(p) == r.test.Labels[lo+i] {
				right++
			}
		}
	}
	return float64(right) / float64(max(1, n))
}

// drawPictures writes samples.png (replay-buffer chains), noise.png
// (chains from uniform noise), chain.png (chains from noise over their
// steps), energy.png (energies of data and samples over training), and
// for JEM classes.png (class-conditional samples) and accuracy.png.
func (r *run) drawPictures(done int, ev evaluation) error {
	m, c := r.model, r.cfg
	what := fmt.Sprintf("%s %s, step %d", c.Data, r.kind, done)
	pics := map[string]image.Image{
		"samples.png": m.grid(ev.buffer, 8, fmt.Sprintf("%d of the %d replay-buffer chains (%s)", ev.buffer.Size(0), c.BufferSize, what)),
		"noise.png":   m.grid(ev.fresh, 8, fmt.Sprintf("%d Langevin chains of %d steps from uniform noise (%s)", ev.fresh.Size(0), c.SampleSteps, what)),
	}
	strip := make([]*tensor.Tensor, 0, chainsShown*len(ev.snaps))
	for i := range chainsShown {
		for _, s := range ev.snaps {
			strip = append(strip, s.Narrow(0, i, 1))
		}
	}
	seg := max(1, c.SampleSteps/chainSnaps)
	pics["chain.png"] = m.grid(tensor.Concat(0, strip...), len(ev.snaps),
		fmt.Sprintf("%d chains from noise, one a row: Langevin steps 0, %d, ..., %d left to right (%s)", chainsShown, seg, c.SampleSteps, what))
	if ev.classes != nil {
		pics["classes.png"] = m.grid(ev.classes, perClassShown,
			fmt.Sprintf("Samples of E(x, y) = -f(x)[y], one class a row from 0 (%d steps from noise; %s)", c.SampleSteps, what))
	}
	log, err := r.dir.Metrics()
	if err != nil {
		return err
	}
	if curves := r.energyCurves(log); curves != nil {
		pics["energy.png"] = curves
	}
	if r.kind == KindJEM {
		steps, acc := log.Series("test_accuracy")
		pics["accuracy.png"] = viz.LinePlot{Series: []viz.Series{{X: steps, Y: acc, Name: "test accuracy"}},
			Labels: viz.Labels{Title: fmt.Sprintf("JEM on %s: test accuracy of argmax_y f(x)[y]", c.Data), XLabel: "step", YLabel: "accuracy"}}.Render()
	}
	for name, img := range pics {
		if err := viz.SavePNG(r.dir.File(name), img); err != nil {
			return err
		}
	}
	return nil
}

// energyCurves draws the mean energies of the data and the negatives of
// each step (moving averages) and, at the evaluations, those of test
// images and of the chains from noise, from the run's metrics log; nil
// before there are two steps.
func (r *run) energyCurves(log train.MetricsLog) image.Image {
	var series []viz.Series
	for i, s := range []struct{ key, name string }{
		{"e_pos", "training images (moving average)"}, {"e_neg", "replay-buffer negatives (moving average)"},
		{"e_test", "test images"}, {"e_fresh", fmt.Sprintf("chains of %d steps from noise", r.cfg.SampleSteps)},
	} {
		steps, v := log.Series(s.key)
		if len(v) < 2 {
			continue
		}
		if i < 2 {
			v = smooth(v, 0.98)
		}
		series = append(series, viz.Series{X: steps, Y: v, Color: viz.Palette(i), Name: s.name})
	}
	if len(series) == 0 {
		return nil
	}
	return viz.LinePlot{Series: series, Labels: viz.Labels{Title: fmt.Sprintf("Energies E(x) of data and samples: %s %s", r.cfg.Data, r.kind),
		XLabel: "step", YLabel: "mean energy (lower: more probable)"}}.Render()
}

// smooth returns the exponential moving average of v with weight w on
// the past.
func smooth(v []float64, w float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x
		if i > 0 && !math.IsNaN(out[i-1]) {
			out[i] = w*out[i-1] + (1-w)*x
		}
	}
	return out
}
