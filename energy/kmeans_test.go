package energy_test

import (
	"math"
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// gaussBlobs returns per rows of tight Gaussian blobs (std 0.1) around centres,
// and the blob of every row.
func gaussBlobs(rng *tensor.RNG, centres [][2]float32, per int) (*tensor.Tensor, []int) {
	var data []float32
	var label []int
	for c, m := range centres {
		for range per {
			data = append(data, m[0]+0.1*rng.Norm(), m[1]+0.1*rng.Norm())
			label = append(label, c)
		}
	}
	return tensor.New(data, len(label), 2), label
}

func TestKMeansBlobs(t *testing.T) {
	centres := [][2]float32{{0, 0}, {5, 0}, {0, 5}, {5, 5}, {-5, 2}}
	y, label := gaussBlobs(tensor.NewRNG(3), centres, 40)
	for _, seed := range []uint64{1, 2, 3} {
		m, err := energy.FitKMeans(tensor.NewRNG(seed), y, len(centres), 50)
		if err != nil {
			t.Fatal(err)
		}
		// Every true centre has a prototype within 0.1 and zero-ish energy.
		found := map[int]int{}
		for c, ctr := range centres {
			p := tensor.New([]float32{ctr[0], ctr[1]}, 1, 2)
			if e := m.Energy(nil, p).Item(); e > 0.01 {
				t.Errorf("seed %d: F(centre %v) = %v, want < 0.01", seed, ctr, e)
			}
			found[c] = m.Assign(p)[0]
		}
		// The clusters are the blobs.
		for i, a := range m.Assign(y) {
			if a != found[label[i]] {
				t.Fatalf("seed %d: row %d of blob %d assigned to %d, want %d", seed, i, label[i], a, found[label[i]])
			}
		}
		// Energy grows away from the prototypes.
		if e := m.Energy(nil, tensor.New([]float32{2.5, 2.5}, 1, 2)).Item(); e < 6 {
			t.Errorf("seed %d: F between blobs = %v, want >= 6", seed, e)
		}
		// The latent energy at the one-hot codes is the free energy.
		f, le := m.Energy(nil, y).Data(), m.LatentEnergy(nil, y, m.Codes(y)).Data()
		for i := range f {
			if math.Abs(float64(f[i]-le[i])) > 1e-4 {
				t.Fatalf("seed %d: row %d: F = %v, E(y, z*) = %v", seed, i, f[i], le[i])
			}
		}
	}
}

func TestKMeansDeterministic(t *testing.T) {
	y, _ := gaussBlobs(tensor.NewRNG(4), [][2]float32{{0, 0}, {1, 1}, {2, 0}}, 30)
	a, err := energy.FitKMeans(tensor.NewRNG(9), y, 3, 20)
	if err != nil {
		t.Fatal(err)
	}
	b, err := energy.FitKMeans(tensor.NewRNG(9), y, 3, 20)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Centers.Data(), b.Centers.Data()) {
		t.Errorf("same seed, different centres: %v and %v", a.Centers.Data(), b.Centers.Data())
	}
}

func TestKMeansEnergyGradient(t *testing.T) {
	m := &energy.KMeans{Centers: tensor.New([]float32{0, 0, 4, 0}, 2, 2)}
	y := tensor.New([]float32{1, 1, 3, -1}, 2, 2).SetRequiresGrad(true)
	g := tensor.Grad(m.Energy(nil, y).Sum(), y)[0].Data()
	want := []float32{2, 2, -2, -2} // 2 (y - nearest prototype)
	for i := range want {
		if math.Abs(float64(g[i]-want[i])) > 1e-5 {
			t.Fatalf("dF/dy = %v, want %v", g, want)
		}
	}
}

func TestFitKMeansErrors(t *testing.T) {
	y := tensor.Zeros(4, 2)
	for _, tc := range []struct {
		name string
		y    *tensor.Tensor
		k    int
	}{
		{"zero clusters", y, 0},
		{"more clusters than rows", y, 5},
		{"vector", tensor.Zeros(4), 1},
	} {
		if _, err := energy.FitKMeans(tensor.NewRNG(1), tc.y, tc.k, 10); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
