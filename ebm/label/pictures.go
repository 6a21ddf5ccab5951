package label

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// fashionNames are Fashion-MNIST's class names, by label.
var fashionNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// ClassName returns the name of label k of a data set: Fashion-MNIST's
// class names, the label's number otherwise.
func ClassName(dataName string, k int) string {
	if dataName == "fashion-mnist" && k < len(fashionNames) {
		return fashionNames[k]
	}
	return fmt.Sprint(k)
}

// The colours of the answers in energies.png.
var (
	correctColor   = viz.Palette(2) // bluish green
	offendingColor = viz.Palette(1) // vermillion
	otherColor     = color.RGBA{160, 160, 160, 255}
)

// drawPictures writes energies.png and curves.png.
func (r *run) drawPictures() error {
	idx := shownSamples(r.model, r.test, 8)
	labels := make([]int, len(idx))
	for i, j := range idx {
		labels[i] = r.test.Labels[j]
	}
	title := fmt.Sprintf("Energies of all answers for %d test samples (the first, then the first the model gets wrong), %s, epoch %d", len(idx), r.cfg, r.epoch)
	log, err := r.dir.Metrics()
	if err != nil {
		return err
	}
	pics := map[string]image.Image{
		"energies.png": EnergyBars(r.model, r.cfg.Data, r.cfg.Shape, r.test.X.IndexSelect(0, idx), labels, title),
		"curves.png":   r.curves(log),
	}
	for name, img := range pics {
		if err := viz.SavePNG(r.dir.File(name), img); err != nil {
			return err
		}
	}
	return nil
}

// shownSamples returns the indices of n samples of a labelled set to
// draw: the first half of them, then the first that the model labels
// wrong after those (or the next ones when it labels too few wrong).
func shownSamples(m *Model, set *data.Set, n int) []int {
	n = min(n, set.X.Size(0))
	idx := make([]int, 0, n)
	for i := range n / 2 {
		idx = append(idx, i)
	}
	pred := m.Predict(set.X.Narrow(0, 0, min(set.X.Size(0), evalChunk)))
	var right []int
	for i := n / 2; i < len(pred) && len(idx) < n; i++ {
		if pred[i] != set.Labels[i] {
			idx = append(idx, i)
		} else {
			right = append(right, i)
		}
	}
	for len(idx) < n {
		idx, right = append(idx, right[0]), right[1:]
	}
	slices.Sort(idx)
	return idx
}

// EnergyBars draws the energy of every answer for each sample of x
// ([n, D], labels its labels) as a bar chart, the correct answer green,
// the most offending incorrect one vermillion, beside the sample when it
// is an image of the given shape: two samples a row, under the title.
func EnergyBars(m *Model, dataName string, shape []int, x *tensor.Tensor, labels []int, title string) image.Image {
	e := m.AllEnergies(x)
	k := e.Size(1)
	off := energy.MostOffending(e, labels).Data()
	pred := m.Predict(x)
	var panels []image.Image
	for i, y := range labels {
		row := e.Data()[i*k : (i+1)*k]
		var series []viz.Series
		for j, v := range row {
			col := otherColor
			switch {
			case j == y:
				col = correctColor
			case v == off[i]:
				col = offendingColor
			}
			series = append(series, viz.Series{X: []float64{float64(j), float64(j)}, Y: []float64{0, float64(v)}, Color: col})
		}
		verdict := "right"
		if pred[i] != y {
			verdict = "wrong"
		}
		const w = 300
		bars := viz.LinePlot{Series: series, Width: w, Height: 110, LineWidth: min(14, max(1, 0.4*w/float64(k))), Labels: viz.Labels{
			Title:  fmt.Sprintf("label %s, argmin %s (%s)", ClassName(dataName, y), ClassName(dataName, pred[i]), verdict),
			XLabel: "answer (label)", YLabel: "energy"}}.Render()
		if data.IsImage(shape) {
			img := viz.ImageGrid{Images: x.Narrow(0, i, 1).Reshape(append([]int{1}, shape...)...), Cols: 1, Zoom: max(2, 84/shape[1])}.Render()
			panels = append(panels, img)
		}
		panels = append(panels, bars)
	}
	cols := 2
	if data.IsImage(shape) {
		cols = 4
	}
	labelsLine := ""
	if dataName == "fashion-mnist" {
		var names []string
		for j := range min(k, len(fashionNames)) {
			names = append(names, fmt.Sprintf("%d %s", j, fashionNames[j]))
		}
		labelsLine = "answers: " + strings.Join(names, ", ")
	}
	return viz.Annotate(viz.Tile(panels, cols), viz.Labels{Title: title, XLabel: labelsLine},
		viz.Key{Name: "correct answer", Color: correctColor}, viz.Key{Name: "most offending incorrect answer", Color: offendingColor},
		viz.Key{Name: "other answers", Color: otherColor})
}

