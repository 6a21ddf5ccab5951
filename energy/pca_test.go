package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// pcaData is a fixed set of 8 points in 3-D; the expected values of the
// tests below were computed from it with numpy.linalg.svd.
var pcaData = tensor.New([]float32{
	2, 0.5, -1, 1, 1.5, 0.3, -0.5, 2, 1.1, 0, -1, 0.4,
	3, 1, -0.7, -2, 0, 2.2, 1.5, -0.5, -0.2, 0.5, 0.5, 0.6,
}, 8, 3)

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestPCAMatchesSVD(t *testing.T) {
	query := tensor.New([]float32{0, 0, 0, 1, 2, 3, -1, 0.5, -2}, 3, 3)
	wantVar := []float64{2.98042322, 0.87857014, 0.04694414}
	for _, tc := range []struct {
		k    int
		want []float64
	}{
		{1, []float64{0.655003, 8.26815, 8.28555}},
		{2, []float64{0.35504, 4.90687, 8.18239}},
		{3, []float64{0, 0, 0}},
	} {
		p, err := energy.FitPCA(pcaData, tc.k)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range wantVar {
			if !relClose(p.Variances[i], v, 1e-5) {
				t.Errorf("k=%d: variance %d = %v, want %v", tc.k, i, p.Variances[i], v)
			}
		}
		e := p.Energy(nil, query).Data()
		for i, want := range tc.want {
			if !relClose(float64(e[i]), want, 1e-4) {
				t.Errorf("k=%d: F(query %d) = %v, want %v", tc.k, i, e[i], want)
			}
		}
	}
}

func TestPCAPlane(t *testing.T) {
	// Points mu + a u + b v on a plane in 5-D, with u and v orthonormal.
	rng := tensor.NewRNG(1)
	u := []float32{0.6, 0.8, 0, 0, 0}
	v := []float32{0, 0, 0.6, 0, 0.8}
	normal := []float32{0, 0, 0.8, 0, -0.6} // orthogonal to u and v
	mu := []float32{1, -2, 0.5, 3, 0}
	point := func(a, b, c float32) []float32 {
		out := make([]float32, 5)
		for j := range out {
			out[j] = mu[j] + a*u[j] + b*v[j] + c*normal[j]
		}
		return out
	}
	var data []float32
	for range 200 {
		data = append(data, point(3*rng.Norm(), rng.Norm(), 0)...)
	}
	p, err := energy.FitPCA(tensor.New(data, 200, 5), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ a, b, off float32 }{
		{0, 0, 0}, {5, -4, 0}, {1, 1, 0.5}, {-2, 3, 2}, {0, 0, -3},
	} {
		y := tensor.New(point(tc.a, tc.b, tc.off), 1, 5)
		got := float64(p.Energy(nil, y).Item())
		want := float64(tc.off * tc.off)
		if math.Abs(got-want) > 1e-4*(1+want) {
			t.Errorf("F at (%v, %v) + %v * normal = %v, want %v", tc.a, tc.b, tc.off, got, want)
		}
		// The latent energy at the inferred code is the free energy.
		if le := float64(p.LatentEnergy(nil, y, p.Encode(y)).Item()); math.Abs(le-got) > 1e-4*(1+want) {
			t.Errorf("E(y, Encode(y)) = %v, F(y) = %v", le, got)
		}
	}
	// W has orthonormal columns.
	wtw := tensor.MatmulT(p.W, p.W, true, false)
	for i := range 2 {
		for j := range 2 {
			want := 0.0
			if i == j {
				want = 1
			}
			if got := float64(wtw.At(i, j)); math.Abs(got-want) > 1e-5 {
				t.Errorf("(W^T W)[%d,%d] = %v, want %v", i, j, got, want)
			}
		}
	}
	// The gradient of F in y is 2 (y - mu) projected on the normal.
	y := tensor.New(point(1, 2, 0.7), 1, 5).SetRequiresGrad(true)
	g := tensor.Grad(p.Energy(nil, y).Sum(), y)[0].Data()
	for j := range g {
		if want := 2 * 0.7 * normal[j]; math.Abs(float64(g[j]-want)) > 1e-4 {
			t.Errorf("dF/dy[%d] = %v, want %v", j, g[j], want)
		}
	}
}

func TestPCAMeanEnergyIsDiscardedVariance(t *testing.T) {
	p, err := energy.FitPCA(pcaData, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := float64(p.Energy(nil, pcaData).Mean().Item())
	want := p.Variances[1] + p.Variances[2]
	if !relClose(got, want, 1e-5) {
		t.Errorf("mean training energy %v, want the discarded variance %v", got, want)
	}
}

func TestFitPCAErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		y    *tensor.Tensor
		k    int
	}{
		{"zero components", pcaData, 0},
		{"too many components", pcaData, 4},
		{"one row", tensor.Zeros(1, 3), 1},
		{"vector", tensor.Zeros(3), 1},
	} {
		if _, err := energy.FitPCA(tc.y, tc.k); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
