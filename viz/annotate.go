package viz

import (
	"image"
	"image/color"
	"image/draw"
)

// Annotate returns img, a picture without axes (an image grid), on a white
// margin with the labels: the title centred above it, the x label centred
// below, the y label turned up at its left, and the legend's keys in a row
// at the bottom. Empty labels take no room.
func Annotate(img image.Image, l Labels, legend ...Key) image.Image {
	const swatch = fontCap + 2
	b := img.Bounds()
	line := fontHeight + labelGap
	left, top, bottom := margin, margin, margin
	if l.YLabel != "" {
		left += line
	}
	if l.Title != "" {
		top += line
	}
	if l.XLabel != "" {
		bottom += line
	}
	legendY := top + b.Dy() + bottom - margin + labelGap
	if len(legend) > 0 {
		bottom += line
	}
	titleW, _ := boldSize(l.Title)
	w := max(left+b.Dx()+margin, titleW+2*margin)
	c := newCanvas(w, top+b.Dy()+bottom, color.White)
	draw.Draw(c.img, image.Rect(left, top, left+b.Dx(), top+b.Dy()), img, b.Min, draw.Src)
	center := func(tw int) int { return max(margin, left+(b.Dx()-tw)/2) }
	if l.Title != "" {
		c.boldText(center(titleW), margin, l.Title, textColor)
	}
	if l.XLabel != "" {
		tw, _ := textSize(l.XLabel)
		c.text(center(tw), top+b.Dy()+labelGap, l.XLabel, textColor)
	}
	if l.YLabel != "" {
		tw, _ := textSize(l.YLabel)
		c.textUp(margin, top+(b.Dy()-tw)/2, l.YLabel, textColor)
	}
	x := left
	for _, k := range legend {
		c.fill(image.Rect(x, legendY, x+swatch, legendY+swatch), k.Color)
		c.text(x+swatch+labelGap, legendY+1, k.Name, textColor)
		tw, _ := textSize(k.Name)
		x += swatch + labelGap + tw + 3*labelGap
	}
	return c.img
}
