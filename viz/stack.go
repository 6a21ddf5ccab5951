package viz

import (
	"image"
	"image/color"
	"image/draw"
)

// Stack puts pictures one below the other on white, left-aligned, as the
// panels of one figure.
func Stack(panels ...image.Image) image.Image {
	w, h := 0, 0
	for _, p := range panels {
		w, h = max(w, p.Bounds().Dx()), h+p.Bounds().Dy()
	}
	c := newCanvas(w, h, color.White)
	y := 0
	for _, p := range panels {
		b := p.Bounds()
		draw.Draw(c.img, image.Rect(0, y, b.Dx(), y+b.Dy()), p, b.Min, draw.Src)
		y += b.Dy()
	}
	return c.img
}
