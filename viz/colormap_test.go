package viz

import (
	"image/color"
	"math"
	"testing"
)

func TestViridisPublishedColors(t *testing.T) {
	for _, tc := range []struct {
		t    float64
		want color.RGBA
	}{
		// matplotlib's viridis(0), viridis(1) and the middle entry
		// (entry 128, #21918c) in 8 bits.
		{0, color.RGBA{68, 1, 84, 255}},
		{1, color.RGBA{253, 231, 37, 255}},
		{128.0 / 255, color.RGBA{33, 145, 140, 255}},
		{-3, color.RGBA{68, 1, 84, 255}},
		{7, color.RGBA{253, 231, 37, 255}},
		{math.NaN(), color.RGBA{128, 128, 128, 255}},
	} {
		if got := Viridis(tc.t); got != tc.want {
			t.Errorf("Viridis(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
}

// TestViridisLightnessRises checks the property viridis was designed for:
// its lightness rises monotonically from one end to the other.
func TestViridisLightnessRises(t *testing.T) {
	prev := -1.0
	for i := 0; i <= 100; i++ {
		c := Viridis(float64(i) / 100)
		l := 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
		if l <= prev {
			t.Fatalf("luminance falls at t = %.2f: %v after %v", float64(i)/100, l, prev)
		}
		prev = l
	}
}

// lin undoes the sRGB transfer curve.
func lin(v uint8) float64 {
	c := float64(v) / 255
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

func TestPaletteCycles(t *testing.T) {
	if Palette(0) == Palette(1) {
		t.Error("first two palette colors equal")
	}
	if Palette(8) != Palette(0) || Palette(-1) != Palette(7) {
		t.Error("palette does not cycle every 8 colors")
	}
}