// curves draws the train and test loss, the test accuracy and the mean
// energy margin per epoch of the run's metrics log, side by side.
func (r *run) curves(log train.MetricsLog) image.Image {
	perEpoch := func(key string) viz.Series {
		steps, values := log.Series(key)
		epochs := make([]float64, len(steps))
		for i, s := range steps {
			epochs[i] = s / float64(r.perEpoch)
		}
		return viz.Series{X: epochs, Y: values, Name: strings.TrimSuffix(key, "_loss")}
	}
	train, test := perEpoch("train_loss"), perEpoch("test_loss")
	train.Color, test.Color = viz.Palette(0), viz.Palette(1)
	acc, margin := perEpoch("test_accuracy"), perEpoch("test_margin")
	acc.Name, margin.Name = "", ""
	size := func(p viz.LinePlot) image.Image { p.Width, p.Height = 360, 240; return p.Render() }
	return viz.Tile([]image.Image{
		size(viz.LinePlot{Series: []viz.Series{train, test}, Labels: viz.Labels{Title: fmt.Sprintf("%s loss per sample", r.cfg.Loss), XLabel: "epoch", YLabel: "loss"}}),
		size(viz.LinePlot{Series: []viz.Series{acc}, Labels: viz.Labels{Title: "Test accuracy (argmin of the energy)", XLabel: "epoch", YLabel: "accuracy"}}),
		size(viz.LinePlot{Series: []viz.Series{margin}, Labels: viz.Labels{Title: "Test margin: E(most offending) - E(correct)", XLabel: "epoch", YLabel: "mean energy margin"}}),
	}, 3)
}

// Plot draws the histograms of both scores of the inside samples (blue)
// and the outside ones (vermillion), side by side, each titled with its
// AUROC; inside and outside name the two sets.
func (r OODResult) Plot(inside, outside string) image.Image {
	panel := func(in, out []float64, title, xlabel string) image.Image {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range append(slices.Clone(in), out...) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		a, b := histogram(in, lo, hi, 60), histogram(out, lo, hi, 60)
		a.Name, a.Color = inside+" (inside)", viz.Palette(0)
		b.Name, b.Color = outside+" (outside)", viz.Palette(1)
		return viz.LinePlot{Series: []viz.Series{a, b}, Width: 420, Height: 260,
			Labels: viz.Labels{Title: title, XLabel: xlabel, YLabel: "share of samples per bin"}}.Render()
	}
	return viz.Annotate(viz.Tile([]image.Image{
		panel(r.Inside.Energy, r.Outside.Energy, fmt.Sprintf("Energy score, AUROC %.4f", r.EnergyAUROC), "free energy -log sum_y exp(-F(x, y))"),
		panel(r.Inside.MSP, r.Outside.MSP, fmt.Sprintf("Max softmax probability, AUROC %.4f", r.MSPAUROC), "minus the largest probability of exp(-F(x, y))"),
	}, 2), viz.Labels{Title: fmt.Sprintf("Out-of-distribution scores of %d inside samples (%s) and %d outside samples (%s); higher: farther from the training data",
		len(r.Inside.Energy), inside, len(r.Outside.Energy), outside)})
}

// histogram returns the share of vs in each of bins equal bins over
// [lo, hi] as a step curve.
func histogram(vs []float64, lo, hi float64, bins int) viz.Series {
	counts := make([]float64, bins)
	width := (hi - lo) / float64(bins)
	for _, v := range vs {
		k := bins - 1
		if width > 0 {
			k = min(bins-1, int((v-lo)/width))
		}
		counts[k]++
	}
	var s viz.Series
	for k, c := range counts {
		x0 := lo + float64(k)*width
		s.X = append(s.X, x0, x0+width)
		s.Y = append(s.Y, c/float64(len(vs)), c/float64(len(vs)))
	}
	return s
}
