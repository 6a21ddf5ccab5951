package viz

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func near(a, b color.Color, tol int) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) int { return int(math.Abs(float64(x>>8) - float64(y>>8))) }
	return d(r1, r2) <= tol && d(g1, g2) <= tol && d(b1, b2) <= tol
}

func TestEnergyPlotSizes(t *testing.T) {
	f := Field{Box: Box{0, 2, 0, 1}, W: 3, H: 3, Values: make([]float64, 9)}
	img, plot := EnergyPlot{Field: f, Size: 200}.render()
	if plot.Dx() != 200 || plot.Dy() != 100 || !plot.In(img.Bounds()) {
		t.Errorf("heat map %v in %v, want 200×100 inside", plot, img.Bounds())
	}
	withBar, _ := EnergyPlot{Field: f, Size: 200, ColorBar: true, BarLabel: "energy"}.render()
	if withBar.Bounds().Dx() <= img.Bounds().Dx() || withBar.Bounds().Dy() != img.Bounds().Dy() {
		t.Errorf("color bar: bounds %v vs %v without", withBar.Bounds(), img.Bounds())
	}
	titled, tp := EnergyPlot{Field: f, Size: 200, Labels: Labels{Title: "t", XLabel: "x", YLabel: "y"}}.render()
	if titled.Bounds().Dy() <= img.Bounds().Dy() || tp.Min.X <= plot.Min.X || tp.Min.Y <= plot.Min.Y {
		t.Errorf("labels take no room: %v in %v, %v in %v without", tp, titled.Bounds(), plot, img.Bounds())
	}
	if _, p := (EnergyPlot{Field: f}).render(); p.Dx() != 512 {
		t.Errorf("default width %d", p.Dx())
	}
}

// TestEnergyPlotLowIsDark checks the heat map's orientation: a field that
// is low only in its bottom-left cell shows viridis's low end there and
// its high end at the top right.
func TestEnergyPlotLowIsDark(t *testing.T) {
	vals := []float64{
		0, 10, 10, // bottom row
		10, 10, 10,
		10, 10, 20, // top row
	}
	f := Field{Box: Box{0, 3, 0, 3}, W: 3, H: 3, Values: vals}
	img, r := EnergyPlot{Field: f, Size: 90}.render()
	bottomLeft := img.At(r.Min.X+2, r.Min.Y+88)
	topRight := img.At(r.Min.X+88, r.Min.Y+2)
	if !near(bottomLeft, Viridis(0), 2) {
		t.Errorf("bottom-left pixel %v, want viridis low %v", bottomLeft, Viridis(0))
	}
	if !near(topRight, Viridis(1), 2) {
		t.Errorf("top-right pixel %v, want viridis high %v", topRight, Viridis(1))
	}
	if mid := img.At(r.Min.X+45, r.Min.Y+45); !near(mid, Viridis(0.5), 2) {
		t.Errorf("center pixel %v, want viridis middle %v", mid, Viridis(0.5))
	}
}

func TestPointsLandWhereTheyShould(t *testing.T) {
	pts := tensor.New([]float32{1, 1, -2, 4}, 2, 2) // center, top-left corner
	f := Field{Box: Box{-2, 4, -2, 4}, W: 1, H: 1, Values: []float64{0}}
	img, r := EnergyPlot{Field: f, Size: 60, Points: []PointSet{SamplePoints(pts)}}.render()
	if c := img.At(r.Min.X+30, r.Min.Y+30); !near(c, blendOver(SampleColor, Viridis(0.5)), 3) {
		t.Errorf("center pixel %v, want a sample dot", c)
	}
	if c := img.At(r.Min.X, r.Min.Y); !near(c, blendOver(SampleColor, Viridis(0.5)), 40) {
		t.Errorf("corner pixel %v, want (part of) a sample dot", c)
	}
	if c := img.At(r.Min.X+15, r.Min.Y+45); !near(c, Viridis(0.5), 0) {
		t.Errorf("empty pixel %v, want the field color", c)
	}

	sc := Scatter{Box: Box{0, 10, 0, 10}, Sets: []PointSet{{Points: tensor.New([]float32{5, 5}, 1, 2), Radius: 3}}}.Render()
	found := false
	for y := sc.Bounds().Min.Y; y < sc.Bounds().Max.Y; y++ {
		for x := sc.Bounds().Min.X; x < sc.Bounds().Max.X; x++ {
			found = found || near(sc.At(x, y), Palette(0), 0)
		}
	}
	if !found {
		t.Error("scatter shows no dot in the first palette color")
	}
}

// blendOver composites c over an opaque background.
func blendOver(c color.NRGBA, bg color.RGBA) color.RGBA {
	a := float64(c.A) / 255
	mix := func(f, b uint8) uint8 { return uint8(math.Round(float64(f)*a + float64(b)*(1-a))) }
	return color.RGBA{mix(c.R, bg.R), mix(c.G, bg.G), mix(c.B, bg.B), 255}
}

