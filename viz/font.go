package viz

import (
	"image/color"
	"unicode"
)

// glyphs is a 3×5 pixel font for the characters of numbers (letters.go
// adds capitals and signs): each row is three bits, the leftmost the
// highest.
var glyphs = map[rune][5]uint8{
	'0': {7, 5, 5, 5, 7},
	'1': {2, 6, 2, 2, 7},
	'2': {7, 1, 7, 4, 7},
	'3': {7, 1, 7, 1, 7},
	'4': {5, 5, 7, 1, 1},
	'5': {7, 4, 7, 1, 7},
	'6': {7, 4, 7, 5, 7},
	'7': {7, 1, 1, 1, 1},
	'8': {7, 5, 7, 5, 7},
	'9': {7, 5, 7, 1, 7},
	'.': {0, 0, 0, 0, 2},
	'-': {0, 0, 7, 0, 0},
	'+': {0, 2, 7, 2, 0},
}

// textScale is the size of one font pixel in picture pixels.
const textScale = 2

// textSize returns the width and height in pixels of s drawn by text.
func textSize(s string) (w, h int) {
	n := len([]rune(s))
	if n == 0 {
		return 0, 5 * textScale
	}
	return (4*n - 1) * textScale, 5 * textScale
}

// text draws s with its top-left corner at (x, y). Characters without a
// glyph leave a blank.
func (c canvas) text(x, y int, s string, col color.Color) {
	n := nrgba(col)
	for _, r := range s {
		g := glyphs[unicode.ToUpper(r)]
		for row, bits := range g {
			for b := range 3 {
				if bits&(4>>b) == 0 {
					continue
				}
				for dy := range textScale {
					for dx := range textScale {
						c.blend(x+b*textScale+dx, y+row*textScale+dy, n, 1)
					}
				}
			}
		}
		x += 4 * textScale
	}
}
