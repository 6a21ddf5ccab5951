package viz

import (
	"image"
	"image/color"
	"image/draw"
)

// LegendEntry names the curve or point set of a color.
type LegendEntry struct {
	Label string
	Color color.Color
}

// Figure frames a rendered plot with a title above it, an x-axis label
// below, a y-axis label written down its left side and a legend to its
// right. Empty parts take no room.
type Figure struct {
	Plot                  image.Image
	Title, XLabel, YLabel string
	Legend                []LegendEntry
}

// Render draws the figure.
func (f Figure) Render() image.Image {
	const gap, swatch = 8, 16
	_, th := textSize("0")
	line := th + gap
	pb := f.Plot.Bounds()
	left, top, bottom, right := 0, 0, 0, 0
	if f.YLabel != "" {
		left = margin + textScale*3 + gap
	}
	if f.Title != "" {
		top = margin + line
	}
	if f.XLabel != "" {
		bottom = line
	}
	legendW := 0
	for _, e := range f.Legend {
		w, _ := textSize(e.Label)
		legendW = max(legendW, swatch+gap/2+w)
	}
	if legendW > 0 {
		right = gap + legendW + margin
	}
	w, h := left+pb.Dx()+right, top+pb.Dy()+bottom
	if tw, _ := textSize(f.Title); tw+2*margin > w {
		w = tw + 2*margin
	}
	h = max(h, top+len(f.Legend)*line+margin)
	c := newCanvas(w, h, color.White)
	draw.Draw(c.img, image.Rect(left, top, left+pb.Dx(), top+pb.Dy()), f.Plot, pb.Min, draw.Src)
	if f.Title != "" {
		tw, _ := textSize(f.Title)
		c.text(max(0, (w-tw)/2), margin, f.Title, color.Black)
	}
	if f.XLabel != "" {
		tw, _ := textSize(f.XLabel)
		c.text(left+max(0, (pb.Dx()-tw)/2), top+pb.Dy(), f.XLabel, axisColor)
	}
	if f.YLabel != "" {
		// One character a line, top to bottom, centred on the plot.
		n := len([]rune(f.YLabel))
		y := top + max(0, (pb.Dy()-n*(th+2*textScale))/2)
		for _, r := range f.YLabel {
			c.text(margin, y, string(r), axisColor)
			y += th + 2*textScale
		}
	}
	x0 := left + pb.Dx() + gap
	for i, e := range f.Legend {
		y := top + margin + i*line
		c.fill(image.Rect(x0, y+th/2-1, x0+swatch, y+th/2+2), e.Color)
		c.text(x0+swatch+gap/2, y, e.Label, axisColor)
	}
	return c.img
}

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
