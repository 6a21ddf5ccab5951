package ae

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// drawPictures writes the run's pictures: reconstructions.png,
// latent.png and loss.png always; samples.png for a model with a prior;
// interpolation.png for images; energy.png for 2-D points.
func (r *run) drawPictures() error {
	pics := map[string]image.Image{
		"reconstructions.png": r.reconstructions(),
		"latent.png":          r.latentPlot(),
	}
	log, err := r.dir.Metrics()
	if err != nil {
		return err
	}
	if img := r.lossPlot(log); img != nil {
		pics["loss.png"] = img
	}
	if r.sample != nil {
		pics["samples.png"] = plotSamples(r.common, r.sample(64, tensor.NewRNG(r.common.Seed+7)), r.epochTitle("Samples from the prior"))
	}
	if data.IsImage(r.common.Shape) {
		pics["interpolation.png"] = r.interpolation()
	}
	if r.common.Shape[0] == 2 && len(r.common.Shape) == 1 {
		pics["energy.png"] = r.energyLandscape()
	}
	for name, img := range pics {
		if err := viz.SavePNG(r.dir.File(name), img); err != nil {
			return err
		}
	}
	return nil
}

// plane returns points ([N, D]) as points of the plane: D = 2 as they
// are, their first two features when D > 2, and (y, 0) when D = 1.
func plane(x *tensor.Tensor) *tensor.Tensor {
	switch d := x.Size(1); {
	case d == 1:
		return tensor.Concat(1, x, tensor.Zeros(x.Size(0), 1))
	case d > 2:
		return x.Narrow(1, 0, 2)
	}
	return x
}

// epochTitle is a title with the epoch of the pictures.
func (r *run) epochTitle(title string) string {
	return fmt.Sprintf("%s, epoch %d", title, r.epoch)
}

// plotSamples draws samples of the shape c.Shape under a title: images as
// a grid of eight columns, other samples in red in the plane (see plane)
// over the data's box.
func plotSamples(c Common, samples *tensor.Tensor, title string) image.Image {
	if data.IsImage(c.Shape) {
		return viz.Annotate(imageGrid(c.Shape, samples, 8), viz.Labels{Title: title})
	}
	samples = plane(samples)
	return viz.Scatter{Box: pointsBox(c.Data, samples), Sets: []viz.PointSet{viz.SamplePoints(samples)},
		Labels: viz.Labels{Title: title, XLabel: "y1", YLabel: "y2"}}.Render()
}

// imageGrid tiles rows ([n, C*H*W]) as images of shape [C, H, W].
func imageGrid(shape []int, rows *tensor.Tensor, cols int) image.Image {
	imgs := rows.Reshape(append([]int{rows.Size(0)}, shape...)...)
	return viz.ImageGrid{Images: imgs, Cols: cols, Zoom: max(2, 56/shape[1])}.Render()
}

// reconstructions shows test samples beside their reconstructions: for
// images, rows of eight inputs each followed by a row of their
// reconstructions; for points, the inputs (blue) and their
// reconstructions (red), in the plane (see plane).
func (r *run) reconstructions() image.Image {
	if !data.IsImage(r.common.Shape) {
		x := r.test.X.Narrow(0, 0, min(1000, r.test.X.Size(0)))
		rec := plane(r.recon(x).DetachRelease())
		x = plane(x)
		return viz.Scatter{Box: pointsBox(r.common.Data, x), Sets: []viz.PointSet{
			{Points: x, Color: viz.Palette(0), Name: "test point"}, {Points: rec, Color: viz.SampleColor, Name: "reconstruction"}},
			Labels: viz.Labels{Title: r.epochTitle("Test points and reconstructions"), XLabel: "y1", YLabel: "y2"}}.Render()
	}
	n := min(32, r.test.X.Size(0))
	x := r.test.X.Narrow(0, 0, n)
	rec := r.recon(x).DetachRelease()
	var parts []*tensor.Tensor
	for lo := 0; lo < n; lo += 8 {
		m := min(8, n-lo)
		parts = append(parts, x.Narrow(0, lo, m), rec.Narrow(0, lo, m))
	}
	return viz.Annotate(imageGrid(r.common.Shape, tensor.Concat(0, parts...), 8),
		viz.Labels{Title: r.epochTitle("Test inputs, their reconstructions below")})
}

// latentPlot draws the codes (posterior means) of up to 2000 test samples
// in the plane, coloured by label: the first two coordinates when the
// code has two, otherwise its projection on the codes' first two
// principal components.
func (r *run) latentPlot() image.Image {
	n := min(2000, r.test.X.Size(0))
	codes := rowsInChunks(r.test.X.Narrow(0, 0, n), r.encode)
	labels := viz.Labels{Title: r.epochTitle("Codes of test samples"), XLabel: "z1", YLabel: "z2"}
	switch k := codes.Size(1); {
	case k == 1:
		codes = tensor.Concat(1, codes, tensor.Zeros(n, 1))
	case k > 2:
		if pca, err := energy.FitPCA(codes, 2); err == nil {
			codes = pca.Encode(codes)
			labels.Title = r.epochTitle(fmt.Sprintf("Codes of test samples, PCA of %d dimensions", k))
			labels.XLabel, labels.YLabel = "principal component 1", "principal component 2"
		} else {
			codes = codes.Narrow(1, 0, 2)
		}
	}
	var sets []viz.PointSet
	if r.test.Labels == nil {
		sets = []viz.PointSet{{Points: codes, Color: viz.Palette(0)}}
	} else {
		byLabel := map[int][]int{}
		maxLabel := 0
		for i, l := range r.test.Labels[:n] {
			byLabel[l] = append(byLabel[l], i)
			maxLabel = max(maxLabel, l)
		}
		for l := 0; l <= maxLabel; l++ {
			if idx := byLabel[l]; len(idx) > 0 {
				sets = append(sets, viz.PointSet{Points: codes.IndexSelect(0, idx), Color: labelColor(l), Name: fmt.Sprint(l)})
			}
		}
	}
	return viz.Scatter{Box: spanBox(codes), Sets: sets, Labels: labels}.Render()
}

