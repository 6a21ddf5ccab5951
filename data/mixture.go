package data

import (
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Mixture is an equally weighted mixture of isotropic 2-D Gaussians: each
// component has its own mean and the common standard deviation Std. Its
// density is known exactly, so a model trained on its samples can be scored
// by the test negative log-likelihood under the truth and by how many of
// the modes its samples reach.
type Mixture struct {
	Means [][2]float64
	Std   float64
}

// RingMixture returns k Gaussians with standard deviation std whose means
// sit evenly on a circle of the given radius, the first at angle 0. With
// k = 8 this is the ring used to study mode collapse in GANs (Metz et al.
// 2016, "Unrolled Generative Adversarial Networks") and as a density
// benchmark (Grathwohl et al. 2019, FFJORD).
func RingMixture(k int, radius, std float64) Mixture {
	m := Mixture{Means: make([][2]float64, k), Std: std}
	for i := range m.Means {
		a := 2 * math.Pi * float64(i) / float64(k)
		m.Means[i] = [2]float64{radius * math.Cos(a), radius * math.Sin(a)}
	}
	return m
}

// GridMixture returns k×k Gaussians with standard deviation std whose means
// form a square grid centered on the origin with the given spacing. With
// k = 5 this is the 25-Gaussian grid of the GAN mode-coverage literature
// (Dumoulin et al. 2017, ALI; Srivastava et al. 2017, VEEGAN).
func GridMixture(k int, spacing, std float64) Mixture {
	m := Mixture{Means: make([][2]float64, 0, k*k), Std: std}
	half := float64(k-1) / 2
	for i := range k {
		for j := range k {
			m.Means = append(m.Means, [2]float64{spacing * (float64(i) - half), spacing * (float64(j) - half)})
		}
	}
	return m
}

// Sample draws n points as an [n, 2] tensor: for each point a component
// chosen uniformly, then Gaussian noise around its mean.
func (m Mixture) Sample(n int, rng *tensor.RNG) *tensor.Tensor {
	out := tensor.Zeros(n, 2)
	d := out.Data()
	for i := range n {
		mu := m.Means[rng.IntN(len(m.Means))]
		d[2*i] = float32(mu[0] + m.Std*float64(rng.Norm()))
		d[2*i+1] = float32(mu[1] + m.Std*float64(rng.Norm()))
	}
	return out
}

// LogDensity returns the natural log of the mixture's density at (x, y),
// computed with a log-sum-exp over the components so that it stays finite
// far from every mode.
func (m Mixture) LogDensity(x, y float64) float64 {
	v := m.Std * m.Std
	best := math.Inf(-1)
	e := make([]float64, len(m.Means))
	for i, mu := range m.Means {
		dx, dy := x-mu[0], y-mu[1]
		e[i] = -(dx*dx + dy*dy) / (2 * v)
		best = math.Max(best, e[i])
	}
	sum := 0.0
	for _, ei := range e {
		sum += math.Exp(ei - best)
	}
	return best + math.Log(sum) - math.Log(float64(len(m.Means))) - math.Log(2*math.Pi*v)
}
