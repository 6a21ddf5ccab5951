package rbm

import (
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// SampleSteps is the number of Gibbs steps behind the samples the pictures
// show and Trained.Sample draws by default.
const SampleSteps = 1000

// stripSteps are the steps at which chain.png shows its chains.
var stripSteps = []int{0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}

// drawPictures writes pl.png always, and for images filters.png,
// samples.png and chain.png.
func (r *run) drawPictures(epoch int) error {
	log, err := r.dir.Metrics()
	if err != nil {
		return err
	}
	pics := map[string]image.Image{"pl.png": r.plPlot(log)}
	if data.IsImage(r.cfg.Shape) {
		suffix := fmt.Sprintf(", %s, epoch %d", r.label(), epoch)
		pics["filters.png"] = filterGrid(r.model, r.cfg.Shape, "Filters"+suffix)
		pics["samples.png"] = r.samplePanels(fmt.Sprintf("Gibbs samples after %d steps%s", SampleSteps, suffix))
		pics["chain.png"] = r.chainStrip("Gibbs chains from random states over their steps" + suffix)
	}
	for name, img := range pics {
		if err := viz.SavePNG(r.dir.File(name), img); err != nil {
			return err
		}
	}
	return nil
}

// samplePanels draws 32 chains after SampleSteps steps from random
// states beside 32 from test images.
func (r *run) samplePanels(title string) image.Image {
	const n = 32
	rng := tensor.NewRNG(r.cfg.Seed + 7)
	_, fromRandom := r.model.Gibbs(r.model.RandomVisible(n, rng), SampleSteps, rng)
	_, fromTest := r.model.Gibbs(r.test.X.Narrow(0, 0, min(n, r.test.X.Size(0))), SampleSteps, rng)
	panels := []image.Image{
		viz.Annotate(imageGrid(r.cfg.Shape, fromRandom, 8), viz.Labels{Title: "chains from random states"}),
		viz.Annotate(imageGrid(r.cfg.Shape, fromTest, 8), viz.Labels{Title: "chains from test images"}),
	}
	return viz.Annotate(viz.Tile(panels, 2), viz.Labels{Title: title, XLabel: "p(v | h) of each chain's last step"})
}

// imageGrid tiles rows ([n, C*H*W], values in [0, 1]) as images of shape
// [C, H, W], cols to a row.
func imageGrid(shape []int, rows *tensor.Tensor, cols int) image.Image {
	imgs := rows.Reshape(append([]int{rows.Size(0)}, shape...)...)
	return viz.ImageGrid{Images: imgs, Cols: cols, Zoom: max(2, 56/shape[1])}.Render()
}

// sampleGrid draws samples (the probabilities p(v | h)) in rows of eight.
func sampleGrid(shape []int, samples *tensor.Tensor, title string) image.Image {
	return viz.Annotate(imageGrid(shape, samples, 8), viz.Labels{Title: title, XLabel: "p(v | h) of each chain's last step"})
}

// filterGrid draws the first 100 rows of W as images, each scaled by its
// largest absolute weight so that mid-grey is 0.
func filterGrid(m *RBM, shape []int, title string) image.Image {
	n, d := min(100, m.Hidden()), m.Visible()
	w := m.Weight.Detach().Narrow(0, 0, n).Values()
	out := make([]float32, n*d)
	for i := range n {
		row := w[i*d : (i+1)*d]
		var top float32
		for _, x := range row {
			top = max(top, float32(math.Abs(float64(x))))
		}
		for j, x := range row {
			out[i*d+j] = 0.5 + 0.5*x/max(top, 1e-12)
		}
	}
	return viz.Annotate(imageGrid(shape, tensor.New(out, n, d), 10), viz.Labels{Title: title,
		XLabel: fmt.Sprintf("rows of W, the first %d of %d hidden units; grey 0, white and black +/- max|w| of each", n, m.Hidden())})
}

// chainStrip draws four Gibbs chains from random states, one a row, at
// stripSteps: the random start, then p(v | h) of each step shown.
func (r *run) chainStrip(title string) image.Image {
	const chains = 4
	rng := tensor.NewRNG(r.cfg.Seed + 8)
	v := r.model.RandomVisible(chains, rng)
	frames := []*tensor.Tensor{v}
	for i := 1; i < len(stripSteps); i++ {
		var probs *tensor.Tensor
		v, probs = r.model.Gibbs(v, stripSteps[i]-stripSteps[i-1], rng)
		frames = append(frames, probs)
	}
	// Rows are chains, columns steps.
	d := r.model.Visible()
	out := make([]float32, 0, chains*len(frames)*d)
	for c := range chains {
		for _, f := range frames {
			out = append(out, f.Values()[c*d:(c+1)*d]...)
		}
	}
	steps := make([]string, len(stripSteps))
	for i, s := range stripSteps {
		steps[i] = fmt.Sprint(s)
	}
	img := imageGrid(r.cfg.Shape, tensor.New(out, chains*len(frames), d), len(frames))
	return viz.Annotate(img, viz.Labels{Title: title, XLabel: "Gibbs steps: " + strings.Join(steps, ", "), YLabel: "chain"})
}

// plSmoothing is the number of steps the batches' pseudo-likelihood is
// averaged over in pl.png: one flipped unit per sample makes each batch's
// value noisy.
const plSmoothing = 50

// plPlot draws the negative pseudo-likelihood of the batches (a running
// mean) and of the training and test samples at the end of each epoch, on
// a log scale, from the run's metrics log.
func (r *run) plPlot(log train.MetricsLog) image.Image {
	var series []viz.Series
	for i, s := range []struct{ key, name string }{{"pl", fmt.Sprintf("batches, running mean of %d steps", plSmoothing)},
		{"train_pl", "training set (each epoch)"}, {"test_pl", "test set (each epoch)"}} {
		steps, values := log.Series(s.key)
		if len(values) == 0 {
			continue
		}
		if s.key == "pl" {
			values = runningMean(values, plSmoothing)
		}
		for j, v := range values {
			values[j] = -v
		}
		epochs := make([]float64, len(steps))
		for j, st := range steps {
			epochs[j] = st / float64(r.perEpoch)
		}
		series = append(series, viz.Series{X: epochs, Y: values, Color: viz.Palette(i), Name: s.name})
	}
	return viz.LinePlot{Series: series, LogY: true, Labels: viz.Labels{Title: "Negative pseudo-likelihood (one flipped unit per sample), " + r.label(),
		XLabel: "epoch", YLabel: "-PL per sample (nats, lower is better)"}}.Render()
}

// runningMean returns the mean of each value and the up to n-1 before it.
func runningMean(xs []float64, n int) []float64 {
	out := make([]float64, len(xs))
	var sum float64
	for i, x := range xs {
		sum += x
		if i >= n {
			sum -= xs[i-n]
		}
		out[i] = sum / float64(min(i+1, n))
	}
	return out
}