// labelColor is the colour of class l: the eight of the palette, then grey
// and brown, so that ten classes have ten colours.
func labelColor(l int) color.Color {
	extra := []color.Color{color.RGBA{140, 140, 140, 255}, color.RGBA{140, 86, 75, 255}}
	if k := l % 10; k >= 8 {
		return extra[k-8]
	}
	return viz.Palette(l % 10)
}

// interpolation decodes the straight lines between the codes of pairs of
// test images, ten steps each: one row per pair, from the first image's
// reconstruction to the second's.
func (r *run) interpolation() image.Image {
	const pairs, steps = 6, 10
	n := min(2*pairs, r.test.X.Size(0)) / 2 * 2
	codes := r.encode(r.test.X.Narrow(0, 0, n)).DetachRelease()
	var rows []*tensor.Tensor
	for p := 0; p < n/2; p++ {
		a, b := codes.Narrow(0, 2*p, 1), codes.Narrow(0, 2*p+1, 1)
		for s := range steps {
			t := float32(s) / (steps - 1)
			rows = append(rows, a.MulScalar(1-t).Add(b.MulScalar(t)))
		}
	}
	imgs := r.decode(tensor.Concat(0, rows...)).DetachRelease()
	return viz.Annotate(imageGrid(r.common.Shape, imgs, steps),
		viz.Labels{Title: r.epochTitle("Decoded lines between the codes of two test images")})
}

// energyLandscape draws the model's energy over the data's box with the
// training points on top.
func (r *run) energyLandscape() image.Image {
	shown := r.train.X.Narrow(0, 0, min(1000, r.train.X.Size(0)))
	box := pointsBox(r.common.Data, shown)
	field := viz.EvalGrid(box, 200, func(xs *tensor.Tensor) *tensor.Tensor { return r.model.Energy(nil, xs) })
	return viz.EnergyPlot{Field: field, Scale: viz.ColorScale{High: 97, Log: true}, Points: []viz.PointSet{viz.DataPoints(shown)}, ColorBar: true,
		BarLabel: r.energyName, Labels: viz.Labels{Title: r.epochTitle(r.energyName + ", training points in white"), XLabel: "y1", YLabel: "y2"}}.Render()
}

// lossPlot draws the per-epoch train (blue) and test (vermillion) losses
// of the run's metrics log, on a log scale when they are positive, or
// returns nil before there are two epochs.
func (r *run) lossPlot(log train.MetricsLog) image.Image {
	var series []viz.Series
	positive := true
	for i, key := range []string{"train_loss", "test_loss"} {
		steps, values := log.Series(key)
		if len(values) < 2 {
			return nil
		}
		for _, v := range values {
			positive = positive && v > 0
		}
		epochs := make([]float64, len(steps))
		for j, s := range steps {
			epochs[j] = s / float64(r.perEpoch)
		}
		series = append(series, viz.Series{X: epochs, Y: values, Color: viz.Palette(i), Name: strings.TrimSuffix(key, "_loss")})
	}
	return viz.LinePlot{Series: series, LogY: positive, Labels: viz.Labels{Title: "Loss per sample", XLabel: "epoch", YLabel: "loss"}}.Render()
}

// pointsBox is the box of a named toy data set, or else the span of pts.
func pointsBox(name string, pts *tensor.Tensor) viz.Box {
	if b, ok := data.Bounds(name); ok {
		return viz.Box(b)
	}
	return spanBox(pts)
}

// spanBox is the smallest box holding the points ([N, 2]) with a margin
// of a tenth of its sides.
func spanBox(pts *tensor.Tensor) viz.Box {
	b := viz.Box{XMin: math.Inf(1), XMax: math.Inf(-1), YMin: math.Inf(1), YMax: math.Inf(-1)}
	d := pts.Data()
	for i := 0; i+1 < len(d); i += 2 {
		x, y := float64(d[i]), float64(d[i+1])
		b.XMin, b.XMax, b.YMin, b.YMax = min(b.XMin, x), max(b.XMax, x), min(b.YMin, y), max(b.YMax, y)
	}
	if math.IsInf(b.XMin, 0) {
		return viz.Box{XMin: -1, XMax: 1, YMin: -1, YMax: 1}
	}
	// A side is at least a quarter of the other, so that the codes of a
	// one-dimensional code (y = 0) lie on a strip of some height.
	w, h := b.XMax-b.XMin, b.YMax-b.YMin
	mx, my := max(w/10, h/8, 1e-3), max(h/10, w/8, 1e-3)
	return viz.Box{XMin: b.XMin - mx, XMax: b.XMax + mx, YMin: b.YMin - my, YMax: b.YMax + my}
}
