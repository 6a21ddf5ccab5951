package ebm

import (
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
// modes covered, acceptance rates) and the pictures.
func (r *run) evaluate(done int, _ train.Metrics) error {
	res := Result{Step: done, TestNLL: energy.GridNLL(r.model.Net, r.test, r.model.Box, gridResolution), TrueNLL: math.NaN()}
	rec := train.Metrics{"step": done, "test_nll": res.TestNLL}
	samples := r.samples(2000)
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
		res.ModesCovered, _ = energy.ModeCoverage(samples, modes, std)
		res.Modes = len(modes)
		rec["modes_covered"], rec["modes"] = res.ModesCovered, res.Modes
	}
	for name, a := range r.acceptances() {
		rec[name+"_acceptance"] = a.AcceptanceRate()
	}
	r.result = res
	if err := r.dir.AppendMetrics(rec); err != nil {
		return err
	}
	return r.drawPictures(samples)
}

// samples returns n model samples: replay-buffer chains when there is a
// buffer, otherwise fresh long Langevin chains from uniform noise.
func (r *run) samples(n int) *tensor.Tensor {
	if r.replay != nil {
		return r.replay.Chains.Narrow(0, 0, min(n, r.replay.Chains.Size(0)))
	}
	lo, hi := r.model.bounds()
	steps := max(5*r.cfg.LangevinSteps, 100)
	lang := energy.Langevin{Steps: steps, StepSize: float32(r.cfg.StepSize), Noise: float32(r.cfg.Noise), ClipGrad: float32(r.cfg.ClipGrad)}
	return lang.Run(r.model.Net, nil, tensor.Uniform(tensor.NewRNG(r.cfg.Seed+5), lo, hi, n, 2), tensor.NewRNG(r.cfg.Seed+6))
}

// drawPictures writes energy.png, samples.png and loss.png.
func (r *run) drawPictures(samples *tensor.Tensor) error {
	box := viz.Box(r.model.Box)
	field := viz.EvalGrid(box, 200, func(xs *tensor.Tensor) *tensor.Tensor { return r.model.Net.Energy(nil, xs) })
	shown := r.train.Narrow(0, 0, min(1000, r.train.Size(0)))
	plot := viz.EnergyPlot{Field: field, Scale: viz.ColorScale{High: 97, Log: true}, Points: []viz.PointSet{viz.DataPoints(shown)}, ColorBar: true}
	if err := viz.SavePNG(r.dir.File("energy.png"), plot.Render()); err != nil {
		return err
	}
	plot.Points = []viz.PointSet{viz.SamplePoints(samples)}
	if err := viz.SavePNG(r.dir.File("samples.png"), plot.Render()); err != nil {
		return err
	}
	steps, losses, err := r.dir.Series("loss")
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
	curve := viz.LinePlot{Series: []viz.Series{
		{X: steps, Y: losses, Color: color.NRGBA{0, 114, 178, 60}},
		{X: steps, Y: smooth, Color: viz.Palette(1)},
	}}
	return viz.SavePNG(r.dir.File("loss.png"), curve.Render())
}
