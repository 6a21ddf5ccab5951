package viz

import (
	"image/color"
	"math"
)

// viridisStops samples the 256-entry viridis table published with
// matplotlib (van der Walt & Smith 2015, "mpl-colormaps", CC0) at every 8th
// entry and at the last one. Stop k is entry index viridisIndex(k) and sits
// at t = index/255; between stops Viridis interpolates linearly, which
// stays within about one 8-bit level of the full table.
var viridisStops = [...][3]float64{
	{0.267004, 0.004874, 0.329415}, // 0
	{0.277018, 0.050344, 0.375715}, // 8
	{0.282327, 0.094955, 0.417331}, // 16
	{0.282884, 0.135920, 0.453427}, // 24
	{0.278826, 0.175490, 0.483397}, // 32
	{0.270595, 0.214069, 0.507052}, // 40
	{0.258965, 0.251537, 0.524736}, // 48
	{0.244972, 0.287675, 0.537260}, // 56
	{0.229739, 0.322361, 0.545706}, // 64
	{0.214298, 0.355619, 0.551184}, // 72
	{0.199430, 0.387607, 0.554642}, // 80
	{0.185556, 0.418570, 0.556753}, // 88
	{0.172719, 0.448791, 0.557885}, // 96
	{0.160665, 0.478540, 0.558115}, // 104
	{0.149039, 0.508051, 0.557250}, // 112
	{0.137770, 0.537492, 0.554906}, // 120
	{0.127568, 0.566949, 0.550556}, // 128
	{0.120565, 0.596422, 0.543611}, // 136
	{0.120638, 0.625828, 0.533488}, // 144
	{0.132268, 0.655014, 0.519661}, // 152
	{0.157851, 0.683765, 0.501686}, // 160
	{0.196571, 0.711827, 0.479221}, // 168
	{0.246070, 0.738910, 0.452024}, // 176
	{0.304148, 0.764704, 0.419943}, // 184
	{0.369214, 0.788888, 0.382914}, // 192
	{0.440137, 0.811138, 0.340967}, // 200
	{0.515992, 0.831158, 0.294279}, // 208
	{0.595839, 0.848717, 0.243329}, // 216
	{0.678489, 0.863742, 0.189503}, // 224
	{0.762373, 0.876424, 0.137064}, // 232
	{0.845561, 0.887322, 0.099702}, // 240
	{0.926106, 0.897330, 0.104071}, // 248
	{0.993248, 0.906157, 0.143936}, // 255
}

// viridisIndex is the table index of stop k.
func viridisIndex(k int) float64 { return math.Min(float64(8*k), 255) }

// Viridis maps t in [0, 1] to the viridis colormap: 0 is dark purple, 0.5
// teal, 1 yellow. Values outside [0, 1] are clamped; NaN gives grey.
func Viridis(t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{128, 128, 128, 255}
	}
	pos := math.Max(0, math.Min(1, t)) * 255
	k := min(int(pos/8), len(viridisStops)-2)
	a, b := viridisIndex(k), viridisIndex(k+1)
	f := (pos - a) / (b - a)
	var c [3]uint8
	for i := range c {
		v := viridisStops[k][i] + f*(viridisStops[k+1][i]-viridisStops[k][i])
		c[i] = uint8(math.Round(255 * v))
	}
	return color.RGBA{c[0], c[1], c[2], 255}
}

// okabeIto is the color-blind safe qualitative palette of Okabe & Ito
// (2008, "Color Universal Design"), black left out and moved to the end so
// that the first colors stand out on white.
var okabeIto = [...]color.RGBA{
	{0, 114, 178, 255},   // blue
	{213, 94, 0, 255},    // vermillion
	{0, 158, 115, 255},   // bluish green
	{230, 159, 0, 255},   // orange
	{204, 121, 167, 255}, // reddish purple
	{86, 180, 233, 255},  // sky blue
	{240, 228, 66, 255},  // yellow
	{0, 0, 0, 255},       // black
}

// Palette returns the i-th color of a qualitative palette for point sets
// and curves (the Okabe–Ito colors), cycling after eight.
func Palette(i int) color.RGBA {
	return okabeIto[((i%len(okabeIto))+len(okabeIto))%len(okabeIto)]
}
