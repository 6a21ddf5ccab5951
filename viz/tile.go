package viz

import (
	"image"
	"image/color"
	"image/draw"
)

// Tile lays pictures out in rows of cols (0: all in one row), each in a
// cell as large as the largest, on white.
func Tile(pics []image.Image, cols int) image.Image {
	if len(pics) == 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	if cols <= 0 {
		cols = len(pics)
	}
	cw, ch := 0, 0
	for _, p := range pics {
		cw, ch = max(cw, p.Bounds().Dx()), max(ch, p.Bounds().Dy())
	}
	rows := (len(pics) + cols - 1) / cols
	c := newCanvas(cols*cw, rows*ch, color.White)
	for i, p := range pics {
		x, y := (i%cols)*cw, (i/cols)*ch
		b := p.Bounds()
		draw.Draw(c.img, image.Rect(x, y, x+b.Dx(), y+b.Dy()), p, b.Min, draw.Src)
	}
	return c.img
}
