package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// PointSet is a set of 2-D points drawn as small dots.
type PointSet struct {
	Points *tensor.Tensor // [n, 2]: one (x, y) per row
	Color  color.Color    // nil: the palette color of the set's position
	Radius float64        // dot radius in pixels; 0 means 1.5
	Name   string         // shown in a Scatter's legend; a set without a name is left out of it
}

// The colors of DataPoints and SamplePoints.
var (
	DataColor   = color.NRGBA{255, 255, 255, 200}
	SampleColor = color.NRGBA{230, 30, 30, 220}
)

// DataPoints returns pts as a set of white dots, for training data over a
// heat map.
func DataPoints(pts *tensor.Tensor) PointSet { return PointSet{Points: pts, Color: DataColor} }

// SamplePoints returns pts as a set of red dots, for a model's samples.
func SamplePoints(pts *tensor.Tensor) PointSet { return PointSet{Points: pts, Color: SampleColor} }

// drawPoints draws the sets over c, which shows box.
func drawPoints(c canvas, box Box, sets []PointSet) {
	r0 := c.img.Rect
	for i, s := range sets {
		if s.Points == nil {
			continue
		}
		if s.Points.Dim() != 2 || s.Points.Size(1) != 2 {
			panic(fmt.Sprintf("viz: point set %d has shape %v, want [n 2]", i, s.Points.Shape()))
		}
		n := nrgba(seriesColor(s.Color, i))
		r := s.Radius
		if r == 0 {
			r = 1.5
		}
		d := s.Points.Data()
		for k := 0; k+1 < len(d); k += 2 {
			px, py := box.toPixel(float64(d[k]), float64(d[k+1]), r0.Dx(), r0.Dy())
			c.dot(float64(r0.Min.X)+px, float64(r0.Min.Y)+py, r, n)
		}
	}
}

// EnergyPlot draws a scalar field, typically an energy landscape, as a
// heat map with viridis (low values dark purple, high values yellow),
// point sets on top, x and y axes with ticks, the Labels, and an optional
// color bar with ticks at round values and its own label.
type EnergyPlot struct {
	Field  Field
	Scale  ColorScale
	Points []PointSet
	Labels
	Size     int  // width of the heat map in pixels; 0 means 512. The height follows the box's aspect.
	ColorBar bool // draw a color bar to the right
	// BarLabel names the field's values beside the color bar, such as
	// "energy"; with a Log scale " (log scale)" is added.
	BarLabel string
}

// Layout of the plots, in pixels.
const (
	margin   = 10
	barGap   = 16
	barWidth = 14
	tickLen  = 4
	labelGap = 6
)

// Render draws the plot.
func (p EnergyPlot) Render() image.Image {
	img, _ := p.render()
	return img
}

// render draws the plot and returns where the heat map lies in it.
func (p EnergyPlot) render() (*image.RGBA, image.Rectangle) {
	f := p.Field
	if f.W <= 0 || f.H <= 0 || len(f.Values) != f.W*f.H {
		panic(fmt.Sprintf("viz: EnergyPlot: field of %d values for a %d×%d grid", len(f.Values), f.W, f.H))
	}
	w := p.Size
	if w <= 0 {
		w = 512
	}
	h := max(1, int(math.Round(float64(w)*(f.Box.YMax-f.Box.YMin)/(f.Box.XMax-f.Box.XMin))))

	lo, hi, ok := p.Scale.limits(f.Values)
	t := make([]float64, len(f.Values))
	for i, v := range f.Values {
		t[i] = math.NaN()
		if ok {
			t[i] = p.Scale.position(v, lo, hi)
		}
	}
	var ticks []float64
	var labels []string
	if p.ColorBar && ok {
		ticks, labels = p.Scale.ticks(lo, hi, h)
	}
	barLabel := p.BarLabel
	if barLabel != "" && p.Scale.Log {
		barLabel += " (log scale)"
	}
	extra := 0
	if p.ColorBar {
		labelW := 0
		for _, s := range labels {
			tw, _ := textSize(s)
			labelW = max(labelW, tw)
		}
		extra = barGap + barWidth + barTextGap + labelW
		if barLabel != "" {
			extra += labelGap + fontHeight
		}
	}
	full, area := axesPlot(newAxis(f.Box.XMin, f.Box.XMax, false), newAxis(f.Box.YMin, f.Box.YMax, false), w, h, p.Labels, extra)
	plot := area.img.Rect
	for py := range h {
		for px := range w {
			// Cell coordinates of the pixel center; row 0 is the bottom.
			fx := (float64(px)+0.5)/float64(w)*float64(f.W) - 0.5
			fy := (float64(h-py)-0.5)/float64(h)*float64(f.H) - 0.5
			area.img.SetRGBA(plot.Min.X+px, plot.Min.Y+py, Viridis(bilinear(t, f.W, f.H, fx, fy)))
		}
	}
	drawPoints(area, f.Box, p.Points)
	if p.ColorBar {
		full.colorBar(image.Rect(plot.Max.X+barGap, plot.Min.Y, plot.Max.X+barGap+barWidth, plot.Max.Y), p.Scale, lo, hi, ticks, labels, barLabel)
	}
	return full.img, plot
}

// barTextGap is the room between a color bar and its tick labels.
const barTextGap = 5

// colorBar draws the colormap upwards in bar, with ticks at the values
// given (drawn inside the bar, in a color that shows on it, so that they
// cannot be read as minus signs), their labels right of it and label
// turned up beyond those.
func (c canvas) colorBar(bar image.Rectangle, s ColorScale, lo, hi float64, ticks []float64, labels []string, label string) {
	h := bar.Dy()
	for py := range h {
		c.fill(image.Rect(bar.Min.X, bar.Min.Y+py, bar.Max.X, bar.Min.Y+py+1), Viridis(1-(float64(py)+0.5)/float64(h)))
	}
	c.frame(bar)
	labelW := 0
	for i, v := range ticks {
		pos := s.position(v, lo, hi)
		y := bar.Max.Y - 1 - min(int(pos*float64(h)), h-1)
		mark := color.NRGBA{255, 255, 255, 230}
		if pos > 0.6 {
			mark = color.NRGBA{0, 0, 0, 200}
		}
		c.fill(image.Rect(bar.Min.X, y, bar.Min.X+4, y+1), mark)
		c.fill(image.Rect(bar.Max.X-4, y, bar.Max.X, y+1), mark)
		tw, _ := textSize(labels[i])
		labelW = max(labelW, tw)
		ty := min(max(y-fontCap/2, 0), c.img.Rect.Dy()-fontHeight)
		c.text(bar.Max.X+barTextGap, ty, labels[i], axisColor)
	}
	if label != "" {
		tw, _ := textSize(label)
		c.textUp(bar.Max.X+barTextGap+labelW+labelGap, (bar.Min.Y+bar.Max.Y-tw)/2, label, textColor)
	}
}

// bilinear interpolates the W×H grid t at cell coordinates (x, y),
// clamping to the grid's edge cells.
func bilinear(t []float64, w, h int, x, y float64) float64 {
	x = math.Max(0, math.Min(float64(w-1), x))
	y = math.Max(0, math.Min(float64(h-1), y))
	i, j := min(int(x), max(w-2, 0)), min(int(y), max(h-2, 0))
	fx, fy := x-float64(i), y-float64(j)
	at := func(i, j int) float64 { return t[min(j, h-1)*w+min(i, w-1)] }
	top := at(i, j+1)*(1-fx) + at(i+1, j+1)*fx
	bottom := at(i, j)*(1-fx) + at(i+1, j)*fx
	return bottom*(1-fy) + top*fy
}
