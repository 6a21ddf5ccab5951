package nn

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// largestSingular returns the largest singular value of w ([r, c]) by
// power iteration on w^T w in float64, run to convergence.
func largestSingular(w []float32, r, c int) float64 {
	v := make([]float64, c)
	for j := range v {
		v[j] = 1 / math.Sqrt(float64(c)+float64(j))
	}
	var sigma float64
	for range 10000 {
		wv := make([]float64, r)
		for i := range r {
			for j := range c {
				wv[i] += float64(w[i*c+j]) * v[j]
			}
		}
		next := make([]float64, c)
		for i := range r {
			for j := range c {
				next[j] += float64(w[i*c+j]) * wv[i]
			}
		}
		var n float64
		for _, x := range next {
			n += x * x
		}
		n = math.Sqrt(n)
		for j := range next {
			next[j] /= n
		}
		v, sigma = next, math.Sqrt(n)
	}
	return sigma
}

// TestSpectralNormSigma: after enough training passes sigma is W's largest
// singular value, the normalised weight has spectral norm 1, evaluation
// leaves u and v alone, and the names are PyTorch's.
func TestSpectralNormSigma(t *testing.T) {
	rng := tensor.NewRNG(3)
	for _, tc := range []struct {
		name  string
		layer Layer
		x     *tensor.Tensor
	}{
		{"linear", NewLinear(rng, 7, 5, true), tensor.Randn(rng, 3, 7)},
		{"conv", NewConv2d(rng, 2, 3, ConvSpec{Kernel: 3, Stride: 1, Padding: 1}), tensor.Randn(rng, 2, 2, 4, 4)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSpectralNorm(rng, tc.layer)
			w := s.weight()
			want := largestSingular(w.Data(), w.Size(0), w.Len()/w.Size(0))
			for range 200 {
				s.Forward(tc.x)
			}
			if got := float64(s.Sigma().Item()); math.Abs(got-want) > 1e-5*want {
				t.Errorf("sigma %v, largest singular value %v", got, want)
			}
			u := append([]float32(nil), s.U.Data()...)
			SetTraining(s, false)
			s.Forward(tc.x)
			if s.U.Data()[0] != u[0] {
				t.Error("evaluation moved u")
			}
			sd := StateDict(s)
			for _, name := range []string{"weight_orig", "bias", "weight_u", "weight_v"} {
				if sd[name] == nil {
					t.Errorf("no %q in %v", name, sd)
				}
			}
		})
	}
}

// The gradient of sigma = u^T W v with u, v constant is u v^T.
func TestSpectralNormGrad(t *testing.T) {
	rng := tensor.NewRNG(4)
	s := NewSpectralNorm(rng, NewLinear(rng, 4, 3, false))
	s.Sigma().Backward()
	g, u, v := s.weight().Grad().Data(), s.U.Data(), s.V.Data()
	for i := range 3 {
		for j := range 4 {
			if d := g[i*4+j] - u[i]*v[j]; math.Abs(float64(d)) > 1e-6 {
				t.Fatalf("grad[%d,%d] = %v, want %v", i, j, g[i*4+j], u[i]*v[j])
			}
		}
	}
}