func TestImageGridLayout(t *testing.T) {
	// Five 2×3 grey images, image k filled with k/4.
	vals := make([]float32, 0, 5*6)
	for k := range 5 {
		for range 6 {
			vals = append(vals, float32(k)/4)
		}
	}
	for _, tc := range []struct {
		name   string
		images *tensor.Tensor
		h, w   int
	}{
		{"flat with size", tensor.New(vals, 5, 6), 2, 3},
		{"3-D", tensor.New(vals, 5, 2, 3), 0, 0},
		{"4-D grey", tensor.New(vals, 5, 1, 2, 3), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := ImageGrid{Images: tc.images, H: tc.h, W: tc.w, Cols: 3, Pad: 1, Zoom: 2}.Render()
			// 3 columns of 6-pixel-wide tiles and 2 rows of 4-pixel-high
			// tiles, 1 pixel of padding around each.
			if got := img.Bounds(); got != image.Rect(0, 0, 1+3*(6+1), 1+2*(4+1)) {
				t.Fatalf("bounds %v", got)
			}
			for k := range 5 {
				x0, y0 := 1+(k%3)*7, 1+(k/3)*5
				want := uint8(math.Round(255 * float64(k) / 4))
				for _, p := range []image.Point{{x0, y0}, {x0 + 5, y0 + 3}} {
					if c := img.At(p.X, p.Y); !near(c, color.RGBA{want, want, want, 255}, 0) {
						t.Errorf("image %d pixel %v = %v, want grey %d", k, p, c, want)
					}
				}
			}
			if c := img.At(0, 0); !near(c, color.Gray{40}, 0) {
				t.Errorf("padding %v, want dark grey", c)
			}
		})
	}
}

func TestImageGridRGBAndRange(t *testing.T) {
	// One 1×1 RGB image with values in [-1, 1].
	img := ImageGrid{Images: tensor.New([]float32{1, -1, 0}, 1, 3, 1, 1), Lo: -1, Hi: 1, Pad: -1}.Render()
	if img.Bounds() != image.Rect(0, 0, 1, 1) {
		t.Fatalf("bounds %v, want 1×1 without padding", img.Bounds())
	}
	if c := img.At(0, 0); !near(c, color.RGBA{255, 0, 128, 255}, 0) {
		t.Errorf("pixel %v, want (255, 0, 128)", c)
	}
	sq := ImageGrid{Images: tensor.Zeros(4, 16)}.Render() // 4×4 images, 2 columns
	if sq.Bounds() != image.Rect(0, 0, 2+2*(4+2), 2+2*(4+2)) {
		t.Errorf("square images: bounds %v", sq.Bounds())
	}
}

func TestImageGridBadShapes(t *testing.T) {
	for _, g := range []ImageGrid{
		{Images: tensor.Zeros(2, 5)},
		{Images: tensor.Zeros(2, 6), H: 4, W: 2},
		{Images: tensor.Zeros(2, 2, 3, 3)},
		{Images: tensor.Zeros(6)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("shape %v (H %d, W %d): no panic", g.Images.Shape(), g.H, g.W)
				}
			}()
			g.Render()
		}()
	}
}

func TestLinePlot(t *testing.T) {
	s := Series{Y: []float64{3, 2, math.NaN(), 1, 0.5, 0}, Color: color.RGBA{255, 0, 0, 255}}
	for _, logY := range []bool{false, true} {
		img := LinePlot{Series: []Series{s, {Y: []float64{1}, X: []float64{2}}}, LogY: logY, Width: 300, Height: 200}.Render()
		if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 || b.Dx() > 400 || b.Dy() > 260 {
			t.Errorf("LogY %v: bounds %v for a 300×200 plot area", logY, b)
		}
		red := 0
		for y := range img.Bounds().Dy() {
			for x := range img.Bounds().Dx() {
				if near(img.At(x, y), color.RGBA{255, 0, 0, 255}, 0) {
					red++
				}
			}
		}
		if red < 80 {
			t.Errorf("LogY %v: only %d pixels of the red curve", logY, red)
		}
	}
	// No usable values at all still gives a picture.
	LinePlot{Series: []Series{{Y: []float64{math.NaN()}}}}.Render()
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		a      axis
		values []float64
		labels []string
	}{
		{axis{lo: 0, hi: 1}, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{axis{lo: 1, hi: 3, integer: true}, []float64{1, 2, 3}, []string{"1", "2", "3"}},
		{axis{lo: 0.11, hi: 0.75, log: true}, []float64{0.2, 0.3, 0.5}, []string{"0.2", "0.3", "0.5"}},
		{axis{lo: -3, hi: 7}, []float64{-2, 0, 2, 4, 6}, []string{"-2", "0", "2", "4", "6"}},
		{axis{lo: 0, hi: 300}, []float64{0, 100, 200, 300}, []string{"0", "100", "200", "300"}},
		{axis{lo: 0.001, hi: 20, log: true}, []float64{0.001, 0.01, 0.1, 1, 10}, []string{"0.001", "0.01", "0.1", "1", "10"}},
		{axis{lo: 0.3, hi: 3, log: true}, []float64{0.5, 1, 2}, []string{"0.5", "1", "2"}},
	} {
		vs, ls := tc.a.ticks()
		if len(vs) != len(tc.values) || !slices.Equal(ls, tc.labels) {
			t.Errorf("%+v: ticks %v %q, want %v %q", tc.a, vs, ls, tc.values, tc.labels)
			continue
		}
		for i := range vs {
			if math.Abs(vs[i]-tc.values[i]) > 1e-9 {
				t.Errorf("%+v: tick %d = %v, want %v", tc.a, i, vs[i], tc.values[i])
			}
		}
	}
}

