package viz

import (
	"image/color"
	"strings"
)

// glyphRows is a 5×7 pixel font with two rows below the baseline for
// descenders, drawn for gibbs: each glyph is a list of rows, top first,
// '#' for ink. Blank columns on either side are trimmed, so the font is
// proportional. A rune without a glyph is drawn as '?'.
var glyphRows = map[rune]string{
	'0':  ".###.|#...#|#..##|#.#.#|##..#|#...#|.###.",
	'1':  ".#.|##.|.#.|.#.|.#.|.#.|###",
	'2':  ".###.|#...#|....#|...#.|..#..|.#...|#####",
	'3':  "#####|...#.|..#..|...#.|....#|#...#|.###.",
	'4':  "...#.|..##.|.#.#.|#..#.|#####|...#.|...#.",
	'5':  "#####|#....|####.|....#|....#|#...#|.###.",
	'6':  "..##.|.#...|#....|####.|#...#|#...#|.###.",
	'7':  "#####|....#|...#.|..#..|.#...|.#...|.#...",
	'8':  ".###.|#...#|#...#|.###.|#...#|#...#|.###.",
	'9':  ".###.|#...#|#...#|.####|....#|...#.|.##..",
	'A':  ".###.|#...#|#...#|#####|#...#|#...#|#...#",
	'B':  "####.|#...#|#...#|####.|#...#|#...#|####.",
	'C':  ".###.|#...#|#....|#....|#....|#...#|.###.",
	'D':  "####.|#...#|#...#|#...#|#...#|#...#|####.",
	'E':  "#####|#....|#....|####.|#....|#....|#####",
	'F':  "#####|#....|#....|####.|#....|#....|#....",
	'G':  ".###.|#...#|#....|#.###|#...#|#...#|.####",
	'H':  "#...#|#...#|#...#|#####|#...#|#...#|#...#",
	'I':  "###|.#.|.#.|.#.|.#.|.#.|###",
	'J':  "..###|...#.|...#.|...#.|...#.|#..#.|.##..",
	'K':  "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#",
	'L':  "#....|#....|#....|#....|#....|#....|#####",
	'M':  "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#",
	'N':  "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#",
	'O':  ".###.|#...#|#...#|#...#|#...#|#...#|.###.",
	'P':  "####.|#...#|#...#|####.|#....|#....|#....",
	'Q':  ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#",
	'R':  "####.|#...#|#...#|####.|#.#..|#..#.|#...#",
	'S':  ".####|#....|#....|.###.|....#|....#|####.",
	'T':  "#####|..#..|..#..|..#..|..#..|..#..|..#..",
	'U':  "#...#|#...#|#...#|#...#|#...#|#...#|.###.",
	'V':  "#...#|#...#|#...#|#...#|#...#|.#.#.|..#..",
	'W':  "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#.",
	'X':  "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#",
	'Y':  "#...#|#...#|.#.#.|..#..|..#..|..#..|..#..",
	'Z':  "#####|....#|...#.|..#..|.#...|#....|#####",
	'a':  ".....|.....|.###.|....#|.####|#...#|.####",
	'b':  "#....|#....|####.|#...#|#...#|#...#|####.",
	'c':  ".....|.....|.###.|#....|#....|#...#|.###.",
	'd':  "....#|....#|.####|#...#|#...#|#...#|.####",
	'e':  ".....|.....|.###.|#...#|#####|#....|.###.",
	'f':  "..##|.#..|.#..|###.|.#..|.#..|.#..",
	'g':  ".....|.....|.####|#...#|#...#|#...#|.####|....#|.###.",
	'h':  "#....|#....|####.|#...#|#...#|#...#|#...#",
	'i':  ".#.|...|##.|.#.|.#.|.#.|###",
	'j':  "..#|...|.##|..#|..#|..#|..#|#.#|.#.",
	'k':  "#...|#...|#..#|#.#.|##..|#.#.|#..#",
	'l':  "##.|.#.|.#.|.#.|.#.|.#.|###",
	'm':  ".....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#",
	'n':  ".....|.....|####.|#...#|#...#|#...#|#...#",
	'o':  ".....|.....|.###.|#...#|#...#|#...#|.###.",
	'p':  ".....|.....|####.|#...#|#...#|#...#|####.|#....|#....",
	'q':  ".....|.....|.####|#...#|#...#|#...#|.####|....#|....#",
	'r':  ".....|.....|#.##.|##..#|#....|#....|#....",
	's':  ".....|.....|.####|#....|.###.|....#|####.",
	't':  ".#..|.#..|###.|.#..|.#..|.#.#|..#.",
	'u':  ".....|.....|#...#|#...#|#...#|#..##|.##.#",
	'v':  ".....|.....|#...#|#...#|#...#|.#.#.|..#..",
	'w':  ".....|.....|#...#|#...#|#.#.#|#.#.#|.#.#.",
	'x':  ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#",
	'y':  ".....|.....|#...#|#...#|#...#|#...#|.####|....#|.###.",
	'z':  ".....|.....|#####|...#.|..#..|.#...|#####",
	'.':  "..|..|..|..|..|##|##",
	',':  "..|..|..|..|..|.#|.#|#.",
	':':  "..|..|##|##|..|##|##",
	'-':  "....|....|....|####",
	'+':  ".....|..#..|..#..|#####|..#..|..#..",
	'=':  ".....|.....|#####|.....|#####",
	'(':  "..#|.#.|#..|#..|#..|.#.|..#",
	')':  "#..|.#.|..#|..#|..#|.#.|#..",
	'[':  "##|#.|#.|#.|#.|#.|##",
	']':  "##|.#|.#|.#|.#|.#|##",
	'/':  "....#|...#.|...#.|..#..|.#...|.#...|#....",
	'%':  "##...|##..#|...#.|..#..|.#...|#..##|...##",
	'_':  ".....|.....|.....|.....|.....|.....|.....|#####",
	'\'': "#|#",
	'"':  "#.#|#.#",
	'!':  "#|#|#|#|#|.|#",
	'?':  ".###.|#...#|....#|...#.|..#..|.....|..#..",
	'<':  "...#|..#.|.#..|#...|.#..|..#.|...#",
	'>':  "#...|.#..|..#.|...#|..#.|.#..|#...",
	'*':  ".....|..#..|#.#.#|.###.|#.#.#|..#..",
	'#':  ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.",
	'|':  "#|#|#|#|#|#|#|#|#",
	'×':  ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#",
	'^':  "..#..|.#.#.|#...#",
	'²':  "###|..#|###|#..|###",
	'&':  ".##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#",
	';':  "..|..|##|##|..|##|##|#.",
	'~':  ".....|.....|.##.#|#.##.",
}

