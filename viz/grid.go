package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// ImageGrid tiles a batch of images, such as samples or reconstructions,
// into one picture, row by row.
type ImageGrid struct {
	// Images holds n images as [n, h*w] (square images, or with H and W
	// set), [n, h, w], or [n, c, h, w] with c = 1 (grey) or 3 (RGB).
	Images *tensor.Tensor
	// H and W give the image size for [n, h*w] input that is not square.
	H, W int
	// Cols is the number of images per row; 0 means ⌈√n⌉.
	Cols int
	// Pad is the gap between images and around the grid in pixels; 0
	// means 2, a negative value none.
	Pad int
	// Zoom magnifies each image pixel to Zoom×Zoom; 0 means 1.
	Zoom int
	// Lo and Hi are the values shown as black and white; when both are 0
	// the range is [0, 1]. Values beyond them are clipped.
	Lo, Hi float32
	// Background fills the padding; nil means dark grey.
	Background color.Color
}

// Render draws the grid. It panics if Images does not have one of the
// shapes above.
func (g ImageGrid) Render() image.Image {
	n, c, h, w := g.layout()
	cols := g.Cols
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	rows := max(1, (n+cols-1)/cols)
	pad := g.Pad
	switch {
	case pad == 0:
		pad = 2
	case pad < 0:
		pad = 0
	}
	zoom := max(g.Zoom, 1)
	lo, hi := g.Lo, g.Hi
	if lo == 0 && hi == 0 {
		hi = 1
	}
	bg := g.Background
	if bg == nil {
		bg = color.Gray{40}
	}
	tw, th := w*zoom, h*zoom
	cv := newCanvas(pad+cols*(tw+pad), pad+rows*(th+pad), bg)
	d := g.Images.Data()
	level := func(v float32) uint8 {
		t := (v - lo) / (hi - lo)
		return uint8(math.Round(255 * math.Max(0, math.Min(1, float64(t)))))
	}
	for k := range n {
		x0, y0 := pad+(k%cols)*(tw+pad), pad+(k/cols)*(th+pad)
		img := d[k*c*h*w : (k+1)*c*h*w]
		for y := range th {
			for x := range tw {
				p := (y/zoom)*w + x/zoom
				var px color.RGBA
				if c == 3 {
					px = color.RGBA{level(img[p]), level(img[h*w+p]), level(img[2*h*w+p]), 255}
				} else {
					v := level(img[p])
					px = color.RGBA{v, v, v, 255}
				}
				cv.img.SetRGBA(x0+x, y0+y, px)
			}
		}
	}
	return cv.img
}

// layout returns the number of images, channels, height and width.
func (g ImageGrid) layout() (n, c, h, w int) {
	s := g.Images.Shape()
	bad := func() { panic(fmt.Sprintf("viz: ImageGrid: images of shape %v (H %d, W %d)", s, g.H, g.W)) }
	switch len(s) {
	case 2:
		n, c, h, w = s[0], 1, g.H, g.W
		if h == 0 && w == 0 {
			h = int(math.Round(math.Sqrt(float64(s[1]))))
			w = h
		}
		if h*w != s[1] {
			bad()
		}
	case 3:
		n, c, h, w = s[0], 1, s[1], s[2]
	case 4:
		n, c, h, w = s[0], s[1], s[2], s[3]
		if c != 1 && c != 3 {
			bad()
		}
	default:
		bad()
	}
	if h <= 0 || w <= 0 {
		bad()
	}
	return n, c, h, w
}
