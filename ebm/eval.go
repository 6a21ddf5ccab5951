package ebm

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// gridResolution is the number of cells per side of the grid on which the
// test NLL normalises the density.
const gridResolution = 256

// evaluate writes an evaluation line to the metrics (test NLL, true NLL,
// mode statistics, acceptance rates) and the pictures.
func (r *run) evaluate(done int, _ train.Metrics) error {
	m := r.evaluated()
	res := Result{Step: done, TestNLL: energy.GridNLL(m, r.test, m.Box, gridResolution), TrueNLL: math.NaN()}
	rec := train.Metrics{"step": done, "test_nll": res.TestNLL}
	samples, source := r.samples(2000)
	if logp, ok := data.ToyDensity(r.cfg.Data); ok {
		var s float64
		for i := 0; i < r.test.Size(0); i++ {
			s -= logp(float64(r.test.At(i, 0)), float64(r.test.At(i, 1)))
		}
		res.TrueNLL = s / float64(r.test.Size(0))
		if !math.IsInf(res.TrueNLL, 0) {
			rec["true_nll"] = res.TrueNLL
		}
	}
	if modes, std, ok := data.ToyModes(r.cfg.Data); ok {
		res.Modes = energy.ModeCoverage(samples, modes, std)
		rec["modes_covered"], rec["modes"], rec["high_quality"] = res.Modes.Covered, res.Modes.Modes, res.Modes.HighQuality
		if !math.IsInf(res.Modes.ReverseKL, 0) {
			rec["mode_kl"] = res.Modes.ReverseKL
		}
	}
	for name, a := range r.acceptances() {
		rec[name+"_acceptance"] = a.AcceptanceRate()
	}
	r.result = res
	if err := r.dir.AppendMetrics(rec); err != nil {
		return err
	}
	return r.drawPictures(done, samples, source, res.TrueNLL)
}

// samples returns n model samples and where they come from: annealed
// Langevin chains for score matching, replay-buffer chains (of the raw
// weights) when there is a buffer, otherwise fresh long chains from
// uniform noise, by HMC with the run's (adapted) step for an HMC run and
// by Langevin for the others; all but the buffer's sample the evaluated
// model.
func (r *run) samples(n int) (*tensor.Tensor, string) {
	m := r.evaluated()
	if !r.cfg.contrastive() {
		s := m.Sample(n, 0, tensor.NewRNG(r.cfg.Seed+6))
		return s, fmt.Sprintf("%d chains of annealed Langevin dynamics (%d levels, %d steps each)", n, r.cfg.Levels, r.cfg.LangevinSteps)
	}
	if r.replay != nil {
		s := r.replay.Chains.Narrow(0, 0, min(n, r.replay.Chains.Size(0)))
		return s, fmt.Sprintf("%d replay-buffer chains", s.Size(0))
	}
	lo, hi := m.bounds()
	steps := max(5*r.cfg.LangevinSteps, 100)
	if r.hmc != nil {
		h := energy.HMC{Iterations: steps, LeapfrogSteps: r.cfg.Leapfrog, StepSize: r.hmc.Step(), Lo: lo, Hi: hi}
		s := h.Sample(m.Net, nil, tensor.Zeros(n, 2), tensor.NewRNG(r.cfg.Seed+6))
		return s, fmt.Sprintf("%d HMC chains of %d iterations (step %.3g)", n, steps, h.StepSize)
	}
	lang := energy.Langevin{Steps: steps, StepSize: float32(r.cfg.StepSize), Noise: float32(r.cfg.Noise), ClipGrad: float32(r.cfg.ClipGrad)}
	s := lang.Run(m.Net, nil, tensor.Uniform(tensor.NewRNG(r.cfg.Seed+5), lo, hi, n, 2), tensor.NewRNG(r.cfg.Seed+6))
	return s, fmt.Sprintf("%d Langevin chains of %d steps", n, steps)
}

// drawPictures writes energy.png, samples.png and loss.png, each titled
// with the dataset, the objective and the step.
func (r *run) drawPictures(done int, samples *tensor.Tensor, source string, trueNLL float64) error {
	m := r.evaluated()
	box := viz.Box(m.Box)
	field := viz.EvalGrid(box, 200, func(xs *tensor.Tensor) *tensor.Tensor { return m.Energy(nil, xs) })
	shown := r.train.Narrow(0, 0, min(1000, r.train.Size(0)))
	run := fmt.Sprintf("%s, %s, step %d", r.cfg.Data, r.cfg.Objective(), done)
	if r.average != nil {
		run += fmt.Sprintf(", weights averaged (EMA %g)", r.cfg.EMA)
	}
	plot := viz.EnergyPlot{
		Field: field, Scale: viz.ColorScale{High: 97, Log: true}, Points: []viz.PointSet{viz.DataPoints(shown)},
		Labels:   viz.Labels{Title: fmt.Sprintf("%s: energy, %d training points in white", run, shown.Size(0)), XLabel: "x", YLabel: "y"},
		ColorBar: true, BarLabel: "energy",
	}
	if err := viz.SavePNG(r.dir.File("energy.png"), plot.Render()); err != nil {
		return err
	}
	plot.Points = []viz.PointSet{viz.SamplePoints(samples)}
	plot.Title = fmt.Sprintf("%s: samples of %s in red", run, source)
	if err := viz.SavePNG(r.dir.File("samples.png"), plot.Render()); err != nil {
		return err
	}
	log, err := r.dir.Metrics()
	steps, losses := log.Series("loss")
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
	curve := viz.LinePlot{
		Series: []viz.Series{
			{X: steps, Y: losses, Color: color.NRGBA{0, 114, 178, 60}, Name: "loss of each step"},
			{X: steps, Y: smooth, Color: viz.Palette(1), Name: "moving average (weight 0.98)"},
		},
		Labels: viz.Labels{Title: fmt.Sprintf("training loss: %s, %s", r.cfg.Data, r.cfg.Objective()), XLabel: "step", YLabel: "loss"},
	}
	evalSteps, nll := log.Series("test_nll")
	progress := viz.LinePlot{
		Series: []viz.Series{{X: evalSteps, Y: nll, Color: viz.Palette(2), Name: "test NLL, density normalised on a grid"}},
		Labels: viz.Labels{Title: "test NLL (lower is better)", XLabel: "step", YLabel: "nats per point"},
		Height: 200,
	}
	if !math.IsNaN(trueNLL) && !math.IsInf(trueNLL, 0) {
		// A level line over the whole run, which also gives the panel the
		// loss panel's steps.
		progress.Series = append(progress.Series, viz.Series{X: []float64{steps[0], steps[len(steps)-1]}, Y: []float64{trueNLL, trueNLL},
			Color: viz.Palette(7), Name: "NLL under the true density"})
	}
	return viz.SavePNG(r.dir.File("loss.png"), viz.Tile([]image.Image{curve.Render(), progress.Render()}, 1))
}
