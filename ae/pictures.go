package ae

import (
	"image"
	"math"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
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
	if img := r.lossPlot(); img != nil {
		pics["loss.png"] = img
	}
	if r.sample != nil {
		pics["samples.png"] = r.plot(r.sample(64, tensor.NewRNG(r.common.Seed+7)))
	}
	if isImage(r.common.Shape) {
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

func isImage(shape []int) bool { return len(shape) == 3 }

// plot draws samples: images as a grid, 2-D points as a scatter plot.
func (r *run) plot(samples *tensor.Tensor) image.Image {
	return plotSamples(r.common, samples, viz.SamplePoints(samples))
}

// plotSamples draws rows of the shape c.Shape: images as a grid of eight
// columns, 2-D points as the sets over the data's box.
func plotSamples(c Common, rows *tensor.Tensor, sets ...viz.PointSet) image.Image {
	if isImage(c.Shape) {
		return imageGrid(c.Shape, rows, 8)
	}
	return viz.Scatter{Box: pointsBox(c.Data, rows), Sets: sets}.Render()
}

// imageGrid tiles rows ([n, C*H*W]) as images of shape [C, H, W].
func imageGrid(shape []int, rows *tensor.Tensor, cols int) image.Image {
	imgs := rows.Reshape(append([]int{rows.Size(0)}, shape...)...)
	return viz.ImageGrid{Images: imgs, Cols: cols, Zoom: max(2, 56/shape[1])}.Render()
}

// reconstructions shows test samples beside their reconstructions: for
// images, rows of eight inputs each followed by a row of their
// reconstructions; for points, the inputs (orange) and their
// reconstructions (red).
func (r *run) reconstructions() image.Image {
	n := min(32, r.test.X.Size(0))
	x := r.test.X.Narrow(0, 0, n)
	rec := r.recon(x).DetachRelease()
	if !isImage(r.common.Shape) {
		x = r.test.X.Narrow(0, 0, min(1000, r.test.X.Size(0)))
		rec = r.recon(x).DetachRelease()
		return viz.Scatter{Box: pointsBox(r.common.Data, x), Sets: []viz.PointSet{
			{Points: x, Color: viz.Palette(1)}, viz.SamplePoints(rec)}}.Render()
	}
	var parts []*tensor.Tensor
	for lo := 0; lo < n; lo += 8 {
		m := min(8, n-lo)
		parts = append(parts, x.Narrow(0, lo, m), rec.Narrow(0, lo, m))
	}
	return imageGrid(r.common.Shape, tensor.Concat(0, parts...), 8)
}

// latentPlot draws the codes (posterior means) of up to 2000 test samples
// in the plane, coloured by label: the first two coordinates when the
// code has two, otherwise its projection on the codes' first two
// principal components.
func (r *run) latentPlot() image.Image {
	n := min(2000, r.test.X.Size(0))
	codes := r.encode(r.test.X.Narrow(0, 0, n)).DetachRelease()
	switch k := codes.Size(1); {
	case k == 1:
		codes = tensor.Concat(1, codes, tensor.Zeros(n, 1))
	case k > 2:
		if pca, err := energy.FitPCA(codes, 2); err == nil {
			codes = pca.Encode(codes)
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
				sets = append(sets, viz.PointSet{Points: codes.IndexSelect(0, idx), Color: viz.Palette(l)})
			}
		}
	}
	return viz.Scatter{Box: spanBox(codes), Sets: sets}.Render()
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
	return imageGrid(r.common.Shape, imgs, steps)
}

// energyLandscape draws the model's energy over the data's box with the
// training points on top.
func (r *run) energyLandscape() image.Image {
	shown := r.train.X.Narrow(0, 0, min(1000, r.train.X.Size(0)))
	box := pointsBox(r.common.Data, shown)
	field := viz.EvalGrid(box, 200, func(xs *tensor.Tensor) *tensor.Tensor { return r.model.Energy(nil, xs) })
	return viz.EnergyPlot{Field: field, Scale: viz.ColorScale{High: 97, Log: true}, Points: []viz.PointSet{viz.DataPoints(shown)}, ColorBar: true}.Render()
}

// lossPlot draws the per-epoch train (blue) and test (orange) losses, or
// returns nil before there are two epochs.
func (r *run) lossPlot() image.Image {
	var series []viz.Series
	for i, key := range []string{"train_loss", "test_loss"} {
		steps, values, err := r.dir.Series(key)
		if err != nil || len(values) < 2 {
			return nil
		}
		epochs := make([]float64, len(steps))
		for j, s := range steps {
			epochs[j] = s / float64(r.perEpoch)
		}
		series = append(series, viz.Series{X: epochs, Y: values, Color: viz.Palette(i + 1)})
	}
	return viz.LinePlot{Series: series}.Render()
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
	mx, my := max((b.XMax-b.XMin)/10, 1e-3), max((b.YMax-b.YMin)/10, 1e-3)
	return viz.Box{XMin: b.XMin - mx, XMax: b.XMax + mx, YMin: b.YMin - my, YMax: b.YMax + my}
}
