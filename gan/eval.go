package gan

import (
	"fmt"
	"image"
	"math"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// start restores, on a resumed run, the coverage of the last evaluation
// (for the progress line and the collapse warning).
func (r *run) start(done int) {
	if done == 0 || r.modes == nil {
		return
	}
	log, err := r.dir.Metrics()
	steps, covered := log.Series("modes_covered")
	_, hq := log.Series("high_quality")
	_, kl := log.Series("mode_kl")
	if err != nil || len(steps) == 0 {
		return
	}
	i := len(covered) - 1
	r.last.Modes = energy.ModeStats{Modes: len(r.modes), Covered: int(covered[i]), ReverseKL: math.Inf(1)}
	if len(hq) == len(covered) {
		r.last.Modes.HighQuality = hq[i]
	}
	if len(kl) == len(covered) {
		r.last.Modes.ReverseKL = kl[i]
	}
}

// evalNoise returns the fixed noise of the evaluations, the same at every
// evaluation so that the pictures show the generator's changes alone.
func (r *run) evalNoise(n int) *tensor.Tensor {
	return tensor.Randn(tensor.NewRNG(r.cfg.Seed+1000), n, r.cfg.Latent)
}

// evaluate appends an evaluation line (mode coverage on data with known
// modes), warns when the modes covered drop, and redraws the pictures.
func (r *run) evaluate(done int, _ train.Metrics) error {
	rec := train.Metrics{"step": done, "eval": true}
	samples := r.gan.Generate(r.evalNoise(coverageSamples))
	prev := r.last.Modes
	r.last = Result{Step: done, Eval: rec}
	if r.modes != nil {
		st := energy.ModeCoverage(samples, r.modes, r.modeStd)
		r.last.Modes = st
		rec["modes_covered"], rec["modes"], rec["high_quality"] = st.Covered, st.Modes, st.HighQuality
		if !math.IsInf(st.ReverseKL, 0) {
			rec["mode_kl"] = st.ReverseKL
		}
		if prev.Modes > 0 && st.Covered < prev.Covered && r.out.Log != nil {
			fmt.Fprintf(r.out.Log, "step %d: mode collapse detected: modes covered fell from %d to %d of %d\n", done, prev.Covered, st.Covered, st.Modes)
		}
	}
	if r.classifier != nil {
		r.measureImages(rec, samples)
	}
	if err := r.dir.AppendMetrics(rec); err != nil {
		return err
	}
	return r.drawPictures(done, samples)
}

// measureImages adds the classifier's measures of image samples (pixels
// in [0, 1]) to the evaluation line rec: "classes_covered" of "classes"
// (classes with a confident sample, whose most probable class has
// probability at least 0.9), "class_confident" (the share of confident
// samples), "class_kl" (KL of their class histogram to uniform, nats)
// and "classifier_fd", the Fréchet distance between the Gaussians fitted
// to the classifier's penultimate features of the samples and of as many
// training images. It is FID's formula in this small classifier's
// features, not Inception's: comparable between runs measured by the same
// classifier, not with published FIDs.
func (r *run) measureImages(rec train.Metrics, samples *tensor.Tensor) {
	st := energy.ClassCoverage(r.classifier.Probs(samples), 0.9)
	rec["classes_covered"], rec["classes"], rec["class_confident"] = st.Covered, st.Modes, st.HighQuality
	if !math.IsInf(st.ReverseKL, 0) {
		rec["class_kl"] = st.ReverseKL
	}
	rec["classifier_fd"] = energy.FrechetDistance(r.classifier.Features(samples), r.realFeats)
}

// drawPictures writes samples.png (2-D: samples over the discriminator's
// landscape with the data; images: the fixed noise's samples, also kept
// as samples-STEP.png), modes.png on data with known modes and loss.png.
func (r *run) drawPictures(done int, samples *tensor.Tensor) error {
	pics := map[string]image.Image{}
	title := fmt.Sprintf("%s, %s, step %d", r.cfg.Data, r.cfg.describe(), done)
	switch {
	case data.IsImage(r.cfg.Shape):
		grid := r.gan.Plot(samples.Narrow(0, 0, 64), "Samples of fixed noise: "+title)
		pics["samples.png"] = grid
		pics[fmt.Sprintf("samples-%06d.png", done)] = grid
	case r.cfg.Shape[0] == 2:
		shown := r.real.Narrow(0, 0, min(1000, r.real.Size(0)))
		pics["samples.png"] = r.gan.landscape(shown, samples.Narrow(0, 0, 1000), title)
	}
	log, err := r.dir.Metrics()
	if err != nil {
		return err
	}
	if r.modes != nil {
		if img := r.modesPlot(log); img != nil {
			pics["modes.png"] = img
		}
	}
	if img := r.lossPlot(log); img != nil {
		pics["loss.png"] = img
	}
	for name, img := range pics {
		if err := viz.SavePNG(r.dir.File(name), img); err != nil {
			return err
		}
	}
	return nil
}

// describe names the loss, the packing, spectral normalisation, the
// schedule and the average.
func (c Config) describe() string {
	s := c.Loss + " loss"
	if c.SpectralNorm {
		s += ", spectral norm"
	}
	if c.Pack > 1 {
		s += fmt.Sprintf(", packing %d", c.Pack)
	}
	if c.LRSchedule == "cosine" {
		s += ", cosine decay"
	}
	if c.EMA > 0 {
		s += fmt.Sprintf(", EMA %g", c.EMA)
	}
	return s
}

// Plot draws samples ([n, D] in the data's space): images as a grid of
// eight columns, 2-D points over the discriminator's landscape.
func (g *GAN) Plot(samples *tensor.Tensor, title string) image.Image {
	if data.IsImage(g.Config.Shape) {
		s := g.Config.Shape
		grid := viz.ImageGrid{Images: samples.Reshape(append([]int{samples.Size(0)}, s...)...), Cols: 8, Zoom: max(2, 56/s[1])}.Render()
		return viz.Annotate(grid, viz.Labels{Title: title})
	}
	return g.landscape(nil, samples, title)
}

// landscape draws the discriminator's score over the plane with the data
// points (white) and the samples (red).
func (g *GAN) landscape(real, samples *tensor.Tensor, title string) image.Image {
	box := g.box(samples)
	field := viz.EvalGrid(box, 150, g.PointScores)
	what, bar := "discriminator's logit of real", "logit"
	switch g.Config.Loss {
	case "ebgan":
		what, bar = "discriminator's energy", "energy"
	case "wgan-gp":
		what, bar = "critic's value", "critic"
	}
	sets := []viz.PointSet{{Points: samples, Color: viz.SampleColor, Name: "generated"}}
	what = fmt.Sprintf("%s, %d samples in red", what, samples.Size(0))
	if real != nil {
		sets = append([]viz.PointSet{{Points: real, Color: viz.DataColor, Name: "data"}}, sets...)
		what = fmt.Sprintf("%s, %d data points in white", what, real.Size(0))
	}
	return viz.EnergyPlot{
		Field: field, Scale: viz.ColorScale{Low: 2, High: 98}, Points: sets, ColorBar: true, BarLabel: bar,
		Labels: viz.Labels{Title: fmt.Sprintf("%s: %s", title, what), XLabel: "x", YLabel: "y"},
	}.Render()
}

// box is the plotting box of the data set, or, for data without one, the
// span of the points with a margin.
func (g *GAN) box(pts *tensor.Tensor) viz.Box {
	if b, ok := data.Bounds(g.Config.Data); ok {
		return viz.Box(b)
	}
	b := viz.Box{XMin: math.Inf(1), XMax: math.Inf(-1), YMin: math.Inf(1), YMax: math.Inf(-1)}
	d := pts.Data()
	for i := 0; i+1 < len(d); i += 2 {
		x, y := float64(d[i]), float64(d[i+1])
		b.XMin, b.XMax, b.YMin, b.YMax = min(b.XMin, x), max(b.XMax, x), min(b.YMin, y), max(b.YMax, y)
	}
	m := max(b.XMax-b.XMin, b.YMax-b.YMin, 1e-3) / 10
	return viz.Box{XMin: b.XMin - m, XMax: b.XMax + m, YMin: b.YMin - m, YMax: b.YMax + m}
}

// modesPlot draws the modes covered and the share of high-quality samples
// over the run's evaluations in its metrics log; nil before the first.
func (r *run) modesPlot(log train.MetricsLog) image.Image {
	steps, covered := log.Series("modes_covered")
	if len(steps) < 1 {
		return nil
	}
	hqSteps, hq := log.Series("high_quality")
	n := float64(len(r.modes))
	top := viz.LinePlot{
		// The reference first, so that the coverage is drawn over it
		// where they meet.
		Series: []viz.Series{{X: []float64{steps[0], steps[len(steps)-1]}, Y: []float64{n, n}, Color: viz.Palette(7), Name: "all modes"},
			{X: steps, Y: covered, Color: viz.Palette(0), Name: "modes covered"}},
		Labels: viz.Labels{Title: fmt.Sprintf("Mode coverage of %d samples: %s, %s", coverageSamples, r.cfg.Data, r.cfg.describe()), XLabel: "step", YLabel: "modes with a sample within 3 std"},
		Height: 220,
	}
	pct := make([]float64, len(hq))
	for i, v := range hq {
		pct[i] = 100 * v
	}
	bottom := viz.LinePlot{
		Series: []viz.Series{{X: hqSteps, Y: pct, Color: viz.Palette(2), Name: "samples within 3 std of a mode"}},
		Labels: viz.Labels{Title: "High-quality samples", XLabel: "step", YLabel: "percent"},
		Height: 180,
	}
	return viz.Tile([]image.Image{top.Render(), bottom.Render()}, 1)
}

// lossPlot draws the discriminator's and generator's losses of the run's
// metrics log, smoothed; nil before there are two steps.
func (r *run) lossPlot(log train.MetricsLog) image.Image {
	var series []viz.Series
	for i, key := range []string{"d_loss", "g_loss"} {
		steps, v := log.Series(key)
		if len(v) < 2 {
			return nil
		}
		smooth := make([]float64, len(v))
		for j, x := range v {
			smooth[j] = x
			if j > 0 {
				smooth[j] = 0.98*smooth[j-1] + 0.02*x
			}
		}
		series = append(series, viz.Series{X: steps, Y: smooth, Color: viz.Palette(i), Name: map[string]string{"d_loss": "discriminator", "g_loss": "generator"}[key]})
	}
	return viz.LinePlot{Series: series, Labels: viz.Labels{Title: fmt.Sprintf("Losses (moving average, weight 0.98): %s, %s", r.cfg.Data, r.cfg.describe()), XLabel: "step", YLabel: "loss"}}.Render()
}
