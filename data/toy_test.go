package data

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func TestToyShapesAndDeterminism(t *testing.T) {
	const n = 2000
	for _, name := range ToyNames() {
		t.Run(name, func(t *testing.T) {
			a, err := Toy(name, n, tensor.NewRNG(1))
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Shape(); !slices.Equal(got, []int{n, 2}) {
				t.Fatalf("shape %v, want [%d 2]", got, n)
			}
			b, _ := Toy(name, n, tensor.NewRNG(1))
			if !slices.Equal(a.Data(), b.Data()) {
				t.Error("same seed gave different points")
			}
			c, _ := Toy(name, n, tensor.NewRNG(2))
			if slices.Equal(a.Data(), c.Data()) {
				t.Error("different seeds gave the same points")
			}
			box, ok := Bounds(name)
			if !ok {
				t.Fatal("no bounds")
			}
			inside := 0
			d := a.Data()
			for i := range n {
				x, y := float64(d[2*i]), float64(d[2*i+1])
				if x >= box.XMin && x <= box.XMax && y >= box.YMin && y <= box.YMax {
					inside++
				}
			}
			if inside < n*999/1000 {
				t.Errorf("%d of %d points inside the bounds %+v", inside, n, box)
			}
		})
	}
}

func TestToyErrors(t *testing.T) {
	_, err := Toy("banana", 10, tensor.NewRNG(1))
	if err == nil || !strings.Contains(err.Error(), "banana") || !strings.Contains(err.Error(), "grid25") {
		t.Errorf("unknown name: error %v should name it and list the valid names", err)
	}
	if _, err := Toy("moons", -1, tensor.NewRNG(1)); err == nil {
		t.Error("negative count: no error")
	}
	if _, ok := Bounds("banana"); ok {
		t.Error("Bounds of an unknown name reported ok")
	}
}

// TestToyDensityNormalised integrates the exact densities over their box
// on a fine grid: each must hold (almost) all the mass.
func TestToyDensityNormalised(t *testing.T) {
	for _, name := range []string{"ring8", "grid25", "checkerboard"} {
		t.Run(name, func(t *testing.T) {
			logp, ok := ToyDensity(name)
			if !ok {
				t.Fatal("no density")
			}
			box, _ := Bounds(name)
			const res = 600
			hx, hy := (box.XMax-box.XMin)/res, (box.YMax-box.YMin)/res
			mass := 0.0
			for i := range res {
				for j := range res {
					mass += math.Exp(logp(box.XMin+(float64(i)+0.5)*hx, box.YMin+(float64(j)+0.5)*hy))
				}
			}
			mass *= hx * hy
			if math.Abs(mass-1) > 0.01 {
				t.Errorf("density integrates to %.4f over the box, want 1", mass)
			}
		})
	}
	for _, name := range []string{"moons", "spiral", "swissroll", "ellipse", "nope"} {
		if _, ok := ToyDensity(name); ok {
			t.Errorf("%s: density reported as known", name)
		}
	}
}

func TestMixtureLogDensity(t *testing.T) {
	m := Mixture{Means: [][2]float64{{0, 0}}, Std: 2}
	want := -math.Log(2 * math.Pi * 4)
	if got := m.LogDensity(0, 0); math.Abs(got-want) > 1e-12 {
		t.Errorf("peak log-density %v, want %v", got, want)
	}
	// Far from every mode the log-sum-exp keeps the value finite and exact.
	want = -(1000*1000)/8.0 - math.Log(2*math.Pi*4)
	if got := m.LogDensity(1000, 0); math.Abs(got-want) > 1e-6 {
		t.Errorf("far log-density %v, want %v", got, want)
	}
}

