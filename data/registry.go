package data

import (
	"fmt"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// Box is an axis-aligned rectangle of the plane, [XMin, XMax] × [YMin, YMax].
type Box struct {
	XMin, XMax, YMin, YMax float64
}

// The defaults of the named toy sets. ring8 and grid25 have narrow modes so
// that mode coverage is a sharp test; the noise levels of the other sets
// follow FFJORD's.
var (
	ring8  = RingMixture(8, 2, 0.1)
	grid25 = GridMixture(5, 1, 0.05)
	// PacGAN's (Lin et al. 2018) 2D-ring and 2D-grid: 8 Gaussians of std
	// 0.01 on the unit circle, 25 of std 0.05 on {-4, -2, 0, 2, 4}².
	pacRing8  = RingMixture(8, 1, 0.01)
	pacGrid25 = GridMixture(5, 2, 0.05)
)

// toySet describes one named toy distribution.
type toySet struct {
	name       string
	sample     func(n int, rng *tensor.RNG) *tensor.Tensor
	box        Box
	mixture    *Mixture                   // non-nil for the Gaussian mixtures
	logDensity func(x, y float64) float64 // nil when not known in closed form
}

var toySets = []toySet{
	{name: "moons", box: square(4), sample: func(n int, rng *tensor.RNG) *tensor.Tensor {
		return Moons(n, 0.1, rng)
	}},
	{name: "ring8", box: square(3), sample: ring8.Sample, mixture: &ring8, logDensity: ring8.LogDensity},
	{name: "grid25", box: square(3), sample: grid25.Sample, mixture: &grid25, logDensity: grid25.LogDensity},
	{name: "pacring8", box: square(1.5), sample: pacRing8.Sample, mixture: &pacRing8, logDensity: pacRing8.LogDensity},
	{name: "pacgrid25", box: square(5.5), sample: pacGrid25.Sample, mixture: &pacGrid25, logDensity: pacGrid25.LogDensity},
	{name: "spiral", box: square(4), sample: func(n int, rng *tensor.RNG) *tensor.Tensor {
		return Spiral(n, 0.1, rng)
	}},
	{name: "swissroll", box: square(3.5), sample: func(n int, rng *tensor.RNG) *tensor.Tensor {
		return SwissRoll(n, 1, rng)
	}},
	{name: "checkerboard", box: square(4.5), sample: Checkerboard, logDensity: checkerboardLogDensity},
	{name: "ellipse", box: square(3), sample: func(n int, rng *tensor.RNG) *tensor.Tensor {
		y, _ := Ellipse(n, 0.05, rng)
		return y
	}},
}

func square(r float64) Box { return Box{-r, r, -r, r} }

func lookupToy(name string) (toySet, bool) {
	for _, s := range toySets {
		if s.name == name {
			return s, true
		}
	}
	return toySet{}, false
}

// ToyNames returns the names Toy accepts, in a fixed order.
func ToyNames() []string {
	names := make([]string, len(toySets))
	for i, s := range toySets {
		names[i] = s.name
	}
	return names
}

// Toy draws n points as an [n, 2] tensor from the named toy distribution
// with its default settings:
//
//	moons         Moons with noise 0.1
//	ring8         RingMixture(8, 2, 0.1): 8 Gaussians on a circle of radius 2
//	grid25        GridMixture(5, 1, 0.05): 25 Gaussians on {-2, ..., 2}²
//	pacring8      RingMixture(8, 1, 0.01): PacGAN's 2D-ring
//	pacgrid25     GridMixture(5, 2, 0.05): PacGAN's 2D-grid, on {-4, -2, ..., 4}²
//	spiral        Spiral with noise 0.1
//	swissroll     SwissRoll with noise 1 (0.2 after scaling)
//	checkerboard  Checkerboard
//	ellipse       the y of Ellipse with noise 0.05, x left out
//
// An unknown name is an error that lists the valid ones.
func Toy(name string, n int, rng *tensor.RNG) (*tensor.Tensor, error) {
	s, ok := lookupToy(name)
	if !ok {
		return nil, fmt.Errorf("data: unknown toy dataset %q (valid: %s)", name, strings.Join(ToyNames(), ", "))
	}
	if n < 0 {
		return nil, fmt.Errorf("data: toy dataset %s: negative sample count %d", name, n)
	}
	return s.sample(n, rng), nil
}

// ToyDensity returns the exact log-density of the named toy distribution,
// for the sets where it is known in closed form (the mixtures and
// checkerboard, whose log-density is -Inf off its squares). The second
// result is false for the other names.
func ToyDensity(name string) (func(x, y float64) float64, bool) {
	s, ok := lookupToy(name)
	if !ok || s.logDensity == nil {
		return nil, false
	}
	return s.logDensity, true
}

// ToyModes returns the mode centers of the named Gaussian mixture (ring8,
// grid25, pacring8, pacgrid25) and their common standard deviation, for mode-coverage metrics: a
// sample counts for a mode when it lies within a few std of its center.
// The last result is false for sets without isolated modes.
func ToyModes(name string) (modes [][2]float64, std float64, ok bool) {
	s, found := lookupToy(name)
	if !found || s.mixture == nil {
		return nil, 0, false
	}
	return append([][2]float64(nil), s.mixture.Means...), s.mixture.Std, true
}

// Bounds returns a plotting box for the named toy distribution that holds
// nearly all of its mass with a margin. The second result is false for an
// unknown name.
func Bounds(name string) (Box, bool) {
	s, ok := lookupToy(name)
	return s.box, ok
}
