package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// The ellipse example of the NYU Deep Learning course (energy-based models
// lecture): y = [rho1(x) cos t + e, rho2(x) sin t + e], explained by the
// latent decoder g(z) = [w1 cos z, w2 sin z] with z on a 48-point grid and
// E(y, z) = ||y - g(z)||^2.
const gridSize = 48

func ellipseData(n int) *tensor.Tensor {
	rng := tensor.NewRNG(7)
	y := tensor.Zeros(n, 2)
	for i := 0; i < n; i++ {
		x := float64(i) / float64(n)
		rho1, rho2 := 1.5*x+2*(1-x), 2*x+1.5*(1-x)
		t := 2 * math.Pi * rng.Float64()
		y.Set(float32(rho1*math.Cos(t)+0.05*float64(rng.Norm())), i, 0)
		y.Set(float32(rho2*math.Sin(t)+0.05*float64(rng.Norm())), i, 1)
	}
	return y
}

func zGrid() *tensor.Tensor {
	g := tensor.Zeros(gridSize, 1)
	for k := 0; k < gridSize; k++ {
		g.Set(float32(2*math.Pi*float64(k)/gridSize), k, 0)
	}
	return g
}

func decoderEnergy(w1, w2 float32) energy.LatentFunc {
	return func(_, y, z *tensor.Tensor) *tensor.Tensor {
		gz := tensor.Concat(1, z.Cos().MulScalar(w1), z.Sin().MulScalar(w2))
		return y.Sub(gz).Square().Sum(1)
	}
}

func TestEllipseLatentInference(t *testing.T) {
	const w1, w2 = 1.8, 1.6
	y := ellipseData(24)
	best, fInf, energies := energy.MinLatentGrid(decoderEnergy(w1, w2), nil, y, zGrid())
	for i := 0; i < y.Size(0); i++ {
		// Independent float64 computation of the same quantities.
		yi0, yi1 := float64(y.At(i, 0)), float64(y.At(i, 1))
		wantK, wantE := -1, math.Inf(1)
		var sum float64
		es := make([]float64, gridSize)
		for k := 0; k < gridSize; k++ {
			z := 2 * math.Pi * float64(k) / gridSize
			e := math.Pow(yi0-w1*math.Cos(z), 2) + math.Pow(yi1-w2*math.Sin(z), 2)
			es[k] = e
			if e < wantE {
				wantK, wantE = k, e
			}
			sum += e
		}
		if best[i] != wantK {
			t.Errorf("sample %d: argmin z index %d, want %d", i, best[i], wantK)
		}
		if got := float64(fInf.At(i)); math.Abs(got-wantE) > 1e-4*(1+wantE) {
			t.Errorf("sample %d: F_inf %v, want %v", i, got, wantE)
		}
		// F_beta decreases towards F_inf as beta grows and is the mean at small beta.
		prev := math.Inf(1)
		for _, beta := range []float32{0.001, 1, 10, 100, 1000} {
			f := float64(energy.FreeEnergy(energies.Narrow(0, i, 1), beta).Item())
			if f > prev+1e-4 || f < wantE-1e-4 {
				t.Errorf("sample %d beta %v: F_beta %v not between F_inf %v and the previous %v", i, beta, f, wantE, prev)
			}
			prev = f
			if beta == 0.001 && math.Abs(f-sum/gridSize) > 1e-2*(1+sum/gridSize) {
				t.Errorf("sample %d: F_beta at small beta %v, want the mean %v", i, f, sum/gridSize)
			}
		}
		if math.Abs(prev-wantE) > 1e-2 {
			t.Errorf("sample %d: F_1000 %v, want close to F_inf %v", i, prev, wantE)
		}
	}
}

func TestLatentDescentMatchesGrid(t *testing.T) {
	y := ellipseData(8)
	m := decoderEnergy(1.8, 1.6)
	best, fInf, _ := energy.MinLatentGrid(m, nil, y, zGrid())
	z0 := tensor.Zeros(8, 1)
	for i, k := range best {
		z0.Set(float32(2*math.Pi*float64(k)/gridSize), i, 0)
	}
	_, fDesc, err := energy.MinLatentDescent(m, nil, y, z0, energy.Descent{Steps: 200, StepSize: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	for i := range best {
		if fDesc.At(i) > fInf.At(i)+1e-5 {
			t.Errorf("sample %d: descent from the grid optimum rose from %v to %v", i, fInf.At(i), fDesc.At(i))
		}
	}
}
