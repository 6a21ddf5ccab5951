package viz

import (
	"image"
	"image/color"
	"image/draw"
)

// Tile lays pictures out in rows of cols (0: all in one row) on white,
// as the panels of one figure: each row as tall as its tallest picture,
// each column as wide as its widest, pictures at the top left of their
// cells.
func Tile(pics []image.Image, cols int) image.Image {
	if len(pics) == 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	if cols <= 0 {
		cols = len(pics)
	}
	rows := (len(pics) + cols - 1) / cols
	colW, rowH := make([]int, cols+1), make([]int, rows+1)
	for i, p := range pics {
		colW[i%cols+1] = max(colW[i%cols+1], p.Bounds().Dx())
		rowH[i/cols+1] = max(rowH[i/cols+1], p.Bounds().Dy())
	}
	// Running sums: colW[j] and rowH[i] become the cells' offsets.
	for j := 1; j <= cols; j++ {
		colW[j] += colW[j-1]
	}
	for i := 1; i <= rows; i++ {
		rowH[i] += rowH[i-1]
	}
	c := newCanvas(colW[cols], rowH[rows], color.White)
	for i, p := range pics {
		x, y := colW[i%cols], rowH[i/cols]
		b := p.Bounds()
		draw.Draw(c.img, image.Rect(x, y, x+b.Dx(), y+b.Dy()), p, b.Min, draw.Src)
	}
	return c.img
}