// glyph is a parsed character: its ink as rows of bits, the leftmost
// column the highest bit, and its width in pixels.
type glyph struct {
	rows  [fontHeight]uint8
	width int
}

// Font metrics in pixels: glyphs are fontCap high above the baseline and
// fontHeight with descenders; characters are fontGap apart and a space is
// spaceWidth wide.
const (
	fontCap    = 7
	fontHeight = 9
	fontGap    = 1
	spaceWidth = 4
)

var glyphs = parseGlyphs()

// parseGlyphs turns glyphRows into glyphs, trimming blank columns.
func parseGlyphs() map[rune]glyph {
	out := make(map[rune]glyph, len(glyphRows)+1)
	for r, s := range glyphRows {
		rows := strings.Split(s, "|")
		lo, hi := 8, -1
		for _, row := range rows {
			for i, ch := range row {
				if ch == '#' {
					lo, hi = min(lo, i), max(hi, i)
				}
			}
		}
		var g glyph
		g.width = hi - lo + 1
		for y, row := range rows {
			for i, ch := range row {
				if ch == '#' {
					g.rows[y] |= 1 << (7 - (i - lo))
				}
			}
		}
		out[r] = g
	}
	out[' '] = glyph{width: spaceWidth - fontGap}
	return out
}

// glyphOf returns the glyph of r, or that of '?' when the font lacks r.
func glyphOf(r rune) glyph {
	if g, ok := glyphs[r]; ok {
		return g
	}
	return glyphs['?']
}

// textSize returns the width and height in pixels of s drawn by text.
func textSize(s string) (w, h int) {
	for i, r := range []rune(s) {
		if i > 0 {
			w += fontGap
		}
		w += glyphOf(r).width
	}
	return w, fontHeight
}

// boldSize returns the width and height of s drawn by boldText.
func boldSize(s string) (w, h int) {
	w, h = textSize(s)
	return w + len([]rune(s)), h
}

// text draws s with its top-left corner at (x, y): the cap height spans
// rows y to y+fontCap-1 and descenders reach y+fontHeight-1.
func (c canvas) text(x, y int, s string, col color.Color) {
	c.glyphRun(x, y, s, col, false, 0)
}

// boldText draws s like text, each stroke doubled one pixel to the right.
func (c canvas) boldText(x, y int, s string, col color.Color) {
	c.glyphRun(x, y, s, col, false, 1)
}

// textUp draws s turned a quarter turn counter-clockwise, reading from
// bottom to top, in the box with top-left corner (x, y) that is
// fontHeight wide and textSize(s) high.
func (c canvas) textUp(x, y int, s string, col color.Color) {
	c.glyphRun(x, y, s, col, true, 0)
}

// glyphRun draws the glyphs of s, extra pixels wider each, upright or
// turned up.
func (c canvas) glyphRun(x, y int, s string, col color.Color, up bool, extra int) {
	n := nrgba(col)
	total, _ := textSize(s)
	total += extra * len([]rune(s))
	pos := 0
	for _, r := range s {
		g := glyphOf(r)
		for row, bits := range g.rows {
			for b := range g.width {
				if bits&(1<<(7-b)) == 0 {
					continue
				}
				for e := 0; e <= extra; e++ {
					gx := pos + b + e
					if up {
						c.blend(x+row, y+total-1-gx, n, 1)
					} else {
						c.blend(x+gx, y+row, n, 1)
					}
				}
			}
		}
		pos += g.width + extra + fontGap
	}
}
