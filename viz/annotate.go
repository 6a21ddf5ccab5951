package viz

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
)

// letters extends the pixel font with capital letters and the punctuation
// of titles and axis labels. Annotate writes its texts in capitals, so the
// number font's lowercase 'e' (of exponents) is left as it is.
var letters = map[rune][5]uint8{
	'A': {2, 5, 7, 5, 5}, 'B': {6, 5, 6, 5, 6}, 'C': {3, 4, 4, 4, 3}, 'D': {6, 5, 5, 5, 6},
	'E': {7, 4, 6, 4, 7}, 'F': {7, 4, 6, 4, 4}, 'G': {3, 4, 5, 5, 3}, 'H': {5, 5, 7, 5, 5},
	'I': {7, 2, 2, 2, 7}, 'J': {1, 1, 1, 5, 2}, 'K': {5, 5, 6, 5, 5}, 'L': {4, 4, 4, 4, 7},
	'M': {5, 7, 7, 5, 5}, 'N': {6, 5, 5, 5, 5}, 'O': {2, 5, 5, 5, 2}, 'P': {6, 5, 6, 4, 4},
	'Q': {2, 5, 5, 6, 3}, 'R': {6, 5, 6, 5, 5}, 'S': {3, 4, 2, 1, 6}, 'T': {7, 2, 2, 2, 2},
	'U': {5, 5, 5, 5, 7}, 'V': {5, 5, 5, 5, 2}, 'W': {5, 5, 7, 7, 5}, 'X': {5, 5, 2, 5, 5},
	'Y': {5, 5, 2, 2, 2}, 'Z': {7, 1, 2, 4, 7},
	'(': {1, 2, 2, 2, 1}, ')': {4, 2, 2, 2, 4}, ':': {0, 2, 0, 2, 0}, ',': {0, 0, 0, 2, 4},
	'/': {1, 1, 2, 4, 4}, '=': {0, 7, 0, 7, 0}, '_': {0, 0, 0, 0, 7}, '|': {2, 2, 2, 2, 2},
	'^': {2, 5, 0, 0, 0}, '%': {5, 1, 2, 4, 5},
}

func init() {
	for r, g := range letters {
		glyphs[r] = g
	}
}

// Labels are the texts Annotate writes around a picture.
type Labels struct {
	Title  string // above the picture
	X      string // below it: the x axis's label
	Y      string // at its left, read bottom to top: the y axis's label
	Legend []Key  // a row of colour keys at the bottom
}

// Key is an entry of a legend: a square of Color, then Name.
type Key struct {
	Name  string
	Color color.Color
}

// Annotate returns img on a white margin with the labels written in
// capitals: the title centred above, the x label centred below, the y
// label turned a quarter left, centred beside it, and the legend in a row
// at the bottom. Empty labels take no room.
func Annotate(img image.Image, l Labels) image.Image {
	const gap = 8
	_, th := textSize("X")
	line := th + 2*gap
	b := img.Bounds()
	left, top, bottom := 0, 0, 0
	if l.Y != "" {
		left = line
	}
	if l.Title != "" {
		top = line
	}
	if l.X != "" {
		bottom = line
	}
	legendY := top + b.Dy() + bottom
	if len(l.Legend) > 0 {
		bottom += line
	}
	c := newCanvas(b.Dx()+left+gap*boolInt(left > 0), b.Dy()+top+bottom, color.White)
	draw.Draw(c.img, image.Rect(left, top, left+b.Dx(), top+b.Dy()), img, b.Min, draw.Src)
	ink := color.Black
	center := func(s string, y int) {
		w, _ := textSize(s)
		c.text(left+(b.Dx()-w)/2, y, s, ink)
	}
	if l.Title != "" {
		center(strings.ToUpper(l.Title), gap)
	}
	if l.X != "" {
		center(strings.ToUpper(l.X), top+b.Dy()+gap)
	}
	x := left
	for _, k := range l.Legend {
		s := strings.ToUpper(k.Name)
		w, _ := textSize(s)
		c.fill(image.Rect(x, legendY+gap, x+th, legendY+gap+th), k.Color)
		c.text(x+th+gap/2, legendY+gap, s, ink)
		x += th + gap/2 + w + 2*gap
	}
	if l.Y != "" {
		s := strings.ToUpper(l.Y)
		w, h := textSize(s)
		tmp := newCanvas(w, h, color.White)
		tmp.text(0, 0, s, ink)
		// Turn a quarter left: (x, y) goes to (y, w-1-x).
		x0, y0 := gap, top+(b.Dy()-w)/2
		for y := range h {
			for x := range w {
				c.img.Set(x0+y, y0+w-1-x, tmp.img.At(x, y))
			}
		}
	}
	return c.img
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