// TestToyModes checks that samples of the mixtures fall near their modes
// (P(r < 3σ) = 1 − e^{−4.5} ≈ 0.989 for a 2-D isotropic Gaussian) and that
// every mode is hit.
func TestToyModes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		modes int
	}{{"ring8", 8}, {"grid25", 25}} {
		t.Run(tc.name, func(t *testing.T) {
			modes, std, ok := ToyModes(tc.name)
			if !ok || len(modes) != tc.modes {
				t.Fatalf("ToyModes: %d modes, ok %v; want %d", len(modes), ok, tc.modes)
			}
			x, _ := Toy(tc.name, 5000, tensor.NewRNG(3))
			d := x.Data()
			hits := make([]int, len(modes))
			near := 0
			for i := range x.Size(0) {
				k, r := nearest(modes, float64(d[2*i]), float64(d[2*i+1]))
				if r < 3*std {
					near++
					hits[k]++
				}
			}
			if frac := float64(near) / 5000; frac < 0.98 || frac > 0.995 {
				t.Errorf("%.3f of samples within 3 std of a mode, want about 0.989", frac)
			}
			for k, h := range hits {
				if h == 0 {
					t.Errorf("mode %d at %v never hit", k, modes[k])
				}
			}
		})
	}
	if _, _, ok := ToyModes("moons"); ok {
		t.Error("moons reported modes")
	}
}

func nearest(modes [][2]float64, x, y float64) (int, float64) {
	best, bestR := 0, math.Inf(1)
	for k, m := range modes {
		if r := math.Hypot(x-m[0], y-m[1]); r < bestR {
			best, bestR = k, r
		}
	}
	return best, bestR
}

func TestRingAndGridLayout(t *testing.T) {
	ring := RingMixture(8, 2, 0.1)
	for _, m := range ring.Means {
		if r := math.Hypot(m[0], m[1]); math.Abs(r-2) > 1e-12 {
			t.Errorf("ring mean %v at radius %v, want 2", m, r)
		}
	}
	grid := GridMixture(5, 1, 0.05)
	for _, m := range grid.Means {
		for _, c := range m {
			if c != math.Round(c) || c < -2 || c > 2 {
				t.Errorf("grid mean %v not on {-2, ..., 2}²", m)
			}
		}
	}
}

func TestCheckerboardSamplesOnSquares(t *testing.T) {
	x := Checkerboard(3000, tensor.NewRNG(4))
	d := x.Data()
	for i := range x.Size(0) {
		if lp := checkerboardLogDensity(float64(d[2*i]), float64(d[2*i+1])); math.IsInf(lp, -1) {
			t.Fatalf("sample (%v, %v) off the dark squares", d[2*i], d[2*i+1])
		}
	}
}

// TestEllipse checks that without noise every point lies on the ellipse
// its x selects, and that x is uniform-looking in [0, 1).
func TestEllipse(t *testing.T) {
	y, x := Ellipse(1000, 0, tensor.NewRNG(5))
	if !slices.Equal(x.Shape(), []int{1000, 1}) || !slices.Equal(y.Shape(), []int{1000, 2}) {
		t.Fatalf("shapes y %v, x %v", y.Shape(), x.Shape())
	}
	sum := 0.0
	for i := range 1000 {
		xi := float64(x.At(i, 0))
		if xi < 0 || xi >= 1 {
			t.Fatalf("x = %v outside [0, 1)", xi)
		}
		sum += xi
		u, v := float64(y.At(i, 0))/(2-xi), float64(y.At(i, 1))/(1+xi)
		if r := u*u + v*v; math.Abs(r-1) > 1e-5 {
			t.Fatalf("point %d: (%v, %v) off its ellipse (%v)", i, y.At(i, 0), y.At(i, 1), r)
		}
	}
	if mean := sum / 1000; math.Abs(mean-0.5) > 0.05 {
		t.Errorf("mean x %v, want about 0.5", mean)
	}
}

func TestSpiralAndMoonsGeometry(t *testing.T) {
	s := Spiral(2000, 0, tensor.NewRNG(6))
	for i := range 2000 {
		if r := math.Hypot(float64(s.At(i, 0)), float64(s.At(i, 1))); r > math.Pi+1e-5 {
			t.Fatalf("noise-free spiral point at radius %v > π", r)
		}
	}
	m := Moons(4000, 0, tensor.NewRNG(7))
	var mx, my float64
	for i := range 4000 {
		mx += float64(m.At(i, 0))
		my += float64(m.At(i, 1))
	}
	// The arcs' centroids are (0, 2/π) and (1, 1/2 − 2/π); after centering
	// and doubling the set's mean is (0, 0).
	if math.Abs(mx/4000) > 0.05 || math.Abs(my/4000) > 0.05 {
		t.Errorf("moons mean (%v, %v), want about (0, 0)", mx/4000, my/4000)
	}
}
