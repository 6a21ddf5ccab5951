package viz

import (
	"image"
	"image/color"
	"math"
)

// canvas is an RGBA picture with the few drawing operations the plots
// need: filled rectangles, anti-aliased dots and lines, blended over what
// is there.
type canvas struct {
	img *image.RGBA
}

func newCanvas(w, h int, bg color.Color) canvas {
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h))}
	c.fill(c.img.Rect, bg)
	return c
}

// blend paints pixel (x, y) with col at the given coverage in [0, 1].
func (c canvas) blend(x, y int, col color.NRGBA, coverage float64) {
	if !(image.Point{x, y}.In(c.img.Rect)) || coverage <= 0 {
		return
	}
	a := math.Min(coverage, 1) * float64(col.A) / 255
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+4 : i+4]
	for k, v := range [3]uint8{col.R, col.G, col.B} {
		p[k] = uint8(math.Round(float64(p[k])*(1-a) + float64(v)*a))
	}
	p[3] = uint8(math.Round(float64(p[3])*(1-a) + 255*a))
}

// fill paints the rectangle r with col, blended by col's alpha.
func (c canvas) fill(r image.Rectangle, col color.Color) {
	n := nrgba(col)
	r = r.Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c.blend(x, y, n, 1)
		}
	}
}

// dot draws a filled disk of radius r (pixels) centered at (cx, cy), its
// edge anti-aliased over one pixel.
func (c canvas) dot(cx, cy, r float64, col color.NRGBA) {
	for y := int(math.Floor(cy - r - 1)); y <= int(math.Ceil(cy+r+1)); y++ {
		for x := int(math.Floor(cx - r - 1)); x <= int(math.Ceil(cx+r+1)); x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			c.blend(x, y, col, r+0.5-d)
		}
	}
}

// line draws a segment of the given width from (x0, y0) to (x1, y1): each
// pixel near it is covered by how far it lies inside the stroke, so the
// segment is anti-aliased and joins without seams.
func (c canvas) line(x0, y0, x1, y1, width float64, col color.NRGBA) {
	half := width / 2
	minX, maxX := math.Min(x0, x1)-half-1, math.Max(x0, x1)+half+1
	minY, maxY := math.Min(y0, y1)-half-1, math.Max(y0, y1)+half+1
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := int(math.Floor(minY)); y <= int(math.Ceil(maxY)); y++ {
		for x := int(math.Floor(minX)); x <= int(math.Ceil(maxX)); x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			s := 0.0
			if l2 > 0 {
				s = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
			}
			d := math.Hypot(px-(x0+s*dx), py-(y0+s*dy))
			c.blend(x, y, col, half+0.5-d)
		}
	}
}

func nrgba(col color.Color) color.NRGBA {
	return color.NRGBAModel.Convert(col).(color.NRGBA)
}
