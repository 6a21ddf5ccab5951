package data

import (
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// The toy sets follow the shapes used to benchmark density models and
// energy models in 2-D (Grathwohl et al. 2019, FFJORD; Du & Mordatch 2019;
// Nijkamp et al. 2019), rescaled so that each fits in a box a few units
// wide around the origin.

// Moons draws n points from two interleaved half circles, the shape of
// scikit-learn's make_moons: the upper arc (cos t, sin t) and the lower arc
// (1 − cos t, 1/2 − sin t) for t uniform in [0, π), each point on either arc
// with probability 1/2. Gaussian noise with standard deviation noise is
// added to both coordinates, then the set is centered and doubled in size
// (noise included), so that the noise-free arcs span [-3, 3] × [-1.5, 1.5].
func Moons(n int, noise float64, rng *tensor.RNG) *tensor.Tensor {
	return points(n, func() (float64, float64) {
		t := math.Pi * rng.Float64()
		x, y := math.Cos(t), math.Sin(t)
		if rng.IntN(2) == 1 {
			x, y = 1-x, 0.5-y
		}
		x += noise * float64(rng.Norm())
		y += noise * float64(rng.Norm())
		return 2 * (x - 0.5), 2 * (y - 0.25)
	})
}

// Spiral draws n points from two interleaved spiral arms. A point's angle
// is θ = 3π·√u for u uniform in [0, 1) (one and a half turns, with the
// square root spreading points evenly along the arm), its position on the
// first arm is (−θ cos θ, θ sin θ)/3 and on the second arm, chosen with
// probability 1/2, the mirror image through the origin. Gaussian noise with
// standard deviation noise is added; the arms reach radius π.
func Spiral(n int, noise float64, rng *tensor.RNG) *tensor.Tensor {
	return points(n, func() (float64, float64) {
		th := 3 * math.Pi * math.Sqrt(rng.Float64())
		x, y := -th*math.Cos(th)/3, th*math.Sin(th)/3
		if rng.IntN(2) == 1 {
			x, y = -x, -y
		}
		return x + noise*float64(rng.Norm()), y + noise*float64(rng.Norm())
	})
}

// SwissRoll draws n points from the 2-D swiss roll: t uniform in
// [3π/2, 9π/2), the point (t cos t, t sin t) plus Gaussian noise with
// standard deviation noise, all divided by 5 so that the roll reaches
// radius about 2.8 (scikit-learn's make_swiss_roll seen from above, scaled
// as in FFJORD).
func SwissRoll(n int, noise float64, rng *tensor.RNG) *tensor.Tensor {
	return points(n, func() (float64, float64) {
		t := 1.5 * math.Pi * (1 + 2*rng.Float64())
		x := t*math.Cos(t) + noise*float64(rng.Norm())
		y := t*math.Sin(t) + noise*float64(rng.Norm())
		return x / 5, y / 5
	})
}

// Checkerboard draws n points uniformly from the dark squares of a 4×4
// board of side-2 squares covering [-4, 4)²: the 8 squares whose column
// and row indices (counted from the lower left, from 0) have an even sum.
// The density is 1/32 on those squares and 0 elsewhere.
func Checkerboard(n int, rng *tensor.RNG) *tensor.Tensor {
	return points(n, func() (float64, float64) {
		c := rng.IntN(8)
		row := c / 2
		col := 2*(c%2) + row%2
		return -4 + 2*float64(col) + 2*rng.Float64(), -4 + 2*float64(row) + 2*rng.Float64()
	})
}

// checkerboardLogDensity is the log-density of Checkerboard's distribution.
func checkerboardLogDensity(x, y float64) float64 {
	if x < -4 || x >= 4 || y < -4 || y >= 4 {
		return math.Inf(-1)
	}
	col, row := int(math.Floor((x+4)/2)), int(math.Floor((y+4)/2))
	if (col+row)%2 != 0 {
		return math.Inf(-1)
	}
	return -math.Log(32)
}

// Ellipse draws n pairs (x, y) from the conditional ellipse used in the
// NYU Deep Learning course (LeCun & Canziani, energy-based models and
// latent-variable energy models): x is uniform in [0, 1), an angle t is
// uniform in [0, 2π) and
//
//	y = (ρ1(x) cos t + ε1, ρ2(x) sin t + ε2),  ρ1(x) = 2 − x,  ρ2(x) = 1 + x,
//
// with ε1, ε2 Gaussian of standard deviation noise. So x = 0 gives a wide
// ellipse with half-axes 2 and 1, x = 1/2 a circle of radius 1.5 and x → 1
// a tall ellipse with half-axes 1 and 2; the angle t plays the part of a
// latent variable. It returns y as an [n, 2] tensor and x as [n, 1].
func Ellipse(n int, noise float64, rng *tensor.RNG) (y, x *tensor.Tensor) {
	x = tensor.Zeros(n, 1)
	xs := x.Data()
	i := 0
	y = points(n, func() (float64, float64) {
		xi := rng.Float64()
		xs[i] = float32(xi)
		i++
		t := 2 * math.Pi * rng.Float64()
		return (2-xi)*math.Cos(t) + noise*float64(rng.Norm()), (1+xi)*math.Sin(t) + noise*float64(rng.Norm())
	})
	return y, x
}

// points fills an [n, 2] tensor with n calls of draw.
func points(n int, draw func() (float64, float64)) *tensor.Tensor {
	out := tensor.Zeros(n, 2)
	d := out.Data()
	for i := range n {
		x, y := draw()
		d[2*i], d[2*i+1] = float32(x), float32(y)
	}
	return out
}