func TestText(t *testing.T) {
	// 1, '.', 5, e, +, 0, 3 are 3, 2, 5, 5, 5, 5, 5 pixels wide, 1 apart.
	if w, h := textSize("1.5e+03"); w != 30+6 || h != fontHeight {
		t.Errorf("textSize = %d×%d", w, h)
	}
	c := newCanvas(20, 12, color.White)
	c.text(1, 1, "1", color.Black)
	// The "1" glyph's bottom row is solid: pixels (1..3, 7) are black.
	if !near(c.img.At(1, 7), color.Black, 0) || !near(c.img.At(3, 7), color.Black, 0) || !near(c.img.At(1, 1), color.White, 0) {
		t.Error("glyph drawn in the wrong place")
	}
	up := newCanvas(12, 20, color.White)
	up.textUp(1, 1, "1", color.Black)
	// Turned up, that row is the right-most column, read from the bottom.
	if !near(up.img.At(7, 1), color.Black, 0) || !near(up.img.At(7, 3), color.Black, 0) || !near(up.img.At(1, 3), color.White, 0) {
		t.Error("turned glyph drawn in the wrong place")
	}
	if w, _ := textSize("\u2603"); w != glyphs['?'].width {
		t.Errorf("a rune without a glyph is %d wide, want that of '?'", w)
	}
}

func TestColorBarTicks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      ColorScale
		lo, hi float64
		labels []string
	}{
		{"linear", ColorScale{}, -1, 9, []string{"0", "2", "4", "6", "8"}},
		// No label starts with a stray minus: positive values print bare.
		{"log", ColorScale{Log: true}, -11.3, 60, []string{"-10", "-5", "-3", "0", "5", "10", "20", "30", "50"}},
		{"log positive", ColorScale{Log: true}, 2.8, 45, []string{"3", "5", "10", "20", "30"}},
		// Round values only in the top half: the bottom end is marked too.
		{"log end", ColorScale{Log: true}, 6.3, 52, []string{"6.3", "10", "20", "30", "50"}},
		{"log flat", ColorScale{Log: true}, 10.1, 10.2, []string{"10.1", "10.1", "10.2"}},
	} {
		vs, ls := tc.s.ticks(tc.lo, tc.hi, 400)
		if !slices.Equal(ls, tc.labels) {
			t.Errorf("%s: labels %q, want %q", tc.name, ls, tc.labels)
		}
		for _, v := range vs {
			if v < tc.lo || v > tc.hi {
				t.Errorf("%s: tick %v outside [%v, %v]", tc.name, v, tc.lo, tc.hi)
			}
		}
	}
}

func TestLegendAndTile(t *testing.T) {
	named := LinePlot{Series: []Series{{Y: []float64{0, 1}, Name: "loss"}}, Width: 200, Height: 100}.Render()
	plain := LinePlot{Series: []Series{{Y: []float64{0, 1}}}, Width: 200, Height: 100}.Render()
	// The legend sits in the top-right corner of the plot area.
	differs := false
	b := named.Bounds()
	for y := b.Min.Y; y < b.Min.Y+40; y++ {
		for x := b.Max.X - 80; x < b.Max.X; x++ {
			differs = differs || named.At(x, y) != plain.At(x, y)
		}
	}
	if !differs {
		t.Error("a named series draws no legend")
	}
	s := Tile([]image.Image{named, plain}, 1)
	if s.Bounds().Dy() != named.Bounds().Dy()+plain.Bounds().Dy() || s.Bounds().Dx() != b.Dx() {
		t.Errorf("bounds of two panels in one column: %v", s.Bounds())
	}
}
